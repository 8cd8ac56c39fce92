"""The whole recognition of one page, as `RapidOCR()(bgr, return_word_box=True,
return_single_char_box=True)` of rapidocr 3.10.0 does it with its default settings, in NumPy
and onnxruntime only (no OpenCV, no rapidocr code at run time):

1. a page longer than 2000 px is shrunk to fit (sides rounded to multiples of 32), one shorter
   than 30 px enlarged; a very wide or very low one is padded above and below;
2. text boxes are detected (`app.ocr.det`), each is cut out straightened (`raster.warp_quad`,
   turned 90° when it is 1.5 times taller than wide);
3. upside-down crops are turned (`app.ocr.cls`), the text is recognised (`app.ocr.rec`) and
   each character placed (`app.ocr.charboxes`);
4. boxes are mapped back to the page; lines without text or below 0.5 confidence are left out.

The models take BGR pixels (they were trained on OpenCV images)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.ocr import charboxes, cls, det, rec
from app.ocr.raster import Image, crop_size, resize_linear, warp_quad
from app.ocr.session import Session

MIN_SIDE_LEN = 30
MAX_SIDE_LEN = 2000
MIN_HEIGHT = 30
WIDTH_HEIGHT_RATIO = 8
TEXT_SCORE = 0.5


@dataclass(frozen=True, slots=True)
class Line:
    quad: tuple[tuple[float, float], ...]                              # page pixels, TL TR BR BL
    text: str
    score: float
    chars: tuple[tuple[str, float, tuple[tuple[int, int], ...]], ...]   # text, confidence, corners


class Pipeline:
    """The three models loaded once; `__call__(bgr)` recognises one page (not thread-safe: the
    caller serialises)."""

    def __init__(self, det_model: Path, cls_model: Path, rec_model: Path) -> None:
        self._det = Session(det_model)
        self._cls = Session(cls_model)
        self._rec = Session(rec_model)
        self._alphabet = rec.characters(self._rec)

    def __call__(self, bgr: Image) -> list[Line]:
        ori_h, ori_w = int(bgr.shape[0]), int(bgr.shape[1])
        img, ratio_h, ratio_w = _within_bounds(bgr)
        img, pad_top = _pad_vertically(img)
        found = det.detect(self._det, img)
        if not len(found.boxes):
            return []
        crops = [_crop(img, box) for box in found.boxes]
        turned = cls.upright(self._cls, crops)
        lines = rec.recognise(self._rec, self._alphabet, turned)
        boxes = found.boxes.copy()
        boxes[:, :, 1] -= pad_top
        boxes[:, :, 0] *= ratio_w
        boxes[:, :, 1] *= ratio_h
        boxes = np.where(boxes < 0, 0, boxes)
        boxes[..., 0] = np.where(boxes[..., 0] > ori_w, ori_w, boxes[..., 0])
        boxes[..., 1] = np.where(boxes[..., 1] > ori_h, ori_h, boxes[..., 1])
        out: list[Line] = []
        for box, crop, line in zip(boxes, crops, lines, strict=True):
            if not line.text.strip() or line.score < TEXT_SCORE:
                continue
            size = (round(crop.shape[1] * ratio_w), round(crop.shape[0] * ratio_h))
            chars = charboxes.char_boxes(size, box, line)
            out.append(Line(tuple((float(x), float(y)) for x, y in box.tolist()), line.text, line.score,
                            tuple((c, conf, tuple((int(x), int(y)) for x, y in pts)) for c, conf, pts in chars)))
        return out


def _within_bounds(img: Image) -> tuple[Image, float, float]:
    ratio_h = ratio_w = 1.0
    h, w = int(img.shape[0]), int(img.shape[1])
    if max(h, w) > MAX_SIDE_LEN:
        img, ratio_h, ratio_w = _resize_rounded(img, float(MAX_SIDE_LEN) / (h if h > w else w))
    h, w = int(img.shape[0]), int(img.shape[1])
    if min(h, w) < MIN_SIDE_LEN:
        img, ratio_h, ratio_w = _resize_rounded(img, float(MIN_SIDE_LEN) / (h if h < w else w))
    return img, ratio_h, ratio_w


def _resize_rounded(img: Image, ratio: float) -> tuple[Image, float, float]:
    h, w = int(img.shape[0]), int(img.shape[1])
    resize_h = int(round(int(h * ratio) / 32) * 32)
    resize_w = int(round(int(w * ratio) / 32) * 32)
    if resize_w <= 0 or resize_h <= 0:
        raise ValueError(f"图像尺寸过小（{w}×{h}），无法识别。")
    return resize_linear(img, resize_w, resize_h), h / resize_h, w / resize_w


def _pad_vertically(img: Image) -> tuple[Image, int]:
    h, w = int(img.shape[0]), int(img.shape[1])
    if h <= MIN_HEIGHT or w / h > WIDTH_HEIGHT_RATIO:
        new_h = max(int(w / WIDTH_HEIGHT_RATIO), MIN_HEIGHT) * 2
        pad = int(abs(new_h - h) / 2)
        padded = np.zeros((h + 2 * pad, w, img.shape[2]), dtype=np.uint8)
        padded[pad:pad + h] = img
        return padded, pad
    return img, 0


def _crop(img: Image, box: NDArray[np.float32]) -> Image:
    width, height = crop_size(box)
    out = warp_quad(img, box.astype(np.float64), width, height)
    if out.shape[0] * 1.0 / out.shape[1] >= 1.5:
        out = np.ascontiguousarray(np.rot90(out))
    return out
