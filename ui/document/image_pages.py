"""Work for the image page view, run in the worker (never on the GUI thread): the pages' sizes and
the findings' boxes, and a page rendered by Pillow exactly as the reader prepared it for OCR
(EXIF orientation applied, scaled down the same way), so the boxes line up with the picture."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from app.model import Document, Finding
from ui.document.page_layout import PageLayout, Rect, ocr_rects

#: image formats the reader names a document by (app.readers.image.sniff)
IMAGE_FORMATS = frozenset({"png", "jpeg", "jpg", "tiff", "tif", "bmp"})

ImageLayout = PageLayout    # sizes in upright original image pixels (the space of the OCR boxes)


def finding_rects(document: Document, f: Finding) -> list[tuple[int, Rect]]:
    """A finding's highlight boxes: the OCR segment carries one box per character."""
    return ocr_rects(document, f)


def load_layout(path: str, document: Document, findings: Iterable[Finding]) -> ImageLayout:
    from app.readers.image import page_sizes

    sizes = tuple((float(w), float(h)) for w, h in page_sizes(Path(path)))
    rects: dict[str, tuple[tuple[int, Rect], ...]] = {}
    for f in findings:
        if f.id not in rects and (found := [(p, r) for p, r in finding_rects(document, f) if p < len(sizes)]):
            rects[f.id] = tuple(found)
    return ImageLayout(sizes, rects)


#: Prepared pages kept for re-rendering at another zoom (decoding a big photo takes most of a
#: render; a prepared page is at most OCR_SIDE on its longer side, ~25 MB as RGB).
_PREPARED_KEPT = 2
_prepared: OrderedDict[tuple[str, int, int, int], tuple[Any, float]] = OrderedDict()
_prepared_lock = threading.Lock()


def prepared_page(path: str, page_index: int) -> tuple[Any, float]:
    """The page as the reader prepared it for OCR (a Pillow RGB image and its pixels per original
    pixel), decoded once per file version and kept for the last `_PREPARED_KEPT` pages."""
    from app.readers.image import page_image

    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size, page_index)
    with _prepared_lock:
        hit = _prepared.get(key)
        if hit is not None:
            _prepared.move_to_end(key)
            return hit
    page, prepared = page_image(Path(path), page_index + 1)
    entry = (page.convert("RGB"), prepared)
    with _prepared_lock:
        _prepared[key] = entry
        while len(_prepared) > _PREPARED_KEPT:
            _prepared.popitem(last=False)
    return entry


def render_page(path: str, page_index: int, scale: float) -> tuple[QImage, float]:
    """The page as a QImage at (at most) `scale` display pixels per original pixel, and the scale
    it was actually rendered at (never above the reader's own downscaling, app.readers.image)."""
    from app.readers.image import scale_prepared

    rgb, actual = scale_prepared(*prepared_page(path, page_index), scale)
    image = QImage(rgb.tobytes(), rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return image.copy(), actual
