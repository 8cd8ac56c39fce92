#!/usr/bin/env bash
# Set up everything MiShen needs on this machine: system packages (Debian/Ubuntu/UOS/Kylin via apt)
# and a virtual environment in .venv with the app and its development tools. Idempotent and quick
# when nothing changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

APT_PACKAGES=(
  # headless Qt with Chinese text
  libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3 fonts-noto-cjk
  # TrueType CJK fonts embedded in the printed forms (reportlab cannot embed the CFF Noto CJK):
  # 文泉驿正黑 (黑体, titles) and AR PL UMing (明体, body), both Debian main
  fonts-wqy-zenhei fonts-arphic-uming
  # Xvfb screenshots
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxkbcommon-x11-0
  # reading .doc/.wps/.et/.rtf/.odt drafts (converted to docx/xlsx offline)
  libreoffice-writer-nogui libreoffice-calc-nogui
  # the patrol report checked in headless Chromium (tests/app/patrol)
  chromium
  # the frozen build: its archive, and stripping its libraries (scripts/build.sh)
  zstd file binutils
)

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "bootstrap: installing system packages: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
else
  echo "bootstrap: no apt-get here; install the Qt runtime libraries and a CJK font yourself" >&2
fi

PY="${PYTHON:-python3}"
stamp=".venv/.mishen-stamp"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >&2
  .venv/bin/python -m pip install -q -e ".[dev,cluster]" >&2
  echo "$want" > "$stamp"
fi

# Byte-compile the app once here: start-up then skips compiling ~70 modules from source (it
# matters when PYTHONDONTWRITEBYTECODE is set, as on some managed desktops and CI runners).
.venv/bin/python -m compileall -q app ui >/dev/null
