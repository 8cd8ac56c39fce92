"""Image files (png/jpg/tiff/bmp, every page of a multi-page tiff) as pages, with each OCR
finding's box over the picture — the image counterpart of the PDF page view (the shared machinery
is ui/document/page_canvas.py). Pages are rendered by Pillow in the worker at the resolution the
zoom needs; far pages are dropped again. Scene units are pixels of the upright original image (the
space of the OCR boxes)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QImage

from app.model import DocumentReport, Segment
from ui.document.image_pages import ImageLayout, load_layout, render_page
from ui.document.page_canvas import HIGHLIGHT_ALPHA, ID_KEY, PageCanvas, PagedView

__all__ = ["HIGHLIGHT_ALPHA", "ID_KEY", "KEEP_AROUND", "MAX_ZOOM", "MIN_ZOOM", "PAGE_GAP",
           "ImageCanvas", "ImageView"]

PAGE_GAP = 24.0          # image pixels between pages
KEEP_AROUND = 2          # rendered pages kept beyond the visible ones
MAX_ZOOM, MIN_ZOOM = 8.0, 0.02     # screen pixels per image pixel

ImageCanvas = PageCanvas


class ImageView(PagedView):
    PAGE_GAP = PAGE_GAP
    KEEP_AROUND = KEEP_AROUND
    MAX_ZOOM, MIN_ZOOM = MAX_ZOOM, MIN_ZOOM
    FRAME_MARGIN = 4.0
    FRAME_COSMETIC = True
    CANVAS_NAME = "imageCanvas"
    LAYOUT_JOB = "image-layout"
    RENDER_JOB = "image-render"
    LAYOUT_FAILED = "无法显示图片：{0}"

    layout_info: ImageLayout | None

    def _layout_call(self, report: DocumentReport) -> Callable[[], ImageLayout]:
        assert report.document is not None
        path, document, findings = report.path, report.document, report.findings
        return lambda: load_layout(path, document, findings)

    def _render_call(self, path: str, index: int, scale: float) -> Callable[[], tuple[QImage, float]]:
        # Pillow never draws above the reader's own downscaling: the actual scale comes back
        return lambda: render_page(path, index, scale)

    def _show_match(self, seg: Segment, pos: int, text: str) -> None:
        """The recognised text's boxes of the match, on the picture."""
        page = (seg.location.page or 1) - 1
        if not self._show_ocr_match(page, seg, pos, text):
            self.go_to_page(page + 1)
