"""What the PDF and the image page views share about laid-out pages, computed in the worker: the
pages' sizes, the findings' boxes, and the boxes of text read by OCR (one box per character)."""

from __future__ import annotations

from dataclasses import dataclass

from app.model import Document, Finding
from ui.document.text_offsets import finding_pieces

Rect = tuple[float, float, float, float]      # left, top, right, bottom in page units, y down


@dataclass(frozen=True)
class PageLayout:
    sizes: tuple[tuple[float, float], ...]             # (width, height) per page, in page units
    rects: dict[str, tuple[tuple[int, Rect], ...]]     # finding id -> ((page index, rect), …)


def ocr_rects(document: Document, f: Finding) -> list[tuple[int, Rect]]:
    """A finding's highlight boxes in text read by OCR: the segment carries one box per character."""
    from app.ocr.pages import box_runs

    out: list[tuple[int, Rect]] = []
    for i, start, end in finding_pieces(document, f):
        seg = document.segments[i]
        if seg.boxes and seg.location.page:
            out.extend((seg.location.page - 1, r) for r in box_runs(seg.boxes[start:max(end, start + 1)]))
    return out
