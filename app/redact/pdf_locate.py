"""Where the withheld strings sit on the pages of a PDF: pdfium's character boxes of every
occurrence (whitespace-insensitive), merged into one box per line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.model import Document
from app.redact.match import SPACE, find_spans
from app.redact.model import Box

PAD = 0.6   # points around each line box


def _char_boxes(textpage: Any, start: int, end: int) -> list[Box]:
    import pypdfium2.raw as raw

    boxes = []
    text = textpage.get_text_range(start, end - start) if end > start else ""
    for k in range(start, end):
        ch = text[k - start] if k - start < len(text) else ""
        if ch in SPACE or raw.FPDFText_IsGenerated(textpage, k) == 1:
            continue
        left, bottom, right, top = textpage.get_charbox(k, loose=True)
        box = Box(float(left), float(bottom), float(right), float(top))
        if not box.empty:
            boxes.append(box)
    return boxes


def line_boxes(boxes: Sequence[Box]) -> list[Box]:
    """Consecutive character boxes on one line merged (same baseline band, no big gap)."""
    out: list[Box] = []
    for box in boxes:
        if out:
            last = out[-1]
            overlap = min(last.top, box.top) - max(last.bottom, box.bottom)
            height = min(last.top - last.bottom, box.top - box.bottom)
            gap = box.left - last.right
            if height > 0 and overlap > 0.5 * height and -height * 2 < gap < height * 1.5:
                out[-1] = last.union(box)
                continue
        out.append(box)
    return [b.padded(PAD) for b in out]


def locate(path: Path, needles: Sequence[str], password: str | None = None) -> tuple[dict[int, list[Box]], set[str]]:
    """Boxes per 1-based page covering every occurrence of `needles`, and the needles found."""
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK
    from app.redact.match import squeeze

    found: set[str] = set()
    boxes: dict[int, list[Box]] = {}
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path), password=password)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                tp = page.get_textpage()
                try:
                    n = tp.count_chars()
                    text = tp.get_text_range(0, n) if n > 0 else ""
                    if len(text) != n:
                        text = "".join(chr(c) if 0 < (c := pdfium.raw.FPDFText_GetUnicode(tp, i)) < 0x110000 else "\ufffd"
                                       for i in range(n))
                    flat = squeeze(text)
                    for needle in needles:
                        if squeeze(needle) and squeeze(needle) in flat:
                            found.add(needle)
                    for s, e in find_spans(text, needles):
                        boxes.setdefault(index + 1, []).extend(line_boxes(_char_boxes(tp, s, e)))
                finally:
                    tp.close()
                    page.close()
        finally:
            pdf.close()
    return boxes, found


def locate_ocr(path: Path, doc: Document, needles: Sequence[str]) -> dict[int, list[Box]]:
    """Boxes of the withheld strings in text MiShen read by OCR (segments with character boxes,
    y down from the top of the page), turned into PDF page space. Pages whose box is offset or
    rotated are left to the gates (which then refuse the copy rather than guess)."""
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK

    ocr = [s for s in doc.segments if s.boxes and s.location.page is not None]
    if not ocr:
        return {}
    out: dict[int, list[Box]] = {}
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for seg in ocr:
                spans = find_spans(seg.text, needles)
                if not spans:
                    continue
                number = seg.location.page
                assert number is not None
                page = pdf[number - 1]
                try:
                    height = float(page.get_size()[1])
                    left0, bottom0, _r, _t = page.get_cropbox()
                    if page.get_rotation() or abs(left0) > 0.01 or abs(bottom0) > 0.01:
                        continue
                finally:
                    page.close()
                for s, e in spans:
                    chars = [Box(b[0], height - b[3], b[2], height - b[1]) for b in seg.boxes[s:e]
                             if b[2] > b[0] and b[3] > b[1]]
                    out.setdefault(number, []).extend(line_boxes(chars))
        finally:
            pdf.close()
    return out


def chars_in_boxes(path: Path, boxes: dict[int, list[Box]], shrink: float = 0.2) -> dict[int, str]:
    """Gate 2: for each page, the extractable characters whose (loose) box, shrunk by `shrink`,
    meets a redaction box. Empty dict: none."""
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK

    out: dict[int, str] = {}
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for number, page_boxes in boxes.items():
                if not page_boxes or number > len(pdf):
                    continue
                page = pdf[number - 1]
                tp = page.get_textpage()
                try:
                    n = tp.count_chars()
                    hits = []
                    for k in range(n):
                        code = pdfium.raw.FPDFText_GetUnicode(tp, k)
                        ch = chr(code) if 0 < code < 0x110000 else ""
                        if not ch or ch in SPACE:
                            continue
                        left, bottom, right, top = tp.get_charbox(k, loose=True)
                        box = Box(float(left), float(bottom), float(right), float(top)).shrunk(shrink)
                        if not box.empty and any(box.intersects(b) for b in page_boxes):
                            hits.append(ch)
                    if hits:
                        out[number] = "".join(hits)
                finally:
                    tp.close()
                    page.close()
        finally:
            pdf.close()
    return out
