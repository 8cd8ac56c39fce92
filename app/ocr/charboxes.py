"""Where each recognised character is on the page, as rapidocr 3.10.0's `CalRecBoxes` puts it
(with single-character boxes): the character's CTC output column, scaled to the crop's width,
is its centre; its width is the mean spacing of the columns within words (or the crop's width
over the text's length); overlapping neighbours share the overlap; the boxes are mapped back
through the crop's perspective transform onto the page."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from app.ocr.raster import perspective_transform
from app.ocr.rec import Recognised

Cell = list[list[float]]
CharBox = tuple[str, float, list[list[int]]]


def char_boxes(crop_size: tuple[int, int], quad: NDArray[np.float32], line: Recognised) -> list[CharBox]:
    """(character, confidence, four corner points on the page) for each character of `line`,
    read from a crop of `crop_size` (width, height, in page pixels) taken from `quad`. As in
    rapidocr, the confidences are taken in the order of all decoded characters, spaces included,
    and paired with the non-space characters in order."""
    width, height = crop_size
    if width * height == 0 or not line.text or line.words.line_len == 0:
        return []
    contents, cells = _cells(line, float(width), float(height))
    cells = _share_overlaps(cells)
    vertical = _is_vertical(quad)
    points = _to_page(quad, cells, vertical)
    return [(c, float(conf), p) for c, conf, p in zip(contents, line.words.confs, points, strict=False)]


def _cells(line: Recognised, width: float, height: float) -> tuple[list[str], list[Cell]]:
    x0, y0, x1, y1 = 0.0, 0.0, width, height
    info = line.words
    col_width = (x1 - x0) / info.line_len
    cols: list[int] = []
    contents: list[str] = []
    spans: list[float] = []
    for word, word_cols in zip(info.words, info.cols, strict=True):
        cols.extend(word_cols)
        contents.extend(word)
        if len(word_cols) == 1:
            continue
        spans.append((word_cols[-1] - word_cols[0]) * col_width / (len(word_cols) - 1))
    char_width = sum(spans) / len(spans) if spans else (x1 - x0) / len(line.text)
    cells: list[Cell] = []
    for col in cols:
        center = (col + 0.5) * col_width
        cx0 = max(int(center - char_width / 2), 0) + x0
        cx1 = min(int(center + char_width / 2), x1 - x0) + x0
        cells.append([[cx0, y0], [cx1, y0], [cx1, y1], [cx0, y1]])
    cells.sort(key=lambda c: c[0][0])
    return contents, cells


def _share_overlaps(cells: list[Cell]) -> list[Cell]:
    cells = [[list(p) for p in c] for c in cells]
    for i in range(len(cells) - 1):
        cur, nxt = cells[i], cells[i + 1]
        if cur[1][0] > nxt[0][0]:
            distance = abs(cur[1][0] - nxt[0][0])
            cur[1][0] -= distance / 2
            cur[2][0] -= distance / 2
            nxt[0][0] += distance - distance / 2
            nxt[3][0] += distance - distance / 2
    return cells


def _is_vertical(quad: NDArray[np.float32]) -> bool:
    edges = [float(np.linalg.norm(quad[0] - quad[1])), float(np.linalg.norm(quad[1] - quad[2])),
             float(np.linalg.norm(quad[2] - quad[3])), float(np.linalg.norm(quad[3] - quad[0]))]
    width = max(edges[0], edges[2])
    height = max(edges[1], edges[3])
    if width < 1e-6:
        return True
    return round(height / width, 2) >= 1.5


def _to_page(quad: NDArray[np.float32], cells: list[Cell], vertical: bool) -> list[list[list[int]]]:
    box = quad.astype(np.float32).copy()
    left = int(np.min(box[:, 0]))
    top = int(np.min(box[:, 1]))
    box[:, 0] = box[:, 0] - left
    box[:, 1] = box[:, 1] - top
    crop_w = int(np.linalg.norm(box[0] - box[1]))
    crop_h = int(np.linalg.norm(box[0] - box[3]))
    target = np.array([[0, 0], [crop_w, 0], [crop_w, crop_h], [0, crop_h]], dtype=np.float64)
    inverse = np.linalg.inv(perspective_transform(box.astype(np.float64), target))
    angle = math.radians(-90)
    out: list[list[list[int]]] = []
    for cell in cells:
        mapped: list[list[int]] = []
        for px, py in cell:
            x, y = float(px), float(py)
            if vertical:
                x, y = x * math.cos(angle) + y * math.sin(angle), y * math.cos(angle) - x * math.sin(angle)
                x += crop_w
            u, v, w = inverse @ np.array([x, y, 1.0])
            mapped.append([int(u / w + left), int(v / w + top)])
        out.append(order_points(mapped))
    return out


def order_points(points: list[list[int]]) -> list[list[int]]:
    """rapidocr's `CalRecBoxes.order_points`, case by case."""
    box = np.array(points).reshape((-1, 2))
    cx, cy = np.mean(box[:, 0]), np.mean(box[:, 1])
    if np.any(box[:, 0] == cx) and np.any(box[:, 1] == cy):
        p1 = box[np.where(box[:, 0] == np.min(box[:, 0]))]
        p2 = box[np.where(box[:, 1] == np.min(box[:, 1]))]
        p3 = box[np.where(box[:, 0] == np.max(box[:, 0]))]
        p4 = box[np.where(box[:, 1] == np.max(box[:, 1]))]
    elif np.all(box[:, 0] == cx):
        y_sort = np.argsort(box[:, 1])
        p1, p2, p3, p4 = box[y_sort[0]], box[y_sort[1]], box[y_sort[2]], box[y_sort[3]]
    elif np.any(box[:, 0] == cx) and np.all(box[:, 1] != cy):
        p12, p34 = box[np.where(box[:, 1] < cy)], box[np.where(box[:, 1] > cy)]
        p1 = p12[np.where(p12[:, 0] == np.min(p12[:, 0]))]
        p2 = p12[np.where(p12[:, 0] == np.max(p12[:, 0]))]
        p3 = p34[np.where(p34[:, 0] == np.max(p34[:, 0]))]
        p4 = p34[np.where(p34[:, 0] == np.min(p34[:, 0]))]
    else:
        p14, p23 = box[np.where(box[:, 0] < cx)], box[np.where(box[:, 0] > cx)]
        p1 = p14[np.where(p14[:, 1] == np.min(p14[:, 1]))]
        p4 = p14[np.where(p14[:, 1] == np.max(p14[:, 1]))]
        p2 = p23[np.where(p23[:, 1] == np.min(p23[:, 1]))]
        p3 = p23[np.where(p23[:, 1] == np.max(p23[:, 1]))]

    def one(p: NDArray[np.int64]) -> NDArray[np.int64]:
        return p.reshape((1, 2)) if p.shape == (2,) else p[:1, :]

    ordered: list[list[int]] = np.array([one(p1), one(p2), one(p3), one(p4)]).reshape((-1, 2)).tolist()
    return ordered
