#!/usr/bin/env bash
# npm run package:deb: builds dist/uftp-ts_VERSION_ARCH.deb from the built tree (npm ci / npm run build
# first) with dpkg-deb. The package holds the programs under /usr/lib/uftp-ts (bin/ with the usual names,
# dist/lib, the addon, the production node_modules), suffixed names in /usr/bin, the systemd units, the
# /etc/default files, a logrotate file and the maintainer scripts of packaging/.
# Usage: scripts/package-deb.sh [output_dir]   (default: the project's deb/ folder)
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$PWD
out_dir=${1:-$root_dir/deb}

addon=build/Release/uftp_native.node
for built in "$addon" dist/lib/cli/uftpd/main.js; do
  [ -e "$built" ] || { echo "package-deb: $built is missing: run npm ci (or npm run build) first" >&2; exit 1; }
done

version=$(node -p 'require("./package.json").version')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg
lib=$pkg/usr/lib/uftp-ts

# The production dependencies exactly as the lock file pins them, without running any install script
# (ours would rebuild the addon: the one already built is copied in instead, where bindings looks).
mkdir -p "$lib"
cp package.json package-lock.json "$lib/"
(cd "$lib" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >&2)
rm -f "$lib/package-lock.json"
mkdir -p "$lib/build/Release" "$lib/dist"
install -m 0644 "$addon" "$lib/build/Release/"
cp -r bin "$lib/bin"
cp -r dist/lib "$lib/dist/lib"
find "$lib/dist" -name '*.map' -delete
chmod 0755 "$lib"/bin/*

# /usr/bin: suffixed names beside Debian's uftp (which owns uftp, uftpd, uftpproxyd, uftp_keymgt).
mkdir -p "$pkg/usr/bin"
for program in uftp uftpd uftpproxyd uftp_keymgt; do ln -s "../lib/uftp-ts/bin/$program" "$pkg/usr/bin/$program-ts"; done
ln -s ../lib/uftp-ts/bin/uftp_diag "$pkg/usr/bin/uftp_diag"

# Bookworm's packages ship units in /lib/systemd/system (Debian's uftp does too).
install -D -m 0644 -t "$pkg/lib/systemd/system" packaging/systemd/uftpd.service packaging/systemd/uftpproxyd@.service
install -D -m 0644 -t "$pkg/etc/default" packaging/default/uftpd packaging/default/uftpproxyd-example
install -D -m 0644 packaging/logrotate/uftp-ts "$pkg/etc/logrotate.d/uftp-ts"
install -D -m 0644 README.md "$pkg/usr/share/doc/uftp-ts/README.md"
install -D -m 0644 packaging/debian/copyright "$pkg/usr/share/doc/uftp-ts/copyright"

mkdir -p "$pkg/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$pkg/DEBIAN/"
(cd "$pkg" && find etc -type f | sed 's|^|/|' | sort) > "$pkg/DEBIAN/conffiles"
maintainer=$(node -p 'const p = require("./package.json"); p.maintainer || "uftp-ts maintainers <uftp-ts@localhost>"')
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s|@VERSION@|$version|; s|@ARCH@|$arch|; s|@MAINTAINER@|$maintainer|; s|@SIZE@|$size|" \
  packaging/debian/control.in > "$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"

# Directories 0755, files readable by all: whatever umask the build ran under.
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$pkg" -type f -perm -u+x -exec chmod 0755 {} +
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm" "$pkg/DEBIAN/postrm"

mkdir -p "$out_dir"
deb=$out_dir/uftp-ts_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
