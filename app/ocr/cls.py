"""Text direction (PP-OCR mobile v2.0 classifier), as rapidocr 3.10.0 runs it: crops in order of
aspect ratio, six at a time, each resized to height 48 (width at most 192, right-padded), scaled
to [-1, 1]; a crop judged upside down with more than 0.9 confidence is turned 180°."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from app.ocr.raster import Image, line_tensor
from app.ocr.session import Session

SHAPE = (3, 48, 192)
BATCH = 6
THRESH = 0.9


def upright(session: Session, crops: list[Image]) -> list[Image]:
    """`crops` with those the classifier finds upside down turned 180° (the others unchanged)."""
    out = list(crops)
    ratios = np.array([c.shape[1] / float(c.shape[0]) for c in crops])
    order = np.argsort(ratios)
    for begin in range(0, len(crops), BATCH):
        chunk = [int(i) for i in order[begin:begin + BATCH]]
        batch = np.concatenate([_normalize(crops[i])[np.newaxis, :] for i in chunk]).astype(np.float32)
        preds = session.run(batch)
        for row, index in enumerate(chunk):
            label = int(preds[row].argmax())
            if label == 1 and float(preds[row, label]) > THRESH:
                out[index] = np.ascontiguousarray(out[index][::-1, ::-1])
    return out


def _normalize(image: Image) -> NDArray[np.float32]:
    _channels, height, width = SHAPE
    return line_tensor(image, height, width)
