"""PDF reader (pypdfium2): one PAGE segment per page whose `text[i]` is pdfium char index i.

Also two helpers for the viewer, with no Qt: `char_rects` (where characters sit on a page, in PDF
points) and `render_page` (an RGBA bitmap of a page). Text extraction is bounded by the page,
character and wall-clock budgets in `app.readers.guards` (the clock is checked between pages). pdfium is not thread-safe, so every call
into it holds `PDFIUM_LOCK` (the UI should take the same lock for its own pdfium calls).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import ReadError
from app.model import Document, Location, Notice, Part, Segment
from app.ocr.options import OcrOptions
from app.readers import guards

PDFIUM_LOCK = threading.RLock()
_META_KEYS = (("Title", "pdf:title"), ("Author", "pdf:author"), ("Subject", "pdf:subject"),
              ("Keywords", "pdf:keywords"))
_PLACEHOLDERS = frozenset({"anonymous", "untitled", "unspecified", "(anonymous)", "(untitled)"})
_SPACE = frozenset(" \t\r\n\u3000\u00a0\x00\ufffd")


def read(path: Path, data: bytes, sha256: str, password: str | None = None,
         ocr: OcrOptions | None = None) -> Document:
    """`password`: the user password of an encrypted PDF (wrong or missing: ReadError "encrypted").
    `ocr`: which pages to recognise (default: those without a text layer; app.readers.pdf_ocr)."""
    with PDFIUM_LOCK, _open(data, password) as pdf:
        count = len(pdf)
        if count > guards.MAX_PDF_PAGES:
            raise guards.too_large("PDF ", f"共 {count} 页，超过上限 {guards.MAX_PDF_PAGES} 页")
        segments: list[Segment] = []
        blank: list[int] = []
        started = time.monotonic()
        chars = 0
        for index in range(count):
            elapsed = time.monotonic() - started
            if index and elapsed > guards.MAX_PDF_SECONDS:
                raise guards.too_slow("PDF ", f"{elapsed:.0f} 秒内只读取了 {count} 页中的 {index} 页，"
                                             f"超过时限 {guards.MAX_PDF_SECONDS:.0f} 秒")
            text = _page_text(pdf, index, guards.MAX_PDF_TEXT_CHARS - chars)
            chars += len(text)
            if not any(ch not in _SPACE for ch in text):
                blank.append(index + 1)
            segments.append(Segment(text, Location(Part.PAGE, page=index + 1), soft_breaks=True))
        segments += _metadata(pdf)
    notices: tuple[Notice, ...] = (no_text_layer_notice(blank),) if blank else ()
    options = ocr or OcrOptions()
    wanted = options.pdf_pages(count, blank)
    sparse: list[int] = []
    if options.mode == "auto":
        from app.readers.pdf_ocr import sparse_scans

        sparse = sparse_scans(data, password, segments[:count])
        wanted = sorted({*wanted, *sparse})
    if wanted:
        from app.ocr.pages import low_confidence_notice, read_notice
        from app.readers.pdf_ocr import merge, recognise_pages

        scanned = recognise_pages(data, password, wanted, options)
        segments = merge(segments, count, scanned)
        partly = [p for p in scanned if p.page in sparse]
        low = low_confidence_notice(scanned)
        notices = ((read_notice([p for p in scanned if p.page in blank]),) if blank else ()) + \
            ((read_notice(partly, "只有少量文字、其余是图像（疑似扫描件）"),) if partly else ()) + ((low,) if low else ())
    return Document.build(str(path), "pdf", sha256, segments, pages=count, notices=notices)


def no_text_layer_notice(pages: list[int]) -> Notice:
    return Notice(code="no_text_layer", page=pages[0], pages=tuple(pages),
                  message=f"{page_list(pages)}没有文字层（可能是扫描件），未能检查其内容，"
                          f"请人工审读或先做文字识别后再扫描。")


def page_list(pages: list[int]) -> str:
    """"第2、3页", "第1–40页", "第1–3、5页" (ranges of three or more pages are shortened)."""
    parts: list[str] = []
    i = 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{pages[i]}–{pages[j]}")
        else:
            parts.extend(str(p) for p in pages[i:j + 1])
        i = j + 1
    return f"第{'、'.join(parts)}页"


@contextmanager
def _open(source: bytes | str | os.PathLike[str], password: str | None = None) -> Iterator[Any]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source), password=password)
    except pdfium.PdfiumError as exc:
        raise _open_error(exc) from exc
    try:
        yield pdf
    finally:
        pdf.close()


def _open_error(exc: Exception) -> ReadError:
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
        return ReadError("PDF 文件受密码保护，无法读取。请取得未加密的版本后再审查。", code="encrypted")
    if code == raw.FPDF_ERR_FILE:
        return ReadError("无法打开 PDF 文件。请检查文件是否存在、是否被其他程序占用。", code="not_found")
    return ReadError("PDF 文件已损坏或格式不正确，无法读取。请向来源重新获取文件，或用 PDF 阅读器打开后另存一份再审查。",
                     code="corrupt")


def _page_text(pdf: Any, index: int, budget: int) -> str:
    """Page `index`'s text; more than `budget` characters (what is left of the document's text
    budget) is refused before the text is extracted."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count <= 0:
                return ""
            if count > budget:
                limit = guards.MAX_PDF_TEXT_CHARS
                raise guards.too_large("PDF ", f"读到第 {index + 1} 页时文字已超过 {limit:,} 字的上限")
            text: str = textpage.get_text_range(0, count)
            if len(text) != count:  # pdfium left out or inserted chars: build it index by index
                text = _per_char(textpage, count)
            return text
        finally:
            textpage.close()
    finally:
        page.close()


def _per_char(textpage: Any, count: int) -> str:
    import pypdfium2.raw as raw

    out: list[str] = []
    for i in range(count):
        code = raw.FPDFText_GetUnicode(textpage, i)
        out.append(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd")
    return "".join(out)


def _metadata(pdf: Any) -> list[Segment]:
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # broken info dictionary: metadata is optional
        return []
    out: list[Segment] = []
    for key, label in _META_KEYS:
        value = str(meta.get(key, "")).strip()
        if value and value.lower() not in _PLACEHOLDERS:
            out.append(Segment(value, Location(Part.METADATA, label=label)))
    return out


# --- viewer helpers -------------------------------------------------------------------------

def char_rects(path: str | os.PathLike[str], page_number: int, char_start: int,
               char_count: int, password: str | None = None) -> list[tuple[float, float, float, float]]:
    """Rectangles (left, bottom, right, top) in PDF points covering chars [start, start+count) of
    1-based `page_number`; pdfium merges characters on one line into one rectangle."""
    with PDFIUM_LOCK, _open(path, password) as pdf:
        page = _page(pdf, page_number)
        try:
            textpage = page.get_textpage()
            try:
                total = textpage.count_chars()
                start = max(0, min(char_start, total))
                count = max(0, min(char_count, total - start))
                if count == 0:
                    return []
                n = textpage.count_rects(start, count)
                return [tuple(float(v) for v in textpage.get_rect(i)) for i in range(n)]  # type: ignore[misc]
            finally:
                textpage.close()
        finally:
            page.close()


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """An RGBA8888 bitmap: `stride` bytes per row, `height` rows."""

    width: int
    height: int
    stride: int
    data: bytes
    page_width: float     # page size in PDF points
    page_height: float


def render_page(path: str | os.PathLike[str], page_number: int, scale: float = 1.0,
                password: str | None = None) -> RenderedPage:
    """Render 1-based `page_number` at `scale` (1.0 = 72 dpi) to RGBA bytes (no Qt, no PIL)."""
    import pypdfium2.raw as raw

    with PDFIUM_LOCK, _open(path, password) as pdf:
        page = _page(pdf, page_number)
        try:
            width, height = page.get_size()
            bitmap = page.render(scale=scale, rev_byteorder=True, force_bitmap_format=raw.FPDFBitmap_BGRA)
            try:
                data = bytes(bitmap.buffer)
                return RenderedPage(bitmap.width, bitmap.height, bitmap.stride, data, float(width), float(height))
            finally:
                bitmap.close()
        finally:
            page.close()


def page_count(path: str | os.PathLike[str]) -> int:
    with PDFIUM_LOCK, _open(path) as pdf:
        return len(pdf)


def _page(pdf: Any, page_number: int) -> Any:
    if not 1 <= page_number <= len(pdf):
        raise ValueError(f"page {page_number} out of range 1..{len(pdf)}")
    return pdf[page_number - 1]
