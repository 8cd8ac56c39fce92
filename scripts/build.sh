#!/usr/bin/env bash
# Build the frozen bundle (dist/mishen-VERSION/) from build.spec and its archive
# dist/mishen-VERSION-linux-x86_64.tar.zst (symlinks kept); prints build time and sizes.
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
done_=$(date +%s.%N)
printf 'build: %.1f s (PyInstaller %.1f s, archive %.1f s)\n' "$(echo "$done_ - $start" | bc)" \
  "$(echo "$built - $start" | bc)" "$(echo "$done_ - $built" | bc)"
printf 'bundle: %s  %s MiB raw\n' "dist/$name" "$(du -sm "dist/$name" | cut -f1)"
printf 'archive: %s  %s MiB\n' "$archive" "$(du -m "$archive" | cut -f1)"
