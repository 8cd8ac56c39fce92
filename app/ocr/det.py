"""Text detection (DB, PP-OCRv6 small), as rapidocr 3.10.0 runs it with its defaults: the page
resized so that its short side is at least 736 px (sides rounded to multiples of 32), scaled to
[-1, 1]; the probability map thresholded at 0.3 and dilated 2×2; each border of the map (at most
1000) becomes its minimum-area rectangle, kept when its mean probability ("fast" score) is at
least 0.5, grown by area × 1.6 / perimeter (round joins) and rectangled again; boxes ordered in
reading order (rows 10 px apart, then left to right)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.ocr import geometry
from app.ocr.raster import Image, dilate_2x2, resize_linear
from app.ocr.session import Session

LIMIT_SIDE_LEN = 736
THRESH = 0.3
BOX_THRESH = 0.5
MAX_CANDIDATES = 1000
UNCLIP_RATIO = 1.6
MIN_SIZE = 3
ROW_GAP = 10          # rapidocr's _BOX_SORT_Y_THRESHOLD


@dataclass(frozen=True, slots=True)
class Detection:
    boxes: NDArray[np.float32]      # (N, 4, 2): top-left, top-right, bottom-right, bottom-left
    scores: tuple[float, ...]


def detect(session: Session, image: Image) -> Detection:
    """Text boxes in `image` (H×W×3 uint8, BGR), in its pixel coordinates."""
    height, width = int(image.shape[0]), int(image.shape[1])
    batch = _preprocess(image)
    if batch is None:
        return Detection(np.zeros((0, 4, 2), np.float32), ())
    pred = session.run(batch)[0, 0]
    found, found_scores = _boxes(pred, width, height)
    boxes, scores = _filter(found, found_scores, height, width)
    if not len(boxes):
        return Detection(np.zeros((0, 4, 2), np.float32), ())
    order = sort_order(boxes)
    return Detection(boxes[order], tuple(scores[i] for i in order))


def _preprocess(image: Image) -> NDArray[np.float32] | None:
    h, w = int(image.shape[0]), int(image.shape[1])
    ratio = 1.0
    if min(h, w) < LIMIT_SIDE_LEN:
        ratio = float(LIMIT_SIDE_LEN) / (h if h < w else w)
    resize_h = int(round(int(h * ratio) / 32) * 32)
    resize_w = int(round(int(w * ratio) / 32) * 32)
    if resize_w <= 0 or resize_h <= 0:
        return None
    resized = resize_linear(image, resize_w, resize_h)
    return np.ascontiguousarray(_SCALE[resized.transpose((2, 0, 1))][np.newaxis])


def _scale_table() -> NDArray[np.float32]:
    """rapidocr's (x·(1/255) − mean) / std (mean = std = 0.5, float32 then float64 arithmetic) for
    every uint8 value: looked up instead of computed for each pixel."""
    values = np.arange(256, dtype=np.uint8).reshape(1, 1, 256).astype(np.float32)
    table: NDArray[np.float32] = ((values * (1 / 255.0) - np.array([0.5])) / np.array([0.5])).astype(np.float32)
    return table.ravel()


_SCALE = _scale_table()


def _boxes(pred: NDArray[np.float32], dest_width: int, dest_height: int) -> tuple[list[NDArray[np.int32]], list[float]]:
    bitmap = dilate_2x2(pred > THRESH)
    height, width = bitmap.shape
    boxes: list[NDArray[np.int32]] = []
    scores: list[float] = []
    for border in geometry.borders(bitmap)[:MAX_CANDIDATES]:
        points, short = geometry.mini_box(border.points)
        if short < MIN_SIZE:
            continue
        score = box_score(pred, points)
        if score < BOX_THRESH:
            continue
        area, perimeter = geometry.polygon_area_perimeter(points)
        grown = geometry.offset_round(points, area * UNCLIP_RATIO / perimeter)
        box64, short = geometry.mini_box(grown)
        if short < MIN_SIZE + 2:
            continue
        box = box64.astype(np.float32)
        box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_width), 0, dest_width)
        box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_height), 0, dest_height)
        boxes.append(box.astype(np.int32))
        scores.append(score)
    return boxes, scores


def box_score(pred: NDArray[np.float32], box: NDArray[np.float64]) -> float:
    """Mean probability inside the quadrilateral `box` (rapidocr's `box_score_fast`)."""
    h, w = pred.shape
    pts = box.astype(np.float32)
    xmin = int(np.clip(np.floor(pts[:, 0].min()), 0, w - 1))
    xmax = int(np.clip(np.ceil(pts[:, 0].max()), 0, w - 1))
    ymin = int(np.clip(np.floor(pts[:, 1].min()), 0, h - 1))
    ymax = int(np.clip(np.ceil(pts[:, 1].max()), 0, h - 1))
    local = pts - np.array([xmin, ymin], dtype=np.float32)
    mask = geometry.polygon_mask(local.astype(np.int32), ymax - ymin + 1, xmax - xmin + 1)
    region = pred[ymin:ymax + 1, xmin:xmax + 1]
    if not mask.any():
        return 0.0
    return float(region[mask].astype(np.float64).mean())


def _filter(boxes: list[NDArray[np.int32]], scores: list[float], height: int,
            width: int) -> tuple[NDArray[np.float32], list[float]]:
    kept: list[NDArray[np.float32]] = []
    kept_scores: list[float] = []
    for box, score in zip(boxes, scores, strict=True):
        quad = geometry.order_clockwise(box.astype(np.float64)).astype(np.float32)
        quad[:, 0] = np.clip(quad[:, 0], 0, width - 1).astype(np.int64)
        quad[:, 1] = np.clip(quad[:, 1], 0, height - 1).astype(np.int64)
        if int(np.linalg.norm(quad[0] - quad[1])) <= 3 or int(np.linalg.norm(quad[0] - quad[3])) <= 3:
            continue
        kept.append(quad)
        kept_scores.append(score)
    if not kept:
        return np.zeros((0, 4, 2), np.float32), []
    return np.array(kept, dtype=np.float32), kept_scores


def sort_order(boxes: NDArray[np.float32]) -> NDArray[np.intp]:
    """Reading order: by top-left y (stable), a new row where y grows by `ROW_GAP` or more from
    the previous box, left to right within a row."""
    ys = boxes[:, 0, 1]
    by_y = np.argsort(ys, kind="stable")
    y_sorted = ys[by_y]
    rows = np.concatenate([[0], np.cumsum((np.diff(y_sorted) >= ROW_GAP).astype(np.int32))])
    xs = boxes[by_y, 0, 0]
    return by_y[np.lexsort((xs, rows))]
