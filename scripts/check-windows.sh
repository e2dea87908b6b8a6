#!/usr/bin/env bash
# Builds the addon for Windows (x86-64) with MinGW-w64 to prove the native
# sources compile and link there: every source, strict flags, and a real
# PE32+ .node linked against import libraries for node.exe.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-win"
cxx=x86_64-w64-mingw32-g++-posix
dlltool=x86_64-w64-mingw32-dlltool

command -v "$cxx" >/dev/null || { echo "check-windows: $cxx not found" >&2; exit 1; }
command -v "$dlltool" >/dev/null || { echo "check-windows: $dlltool not found" >&2; exit 1; }

napi_headers="$(cd "$root" && node -p "require('node-api-headers').include_dir")"
napi_def="$(cd "$root" && node -p "require('node-api-headers').def_paths.node_api_def")"
addon_api="$(cd "$root" && node -p "require('node-addon-api').include_dir")"
# libuv's headers (uv.h with uv/win.h) as shipped with Node's own headers.
uv_headers="${UV_INCLUDE_DIR:-/usr/include/node}"
[ -f "$uv_headers/uv/win.h" ] || { echo "check-windows: no uv/win.h under $uv_headers (set UV_INCLUDE_DIR)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/obj" "$out/uv"
# Only libuv's headers: Node's node_api.h there must not shadow node-api-headers'.
cp "$uv_headers/uv.h" "$out/uv/"
cp -r "$uv_headers/uv" "$out/uv/uv"

flags=(-std=c++17 -O2 -Wall -Wextra -Wpedantic -Werror -fexceptions
  -D_WIN32_WINNT=0x0A00 -DWIN32_LEAN_AND_MEAN -DNOMINMAX
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS -DBUILDING_NODE_EXTENSION
  -I"$napi_headers" -I"$addon_api" -I"$out/uv")

# OpenSSL's headers as shipped with Node's: its per-platform dispatch keys on MSVC's _M_X64,
# so point straight at the Windows x64 configuration. Only cipher_context.cc includes them.
openssl_flags=(-I"$uv_headers/openssl/archs/VC-WIN64A/asm/include" -I"$uv_headers")
[ -f "$uv_headers/openssl/archs/VC-WIN64A/asm/include/openssl/configuration.h" ] ||
  { echo "check-windows: no OpenSSL VC-WIN64A configuration under $uv_headers/openssl" >&2; exit 1; }

# Every source, io_posix.cc included (it compiles to nothing outside POSIX): none can be left out by mistake.
objects=()
for path in "$root"/native/*.cc; do
  src="$(basename "$path")"
  obj="$out/obj/${src%.cc}.o"
  extra=()
  [ "$src" = cipher_context.cc ] && extra=("${openssl_flags[@]}")
  echo "check-windows: compile native/$src"
  "$cxx" "${flags[@]}" "${extra[@]}" -c "$path" -o "$obj"
  objects+=("$obj")
done

echo "check-windows: import libraries for node.exe"
"$dlltool" -d "$napi_def" -l "$out/libnode_api.a"
"$dlltool" -d "$root/native/win/node_uv.def" -l "$out/libnode_uv.a"
"$dlltool" -d "$root/native/win/node_openssl.def" -l "$out/libnode_openssl.a"

echo "check-windows: link build-win/uftp_native.node"
"$cxx" -shared -o "$out/uftp_native.node" "${objects[@]}" \
  "$out/libnode_api.a" "$out/libnode_uv.a" "$out/libnode_openssl.a" -lws2_32 -liphlpapi -lqwave -ladvapi32 \
  -static

kind="$(file -b "$out/uftp_native.node" 2>/dev/null || true)"
echo "check-windows: $kind"
if command -v file >/dev/null && [[ "$kind" != PE32+*DLL* ]]; then
  echo "check-windows: output is not a PE32+ DLL" >&2
  exit 1
fi
x86_64-w64-mingw32-objdump -p "$out/uftp_native.node" | grep -E "DLL Name|napi_register_module_v1" | sed 's/^/check-windows: /'
echo "check-windows: ok"
