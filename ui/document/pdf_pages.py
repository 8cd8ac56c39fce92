"""pypdfium2 work for the page view, run in the worker (never on the GUI thread), always under
the readers' PDFIUM_LOCK (pdfium is not thread-safe; a scan may be reading another PDF)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QImage

from app.model import Document, Finding, Part
from ui.document.page_layout import PageLayout, Rect, ocr_rects
from ui.document.text_offsets import finding_pieces

PdfLayout = PageLayout      # sizes and rects in page points, y down


def _lock():
    from app.readers.pdf import PDFIUM_LOCK

    return PDFIUM_LOCK


def _open(path: str, password: str | None = None):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(path, password=password)


def _page_char_rects(textpage, height: float, index: int, count: int) -> list[Rect]:
    n = textpage.count_rects(index, count)
    out: list[Rect] = []
    for i in range(n):
        left, bottom, right, top = textpage.get_rect(i)
        out.append((left, height - top, right, height - bottom))
    return out


def _finding_pages(document: Document, f: Finding) -> Iterable[tuple[int, int, int]]:
    """(page index, char index, char count) pieces of a finding on PDF page segments."""
    out = []
    for i, start, end in finding_pieces(document, f):   # the mapping the text view uses too
        seg = document.segments[i]
        if seg.location.part is Part.PAGE and seg.location.page and not seg.boxes:
            out.append((seg.location.page - 1, start, max(1, end - start)))
    return out


def load_layout(path: str, document: Document, findings: Iterable[Finding],
                password: str | None = None) -> PdfLayout:
    """Page sizes and every finding's highlight rectangles."""
    findings = tuple(findings)
    by_page: dict[int, list[tuple[Finding, int, int]]] = {}
    for f in findings:
        for page, start, count in _finding_pages(document, f):
            by_page.setdefault(page, []).append((f, start, count))
    rects: dict[str, list[tuple[int, Rect]]] = {}
    for f in findings:
        if f.id not in rects and (ocr := ocr_rects(document, f)):
            rects[f.id] = ocr
    with _lock():
        pdf = _open(path, password)
        try:
            sizes = tuple((float(w), float(h)) for w, h in (pdf.get_page_size(i) for i in range(len(pdf))))
            for page_index, items in by_page.items():
                if page_index >= len(pdf):
                    continue
                page = pdf[page_index]
                textpage = page.get_textpage()
                try:
                    height = sizes[page_index][1]
                    total = textpage.count_chars()
                    for f, start, count in items:
                        if start >= total:
                            continue
                        count = min(count, total - start)
                        for r in _page_char_rects(textpage, height, start, count):
                            rects.setdefault(f.id, []).append((page_index, r))
                finally:
                    textpage.close()
                    page.close()
        finally:
            pdf.close()
    return PdfLayout(sizes, {k: tuple(v) for k, v in rects.items()})


def render_page(path: str, page_index: int, scale: float, password: str | None = None) -> QImage:
    """The page as an image at `scale` pixels per point (QImage is safe off the GUI thread)."""
    from app.readers.pdf import render_page as render

    page = render(path, page_index + 1, scale, password=password)
    return QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGBA8888).copy()


def search_rects(path: str, page_index: int, char_index: int, count: int,
                 password: str | None = None) -> list[Rect]:
    with _lock():
        pdf = _open(path, password)
        try:
            page = pdf[page_index]
            textpage = page.get_textpage()
            try:
                height = pdf.get_page_size(page_index)[1]
                return _page_char_rects(textpage, height, char_index, count)
            finally:
                textpage.close()
                page.close()
        finally:
            pdf.close()
