"""The OCR pass of the PDF reader: pages to recognise are rendered with pypdfium2 at `OCR_DPI`
(pdfium under `PDFIUM_LOCK`, recognition outside it, one page at a time under the OCR lock).

Budgets, per document: at most `MAX_OCR_PAGES` pages (checked before any is recognised) and
`MAX_OCR_SECONDS` of recognition (checked between pages); over either, the document is an error
that says how many pages were and were not read. A page larger than `MAX_OCR_SIDE` pixels at
`OCR_DPI` is rendered at a lower resolution. In `auto` mode a page whose text layer is only a few
characters (a page number, a stamp) over a page-sized image is read as well (`sparse_scans`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.errors import ReadError
from app.model import Segment
from app.ocr.options import OcrOptions
from app.ocr.pages import PageText
from app.readers import guards
from app.readers.ocr_layer import LayerChar, drop_known_lines, layer_chars

OCR_DPI = 200
MAX_OCR_SIDE = 4000                  # pixels, the longer side of a rendered page
MAX_OCR_PAGES = 300                  # ~10 minutes at ~2 s a page
MAX_OCR_SECONDS = 900.0
SPARSE_CHARS = 20                    # a page with fewer visible characters in its text layer…
IMAGE_COVER = 0.5                    # …and images over half its area is read by OCR too (auto)


def recognise_pages(data: bytes, password: str | None, pages: list[int], options: OcrOptions) -> list[PageText]:
    """OCR the 1-based `pages` of the PDF in `data`. Raises ReadError (budgets, OCR failures)."""
    from app.ocr.models import OcrError

    if len(pages) > MAX_OCR_PAGES:
        raise guards.too_large("PDF ", f"需要文字识别的页面共 {len(pages)} 页，超过每个文件 {MAX_OCR_PAGES} 页的"
                                      f"识别上限，{_pages(pages)}均未读取")
    out: list[PageText] = []
    started = time.monotonic()
    with _document(data, password) as pdf:
        for done, number in enumerate(pages):
            elapsed = time.monotonic() - started
            if done and elapsed > MAX_OCR_SECONDS:
                raise guards.too_slow("PDF ", f"文字识别 {elapsed:.0f} 秒内只读取了需识别的 {len(pages)} 页中的"
                                              f" {done} 页，超过时限 {MAX_OCR_SECONDS:.0f} 秒；"
                                              f"{_pages(pages[done:])}未读取")
            options.check_cancelled(done, len(pages))
            try:
                out.append(_recognise(pdf, number))
            except OcrError as exc:
                raise ReadError(f"第{number}页没有文字层，需要文字识别，但{exc.message}", code=exc.code) from exc
            if options.progress is not None:
                options.progress(done + 1, len(pages), number)
    return out


def sparse_scans(data: bytes, password: str | None, pages: list[Segment]) -> list[int]:
    """Pages with a text layer of fewer than `SPARSE_CHARS` visible characters and images over
    at least `IMAGE_COVER` of their area: a scan with a page number or a stamp added as text."""
    sparse = [i + 1 for i, seg in enumerate(pages) if 0 < sum(not ch.isspace() for ch in seg.text) < SPARSE_CHARS]
    if not sparse:
        return []
    import pypdfium2.raw as raw

    from app.readers.pdf import PDFIUM_LOCK

    out: list[int] = []
    with _document(data, password) as pdf, PDFIUM_LOCK:
        for number in sparse:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                covered = 0.0
                for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]):
                    left, bottom, right, top = obj.get_bounds()
                    covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
                if covered >= IMAGE_COVER * width * height > 0:
                    out.append(number)
            finally:
                page.close()
    return out


def merge(segments: list[Segment], count: int, scanned: list[PageText]) -> list[Segment]:
    """The page segments (the first `count` of `segments`, one per page) with each recognised
    page's text: in place of an empty page, after a page that has a text layer."""
    by_page = {p.page: p for p in scanned}
    out: list[Segment] = []
    for index, seg in enumerate(segments):
        read = by_page.get(index + 1) if index < count else None
        if read is None or seg.text.strip():
            out.append(seg)
        if read is not None:
            out.append(read.segment())
    return out


def _pages(pages: list[int]) -> str:
    from app.readers.pdf import page_list

    return page_list(pages)


@contextmanager
def _document(data: bytes, password: str | None) -> Iterator[Any]:
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK

    with PDFIUM_LOCK:  # the text pass opened the same bytes: this does not fail
        pdf = pdfium.PdfDocument(data, password=password)
    try:
        yield pdf
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def _recognise(pdf: Any, number: int) -> PageText:
    from app.ocr.engine import ocr_image
    from app.ocr.pages import page_text

    image, scale, chars = _render(pdf, number)
    return page_text(number, drop_known_lines(ocr_image(image), chars, scale), scale)


def _render(pdf: Any, number: int) -> tuple[Any, float, list[LayerChar]]:
    """Page `number` as an RGB PIL image, its pixels per PDF point, and its text-layer characters
    (app.readers.ocr_layer: what OCR reads there again is left out)."""
    from app.readers.pdf import PDFIUM_LOCK

    with PDFIUM_LOCK:
        page = pdf[number - 1]
        try:
            chars = layer_chars(page)
            width, height = page.get_size()
            scale = min(OCR_DPI / 72.0, MAX_OCR_SIDE / max(width, height, 1.0))
            bitmap = page.render(scale=scale, grayscale=False)
            try:
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    return image, scale, chars
