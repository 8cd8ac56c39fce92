#!/usr/bin/env bash
# Build the frozen bundle (dist/mishen-VERSION/) from build.spec, then the base archive
# dist/mishen-VERSION-linux-x86_64.tar.zst and the optional OCR component
# dist/mishen-ocr-VERSION-linux-x86_64.tar.zst (symlinks kept; unpack it over the base), and the
# packages dist/mishen_VERSION_amd64.deb and dist/mishen-ocr_VERSION_amd64.deb; prints build
# time and sizes.
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
# Strip the ELF files that still carry symbols (libpython, NumPy's extensions …), except the
# libraries auditwheel vendored into wheels (*.libs/): patchelf moved their segments and strip
# breaks them. The executables themselves carry the archive and are left alone.
if command -v strip >/dev/null && [ "$(uname -s)" = Linux ]; then
  find "dist/$name/_internal" -type f \( -name '*.so' -o -name '*.so.*' \) ! -path '*.libs/*' -print0 |
    while IFS= read -r -d '' f; do
      if file -b "$f" | grep -q 'ELF.*not stripped'; then strip --strip-unneeded "$f" 2>/dev/null || true; fi
    done
fi
# Qt Core's ICU data (31 MiB) trimmed to what Qt Core asks of it (scripts/trim_icu.py).
icu="dist/$name/_internal/PySide6/Qt/lib/libicudata.so.73"
if [ -f "$icu" ]; then "$PY" scripts/trim_icu.py "$icu"; fi
built=$(date +%s.%N)
arch=$(uname -m)
# The OCR engine (the PP-OCR models, onnxruntime, NumPy: ~105 MiB) is an optional
# component: dist/mishen-VERSION/ is the whole bundle; scripts/split_ocr.py cuts it into the base
# and the component, which unpacks over the base (and checks that the two give the whole back).
"$PY" scripts/split_ocr.py "dist/$name" build/split
base=build/split/base ocr=build/split/ocr
archive=dist/$name-linux-$arch.tar.zst
ocr_archive=dist/mishen-ocr-$version-linux-$arch.tar.zst
tar -C "$base" -cf - "$name" | zstd -q -T2 -9 -f -o "$archive"
tar -C "$ocr" -cf - "$name" | zstd -q -T2 -9 -f -o "$ocr_archive"
# The .debs: mishen (the bundle in /opt/mishen, /usr/bin links, the desktop entry and icon) and
# mishen-ocr (the OCR engine into /opt/mishen; depends on the same version of mishen).
deb="" ocr_deb=""
if command -v dpkg-deb >/dev/null; then
  rm -rf build/deb
  stage=build/deb/mishen
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/icons/hicolor/256x256/apps"
  cp -a "$base/$name" "$stage/opt/mishen"
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
Recommends: mishen-ocr, fonts-wqy-zenhei, fonts-arphic-uming, libreoffice-writer-nogui, libreoffice-calc-nogui
Description: 密审 MiShen confidentiality review workstation
 Offline review of government documents before publication: scanning,
 four-level sign-off, signed ledger, 保密审查单 and 领导审批台帐.
CONTROL
  deb=dist/mishen_${version}_amd64.deb
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" >/dev/null
  stage=build/deb/mishen-ocr
  mkdir -p "$stage/DEBIAN" "$stage/opt"
  cp -a "$ocr/$name" "$stage/opt/mishen"
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: mishen-ocr
Version: $version
Architecture: amd64
Maintainer: MiShen <mishen@localhost>
Section: utils
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: mishen (= $version)
Description: 密审 MiShen OCR component (scanned pages and images)
 The PP-OCR models from rapidocr (Apache-2.0), onnxruntime and NumPy, run
 offline by MiShen's own pipeline; nothing is downloaded.
CONTROL
  ocr_deb=dist/mishen-ocr_${version}_amd64.deb
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$ocr_deb" >/dev/null
fi
done_=$(date +%s.%N)
printf 'build: %.1f s (PyInstaller %.1f s, archive and .deb %.1f s)\n' "$(echo "$done_ - $start" | bc)" \
  "$(echo "$built - $start" | bc)" "$(echo "$done_ - $built" | bc)"
printf 'bundle: %s  %s MiB raw (base %s MiB + OCR component %s MiB)\n' "dist/$name" "$(du -sm "dist/$name" | cut -f1)" \
  "$(du -sm "$base/$name" | cut -f1)" "$(du -sm "$ocr/$name" | cut -f1)"
printf 'archives: %s  %s MiB; %s  %s MiB\n' "$archive" "$(du -m "$archive" | cut -f1)" "$ocr_archive" "$(du -m "$ocr_archive" | cut -f1)"
[ -z "$deb" ] || printf 'debs: %s  %s MiB; %s  %s MiB\n' "$deb" "$(du -m "$deb" | cut -f1)" "$ocr_deb" "$(du -m "$ocr_deb" | cut -f1)"
