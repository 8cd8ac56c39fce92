#!/usr/bin/env bash
# Smoke test of the frozen bundle built by scripts/build.sh (dist/mishen-VERSION/).
# The bundle is copied outside the repository, made read-only and run with a clean environment:
#   --version; `scan --format json` over ../shared/eval/corpus equal to the source tree's (when the
#   corpus is present); users added, a review opened and signed at level 1, its 审查单 exported as
#   docx and PDF; the window started offscreen on the sample and closed; nothing written inside the
#   bundle and the data in the platform directories under $HOME; UTF-8 mode under a GBK locale; a
#   scanned page read by the bundled OCR engine, and the base without the OCR component saying so;
#   the size budgets. Any failure stops with a message.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
PY=$repo/.venv/bin/python
version=$("$PY" -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
bundle=${MISHEN_BUNDLE:-$repo/dist/mishen-$version}
fail() { echo "smoke_frozen: FAIL: $*" >&2; exit 1; }
[ -x "$bundle/mishen" ] && [ -x "$bundle/mishen-gui" ] || fail "no bundle at $bundle (run scripts/build.sh)"

# 0. size budgets (issue 14): ≤ 200 MiB raw without the OCR component, ≤ 350 MiB with it
whole=$(du -sm "$bundle" | cut -f1)
[ "$whole" -le 350 ] || fail "the bundle is $whole MiB raw: over the 350 MiB budget (with OCR)"
split_base=$repo/build/split/base/mishen-$version
if [ -z "${MISHEN_BUNDLE:-}" ] && [ -d "$split_base" ]; then
  base_mib=$(du -sm "$split_base" | cut -f1)
  [ "$base_mib" -le 200 ] || fail "the base (without OCR) is $base_mib MiB raw: over its 200 MiB budget"
  echo "ok  size: $whole MiB raw with OCR (budget 350), base $base_mib MiB (budget 200)"
else
  echo "ok  size: $whole MiB raw with OCR (budget 350)"
fi

tmp=$(mktemp -d /tmp/mishen-smoke.XXXXXX)
cleanup() { chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
app=$tmp/app home=$tmp/home work=$tmp/work
cp -a "$bundle" "$app"
mkdir -p "$home" "$work"
cp "$repo/resources/samples/sample-draft.docx" "$work/draft.docx"
chmod -R a-w "$app"
touch "$tmp/stamp"
sleep 1
run() { (cd "$work" && env -i HOME="$home" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 "$@"); }
# Errors the bundle must never print: a traceback, a missing OpenCC dictionary, a missing module.
check_err() { if grep -E "Traceback|ModuleNotFoundError|警告：繁体|No such file" "$1" >&2; then fail "$2 (stderr above)"; fi; }

# 1. --version
out=$(run "$app/mishen" --version 2>"$tmp/err") || { cat "$tmp/err" >&2; fail "--version exited $?"; }
[ "$out" = "mishen $version" ] || fail "--version printed '$out'"
check_err "$tmp/err" "--version"
echo "ok  --version: $out"

# 1b. UTF-8 mode is built in: under a GBK locale (as on a Chinese Windows console) a Chinese file
#     name and the JSON output are still UTF-8. The locale is compiled into $tmp (localedef); where
#     that is not possible the check says so and is skipped.
printf '本文件为机密级，请勿外传。\n' > "$work/机密通知.txt"
if command -v localedef >/dev/null && mkdir -p "$tmp/locale" && localedef -i zh_CN -f GBK "$tmp/locale/zh_CN.GBK" 2>/dev/null; then
  (cd "$work" && env -i HOME="$home" PATH=/usr/bin:/bin LOCPATH="$tmp/locale" LANG=zh_CN.GBK LC_ALL=zh_CN.GBK \
    "$app/mishen" scan --format json 机密通知.txt >"$tmp/utf8.json" 2>"$tmp/err") || true
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1],encoding='utf-8')); s=json.dumps(d,ensure_ascii=False); assert '机密通知.txt' in s and '机密' in s, s[:300]" \
    "$tmp/utf8.json" || { cat "$tmp/err" >&2; fail "scan under a GBK locale is not UTF-8 (utf8_mode missing in build.spec?)"; }
  check_err "$tmp/err" "scan under a GBK locale"
  echo "ok  UTF-8 mode: Chinese file name and UTF-8 JSON under LANG=zh_CN.GBK"
else
  echo "--  UTF-8 mode check skipped: cannot compile the zh_CN.GBK locale here"
fi
rm -f "$work/机密通知.txt"

# 2. scan over the shared corpus, compared with the source tree
corpus=${MISHEN_CORPUS-$repo/../shared/eval/corpus}   # MISHEN_CORPUS= (empty) skips the comparison
if [ -d "$corpus" ]; then
  corpus=$(cd "$corpus" && pwd)
  set +e
  run "$app/mishen" scan --format json "$corpus" >"$tmp/frozen.json" 2>"$tmp/err"; rc_f=$?
  (cd "$work" && HOME="$home/src" "$PY" -m app scan --format json "$corpus" >"$tmp/source.json" 2>"$tmp/err_src"); rc_s=$?
  set -e
  [ "$rc_f" = "$rc_s" ] || { cat "$tmp/err" >&2; fail "scan exit status frozen $rc_f, source $rc_s"; }
  [ -s "$tmp/frozen.json" ] || { cat "$tmp/err" >&2; fail "scan wrote no JSON (exit $rc_f)"; }
  check_err "$tmp/err" "scan"
  "$PY" - "$tmp/source.json" "$tmp/frozen.json" <<'PYEOF' || fail "frozen scan differs from the source tree"
import json, sys
# Fields that may legitimately differ between the two runs: none today (the report holds no
# timings and no path of the tool; document paths are the same absolute corpus paths). Add here.
VOLATILE: set[str] = set()
def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list):
        return [clean(v) for v in x]
    return x
src, frz = (clean(json.load(open(p, encoding="utf-8"))) for p in sys.argv[1:3])
if src != frz:
    a, b = json.dumps(src, ensure_ascii=False, indent=1, sort_keys=True).splitlines(), \
           json.dumps(frz, ensure_ascii=False, indent=1, sort_keys=True).splitlines()
    import difflib
    sys.stderr.write("\n".join(list(difflib.unified_diff(a, b, "source", "frozen", lineterm=""))[:60]) + "\n")
    sys.exit(1)
docs = src["documents"] if isinstance(src, dict) and "documents" in src else src
n = sum(len(d.get("findings", [])) for d in docs) if isinstance(docs, list) else 0
print(f"ok  scan: {len(docs)} documents, {n} findings, identical to the source tree")
PYEOF
else
  echo "--  scan comparison skipped: $corpus absent"
fi

# 2b. OCR: a scanned page (rendered here as a PNG) is read by the bundled engine and its models;
#     the base without the OCR component (scripts/split_ocr.py) says so clearly and still scans text
"$PY" "$repo/scripts/make_scan_sample.py" "$work/扫描件.png" || fail "could not render the OCR sample"
run "$app/mishen" scan --format json 扫描件.png >"$tmp/ocr.json" 2>"$tmp/err" || true
check_err "$tmp/err" "OCR scan"
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1],encoding='utf-8'))['documents'][0]; c={f['category'] for f in d['findings']}; assert not d['error'] and 'secret_mark' in c, (d['error'], c)" \
  "$tmp/ocr.json" || { cat "$tmp/err" >&2; fail "OCR in the bundle did not read the secrecy mark of a scanned page"; }
echo "ok  OCR: the secrecy mark of a scanned PNG found by the bundled engine"
base_bundle=$repo/build/split/base/mishen-$version
if [ -z "${MISHEN_BUNDLE:-}" ] && [ -x "$base_bundle/mishen" ]; then
  cp -a "$base_bundle" "$tmp/base" && chmod -R a-w "$tmp/base"
  run "$tmp/base/mishen" scan --format json 扫描件.png >"$tmp/ocr_base.json" 2>"$tmp/err" || true
  check_err "$tmp/err" "OCR scan without the component"
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1],encoding='utf-8'))['documents'][0]; assert d['error'] and '文字识别' in d['error'], d" \
    "$tmp/ocr_base.json" || { cat "$tmp/err" >&2; fail "the base without OCR did not say that the scanned page cannot be read"; }
  run "$tmp/base/mishen" scan --format json draft.docx >"$tmp/base_docx.json" 2>"$tmp/err" || true
  check_err "$tmp/err" "base scan"
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1],encoding='utf-8'))['documents'][0]; assert not d['error'] and d['findings'], d" \
    "$tmp/base_docx.json" || { cat "$tmp/err" >&2; fail "the base without OCR did not scan a docx"; }
  echo "ok  base without the OCR component: a scanned page is an error naming OCR ($("$PY" -c "import json,sys; print(json.load(open(sys.argv[1],encoding='utf-8'))['documents'][0]['error'][:40])" "$tmp/ocr_base.json")…); docx scans"
fi

# 3. users, a review opened and signed at level 1, 审查单 as docx and PDF
PW=a-long-password
echo "$PW" | run "$app/mishen" users add 孙保密 --role secrecy_admin --unit 县营商办 --password-stdin >/dev/null 2>"$tmp/err" \
  || { cat "$tmp/err" >&2; fail "users add secrecy_admin"; }
printf '%s\n%s\n' "$PW" "$PW" | run "$app/mishen" users add 李信息 --role officer --unit 县营商办 --by 孙保密 --password-stdin \
  >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "users add officer"; }
rid=$(run "$app/mishen" review open draft.docx --title 冒烟测试 --unit 县营商办 2>"$tmp/err") \
  || { cat "$tmp/err" >&2; fail "review open"; }
check_err "$tmp/err" "review open"
rid=$(echo "$rid" | tail -1)
echo "$PW" | run "$app/mishen" review sign "$rid" --level 1 --user 李信息 --decision escalate --opinion 冒烟测试 \
  --password-stdin >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "review sign level 1"; }
for fmt in docx pdf; do
  run "$app/mishen" review sheet "$rid" -o "审查单.$fmt" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "review sheet $fmt"; }
  [ -s "$work/审查单.$fmt" ] || fail "审查单.$fmt not written"
done
head -c 4 "$work/审查单.pdf" | grep -q '%PDF' || fail "审查单.pdf is not a PDF"
"$PY" -c "import docx,sys; t='\n'.join(p.text for p in docx.Document(sys.argv[1]).paragraphs); assert '审查' in t, t[:200]" \
  "$work/审查单.docx" || fail "审查单.docx unreadable"
run "$app/mishen" ledger verify >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "ledger verify"; }
echo "ok  review $rid opened, signed at level 1, 审查单 docx+pdf, ledger verifies"

# 4. the window, offscreen, on the sample; closed by MISHEN_QUIT_AFTER_MS
set +e
run env MISHEN_QUIT_AFTER_MS=1500 timeout 60 "$app/mishen-gui" draft.docx >"$tmp/out" 2>"$tmp/err"; rc=$?
set -e
[ "$rc" = 0 ] || { cat "$tmp/out" "$tmp/err" >&2; fail "mishen-gui exited $rc"; }
check_err "$tmp/err" "mishen-gui"
grep -q "MISHEN_QUIT_AFTER_MS: .*密审" "$tmp/err" || { cat "$tmp/err" >&2; fail "mishen-gui did not show its window"; }
set +e
run env MISHEN_QUIT_AFTER_MS=500 timeout 60 "$app/mishen" gui >"$tmp/out" 2>"$tmp/err"; rc=$?
set -e
[ "$rc" = 0 ] && grep -q "MISHEN_QUIT_AFTER_MS: " "$tmp/err" || { cat "$tmp/err" >&2; fail "mishen gui exited $rc"; }
echo "ok  mishen-gui started offscreen on the sample and closed ($(grep -o 'MISHEN_QUIT_AFTER_MS: .*' "$tmp/err" | head -1)); mishen gui too"

# 5. nothing written inside the bundle; data in the platform directories
written=$(find "$app" -newer "$tmp/stamp" -print)
[ -z "$written" ] || fail "written inside the bundle: $written"
[ -f "$home/.local/share/MiShen/ledger.sqlite3" ] || fail "no ledger in \$HOME/.local/share/MiShen"
outside=$(cd "$home" && find . -mindepth 1 -maxdepth 3 -type d | grep -v -E '^\./(\.local|\.local/share|\.local/share/MiShen.*|\.cache.*|\.config.*|src.*)$' || true)
[ -z "$outside" ] || fail "unexpected directories in \$HOME: $outside"
# onnxruntime's telemetry store (device id, events for Microsoft's collector) must never appear
[ ! -e "$home/.cache/Microsoft" ] || fail "telemetry written: $(find "$home/.cache/Microsoft" -type f | head -3)"
echo "ok  nothing written inside the bundle; data in: $(cd "$home" && find . -mindepth 2 -maxdepth 3 -type d ! -path './src*' | sort | tr '\n' ' ')"
# 6. the .deb (when built): its files in place and its copy of the CLI runs
deb=$repo/dist/mishen_${version}_amd64.deb
if [ -z "${MISHEN_BUNDLE:-}" ] && [ -f "$deb" ]; then
  dpkg-deb -x "$deb" "$tmp/deb"
  for f in opt/mishen/mishen opt/mishen/mishen-gui usr/bin/mishen usr/bin/mishen-gui \
           usr/share/applications/mishen.desktop usr/share/icons/hicolor/256x256/apps/mishen.png; do
    [ -e "$tmp/deb/$f" ] || [ -L "$tmp/deb/$f" ] || fail ".deb lacks $f"
  done
  out=$(run "$tmp/deb/opt/mishen/mishen" --version) || fail ".deb's mishen --version"
  [ "$out" = "mishen $version" ] || fail ".deb's mishen --version printed '$out'"
  echo "ok  $(basename "$deb"): files in place, its mishen runs"
  ocr_deb=$repo/dist/mishen-ocr_${version}_amd64.deb
  [ -f "$ocr_deb" ] || fail "no $(basename "$ocr_deb")"
  dpkg-deb -x "$ocr_deb" "$tmp/deb"
  for f in opt/mishen/_internal/rapidocr/models/PP-OCRv6_rec_small.onnx opt/mishen/_internal/onnxruntime; do
    [ -e "$tmp/deb/$f" ] || fail "$(basename "$ocr_deb") lacks $f"
  done
  run "$tmp/deb/opt/mishen/mishen" scan --format json 扫描件.png >"$tmp/ocr_deb.json" 2>"$tmp/err" || true
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1],encoding='utf-8'))['documents'][0]; assert 'secret_mark' in {f['category'] for f in d['findings']}, d['error']" \
    "$tmp/ocr_deb.json" || { cat "$tmp/err" >&2; fail "mishen + mishen-ocr .debs together do not read a scanned page"; }
  echo "ok  $(basename "$ocr_deb") over $(basename "$deb"): the scanned page is read"
fi
echo "smoke_frozen: all passed"
