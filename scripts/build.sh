#!/usr/bin/env bash
# Build the frozen bundle (dist/mishen-VERSION/) from build.spec and its archive
# dist/mishen-VERSION-linux-x86_64.tar.zst (symlinks kept) and dist/mishen_VERSION_amd64.deb;
# prints build time and sizes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "build.sh: .venv missing; run scripts/bootstrap.sh first" >&2; exit 1; }
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  pin=$("$PY" -c "import tomllib;print(next(d for d in tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['dev'] if d.lower().startswith('pyinstaller')))")
  "$PY" -m pip install --quiet "$pin"
fi
command -v zstd >/dev/null || { echo "build.sh: zstd missing (apt-get install zstd)" >&2; exit 1; }
version=$("$PY" -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
name=mishen-$version
start=$(date +%s.%N)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller build.spec
built=$(date +%s.%N)
arch=$(uname -m)
archive=dist/$name-linux-$arch.tar.zst
tar -C dist -cf - "$name" | zstd -q -T2 -12 -f -o "$archive"
# The .deb: the bundle in /opt/mishen, /usr/bin links, the desktop entry and icon.
deb=""
if command -v dpkg-deb >/dev/null; then
  stage=build/deb/mishen
  rm -rf build/deb && mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/icons/hicolor/256x256/apps"
  cp -a "dist/$name" "$stage/opt/mishen"
  ln -s /opt/mishen/mishen "$stage/usr/bin/mishen"
  ln -s /opt/mishen/mishen-gui "$stage/usr/bin/mishen-gui"
  cp resources/mishen.desktop "$stage/usr/share/applications/mishen.desktop"
  cp resources/mishen.png "$stage/usr/share/icons/hicolor/256x256/apps/mishen.png"
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: mishen
Version: $version
Architecture: amd64
Maintainer: MiShen <mishen@localhost>
Section: utils
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: libc6 (>= 2.36), libgl1, libegl1, libxcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libfontconfig1, libdbus-1-3, fonts-noto-cjk | fonts-wqy-zenhei
Recommends: fonts-wqy-zenhei, fonts-arphic-uming, libreoffice-writer-nogui, libreoffice-calc-nogui
Description: 密审 MiShen confidentiality review workstation
 Offline review of government documents before publication: scanning,
 four-level sign-off, signed ledger, 保密审查单 and 领导审批台帐.
CONTROL
  deb=dist/mishen_${version}_amd64.deb
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" >/dev/null
fi
done_=$(date +%s.%N)
printf 'build: %.1f s (PyInstaller %.1f s, archive and .deb %.1f s)\n' "$(echo "$done_ - $start" | bc)" \
  "$(echo "$built - $start" | bc)" "$(echo "$done_ - $built" | bc)"
printf 'bundle: %s  %s MiB raw\n' "dist/$name" "$(du -sm "dist/$name" | cut -f1)"
printf 'archive: %s  %s MiB\n' "$archive" "$(du -m "$archive" | cut -f1)"
[ -z "$deb" ] || printf 'deb: %s  %s MiB\n' "$deb" "$(du -m "$deb" | cut -f1)"
