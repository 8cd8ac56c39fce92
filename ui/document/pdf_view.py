"""PDF pages as real images (pypdfium2, rendered in the worker) with highlight boxes over each
finding's characters. Only the pages in view are rendered; far pages are dropped again (the shared
machinery is ui/document/page_canvas.py). Scene units are PDF points."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QImage

from app.model import DocumentReport, Part, Segment
from ui.document.page_canvas import HIGHLIGHT_ALPHA, ID_KEY, PagedView
from ui.document.pdf_pages import PdfLayout, Rect, load_layout, render_page, search_rects
from ui.review.dispositions import Dispositions
from ui.shell.worker import run_call

__all__ = ["HIGHLIGHT_ALPHA", "ID_KEY", "KEEP_AROUND", "MAX_ZOOM", "MIN_ZOOM", "PAGE_GAP", "PdfView"]

PAGE_GAP = 12.0          # points between pages
KEEP_AROUND = 3          # rendered pages kept beyond the visible ones
MAX_ZOOM, MIN_ZOOM = 6.0, 0.2


class PdfView(PagedView):
    PAGE_GAP = PAGE_GAP
    KEEP_AROUND = KEEP_AROUND
    MAX_ZOOM, MIN_ZOOM = MAX_ZOOM, MIN_ZOOM
    FRAME_MARGIN = 3.0
    FRAME_COSMETIC = False
    CANVAS_NAME = "pdfCanvas"
    LAYOUT_JOB = "pdf-layout"
    RENDER_JOB = "render"
    LAYOUT_FAILED = "无法显示页面：{0}"

    layout_info: PdfLayout | None

    def __init__(self, parent=None) -> None:
        self._password: str | None = None
        super().__init__(parent)

    def set_report(self, report: DocumentReport, dispositions: Dispositions, password: str | None = None) -> None:
        self._password = password
        super().set_report(report, dispositions)

    def _layout_call(self, report: DocumentReport) -> Callable[[], PdfLayout]:
        assert report.document is not None
        path, document, findings, password = report.path, report.document, report.findings, self._password
        return lambda: load_layout(path, document, findings, password)

    def _render_call(self, path: str, index: int, scale: float) -> Callable[[], tuple[QImage, float]]:
        password = self._password
        return lambda: (render_page(path, index, scale, password), scale)

    def _unit(self) -> float:
        """Screen pixels per point at zoom 1."""
        return self.canvas.logicalDpiX() / 72.0

    def _page_of(self, seg: Segment) -> int | None:
        return seg.location.page if seg.location.part is Part.PAGE and seg.location.page else None

    def _show_match(self, seg: Segment, pos: int, text: str) -> None:
        """The match's character boxes: read from the PDF's own text in the worker, or for text
        read by OCR (a scanned page) the recognised characters' boxes."""
        if seg.location.part is not Part.PAGE or not seg.location.page:
            return
        page_index = seg.location.page - 1
        if seg.boxes:
            if not self._show_ocr_match(page_index, seg, pos, text):
                self.go_to_page(page_index + 1)
            return
        char_index = pos - seg.start
        path = self.report.path if self.report else ""
        self.go_to_page(page_index + 1)
        password = self._password
        job = run_call(lambda: search_rects(path, page_index, char_index, len(text), password),
                       on_result=lambda rects: self._show_search(page_index, rects), name="pdf-search")
        self._jobs.append(job)

    def _show_search(self, page_index: int, rects: list[Rect]) -> None:
        self._add_search_boxes(page_index, rects)
