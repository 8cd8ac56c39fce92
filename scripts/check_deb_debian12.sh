#!/usr/bin/env bash
# Install the built .debs on a clean Debian 12 (a debootstrap minbase chroot) and use them as a
# user would: scan the sample, add the 保密管理员 and an 信息员, open a review, sign level 1, print
# the 审查单 as PDF, read a scanned page (with mishen-ocr), start the window offscreen.
# Needs root, debootstrap and the Debian mirror (network, at build time only); not part of .ci/run
# (about 4 minutes, mostly downloads). Usage: sudo bash scripts/check_deb_debian12.sh [CHROOT_DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=$(python3 -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
root=${1:-/tmp/mishen-deb12}
deb=dist/mishen_${version}_amd64.deb ocr=dist/mishen-ocr_${version}_amd64.deb
[ -f "$deb" ] && [ -f "$ocr" ] || { echo "build first: bash scripts/build.sh" >&2; exit 1; }
[ -x "$root/bin/bash" ] || debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
cp "$deb" "$ocr" resources/samples/sample-draft.docx "$root/tmp/"
.venv/bin/python scripts/make_scan_sample.py "$root/tmp/扫描件.png"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
chroot "$root" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  /tmp/$(basename "$deb") /tmp/$(basename "$ocr") >/dev/null"
chroot "$root" bash -euo pipefail -c '
cd /tmp && export HOME=/tmp/home-check && rm -rf "$HOME" && mkdir -p "$HOME"
mishen --version
mishen scan --fail-on never sample-draft.docx | tail -1
PW=a-long-password
echo $PW | mishen users add 孙保密 --role secrecy_admin --unit 县营商办 --password-stdin >/dev/null
printf "%s\n%s\n" $PW $PW | mishen users add 李信息 --role officer --unit 县营商办 --by 孙保密 --password-stdin >/dev/null
rid=$(mishen review open sample-draft.docx --title 安装测试 --unit 县营商办 | tail -1)
echo $PW | mishen review sign "$rid" --level 1 --user 李信息 --decision escalate --opinion 安装测试 --password-stdin | tail -1
mishen review sheet "$rid" -o /tmp/审查单.pdf && head -c 4 /tmp/审查单.pdf | grep -q %PDF
mishen ledger verify | tail -1
mishen scan --fail-on never --format json 扫描件.png | grep -q secret_mark && echo "OCR: the secrecy mark of a scanned page is read"
QT_QPA_PLATFORM=offscreen MISHEN_QUIT_AFTER_MS=1500 timeout 60 mishen-gui sample-draft.docx 2>&1 | grep MISHEN_QUIT_AFTER_MS
echo "check_deb_debian12: all passed"
'
