"""Redaction time per document (partial-disclosure copies, gates included): prints figures,
asserts nothing.

    .venv/bin/python benchmarks/bench_redact.py [--pages 1,10,50]

For each size: a PDF of N pages (an embedded TrueType CJK font, an ID number and a phone number
on every page), a docx of N×30 paragraphs with the same, and the clean publishing copy of the
docx. Times are wall-clock seconds for `redact_file` (build + both gates + atomic write), after one
untimed warm-up copy of each kind, with OCR off (no page lacks a text layer); then 10 pages in a non-embedded CID font with the
UniGB-UCS2-H CMap (rewritten, widths from pdfium) and the same re-encoded with GBK-EUC-H (every
page rasterised at 200 dpi).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ID_NUMBER = "11010519491231002X"
PHONE = "13905611234"


def _pdf(path: Path, pages: int, *, cid: bool = False) -> Path:
    from reportlab.pdfgen import canvas

    if cid:
        from tests.builders import _cjk_font

        font = _cjk_font()
    else:
        from app.exports.pdf_fonts import form_fonts

        font = form_fonts().body
    c = canvas.Canvas(str(path))
    for p in range(pages):
        c.setFont(font, 12)
        for k in range(30):
            line = f"第{p + 1}页第{k + 1}行：各地区各部门要认真贯彻落实信息公开条例。"
            if k == 5:
                line = f"联系人身份证号{ID_NUMBER}，电话{PHONE}。"
            c.drawString(60, 780 - 24 * k, line)
        c.showPage()
    c.save()
    return path


def _docx(path: Path, pages: int) -> Path:
    import docx

    d = docx.Document()
    for p in range(pages):
        for k in range(30):
            d.add_paragraph(f"第{p + 1}页第{k + 1}段：各地区各部门要认真贯彻落实信息公开条例。")
        d.add_paragraph(f"联系人身份证号{ID_NUMBER}，电话{PHONE}。")
    d.core_properties.author = "某科 某人"
    d.save(str(path))
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="1,10,50")
    args = parser.parse_args()
    from app.redact.model import Withheld
    from app.redact.service import redact_file
    from app.sanitize.service import sanitize_file

    withheld = [Withheld(ID_NUMBER), Withheld(PHONE)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warm = _pdf(root / "warm.pdf", 1)       # imports and first calls are not counted
        redact_file(warm, withheld, root / "warm-out.pdf", ocr="off")
        redact_file(_docx(root / "warm.docx", 1), withheld, root / "warm-out.docx", ocr="off")
        print(f"{'document':<28}{'seconds':>10}{'per page':>12}")
        for n in (int(x) for x in args.pages.split(",")):
            for kind in ("pdf", "docx"):
                src = _pdf(root / f"d{n}.pdf", n) if kind == "pdf" else _docx(root / f"d{n}.docx", n)
                started = time.perf_counter()
                result = redact_file(src, withheld, root / f"out{n}.{kind}", ocr="off")
                took = time.perf_counter() - started
                print(f"{f'redact {kind}, {n} pages':<28}{took:>10.3f}{took / n:>12.3f}"
                      f"   ({len(result.actions)} actions)")
            src = root / f"d{n}.docx"
            started = time.perf_counter()
            sanitize_file(src, root / f"clean{n}.docx")
            took = time.perf_counter() - started
            print(f"{f'sanitize docx, {n} pages':<28}{took:>10.3f}{took / n:>12.3f}")
        from tests.redact_docs import to_gbk_euc

        for label, src in (("pdf, UCS-2 CID font", _pdf(root / "ucs2.pdf", 10, cid=True)),
                           ("pdf, GBK-EUC-H (raster)", to_gbk_euc(_pdf(root / "gbk.pdf", 10, cid=True)))):
            started = time.perf_counter()
            result = redact_file(src, withheld, root / f"out-{src.name}", ocr="off")
            took = time.perf_counter() - started
            print(f"{label + ', 10 pages':<28}{took:>10.3f}{took / 10:>12.3f}   (rasterised pages: {len(result.rasterised)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
