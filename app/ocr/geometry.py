"""Plane geometry for the text detector, in NumPy: the borders `cv2.findContours(RETR_LIST)`
finds in a binary map (each 8-connected foreground component, and each hole in one), convex
hulls, minimum-area rectangles (`cv2.minAreaRect` + `cv2.boxPoints`), the round-joined offset
rapidocr makes with pyclipper, and point ordering.

Only what the DB post-processing needs of a border is kept: its convex hull (the rectangle and
the score are taken from it) and where the raster scan meets it first (OpenCV lists borders
in the reverse of that order; it matters for `max_candidates`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Border:
    """One border of a binary map: `points` (x, y pixel centres, (N, 2)) whose convex hull is the
    border's; `start` = (row, column) where a raster scan first meets it."""

    points: IntArray
    start: tuple[int, int]


# --- runs and connected components --------------------------------------------------------------

def _runs(mask: NDArray[np.bool_]) -> tuple[IntArray, IntArray, IntArray]:
    """Horizontal runs of True: (row, first column, last column), in raster order."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, stops = np.nonzero(step == -1)
    return rows.astype(np.int64), starts.astype(np.int64), stops.astype(np.int64) - 1


def _links(rows: IntArray, starts: IntArray, ends: IntArray, width: int, diagonal: bool) -> tuple[IntArray, IntArray]:
    """Pairs (run, run in the row above) that touch: overlapping columns, or with `diagonal`
    (8-connectivity) columns one apart."""
    n = len(rows)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    stride = width + 4
    key_start = rows * stride + starts + 2
    key_end = rows * stride + ends + 2
    slack = 1 if diagonal else 0
    base = (rows - 1) * stride + 2
    lo = np.searchsorted(key_end, base + starts - slack, side="left")
    hi = np.searchsorted(key_start, base + ends + slack, side="right")
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    below = np.repeat(np.arange(n, dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    above = np.repeat(lo.astype(np.int64), counts) + offsets
    return below, above


def _union(n: int, u: IntArray, v: IntArray) -> IntArray:
    """Component label of each of `n` nodes joined by the edges (u, v): the smallest node of its
    component (hook roots to the smaller root, then compress paths; vectorised)."""
    parent = np.arange(n, dtype=np.int64)
    while len(u):
        pu, pv = parent[u], parent[v]
        differ = pu != pv
        if not differ.any():
            break
        pu, pv = pu[differ], pv[differ]
        u, v = u[differ], v[differ]
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


def _group(labels: IntArray) -> list[NDArray[np.intp]]:
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    cuts = np.nonzero(np.diff(sorted_labels))[0] + 1
    return np.split(order, cuts)


def borders(mask: NDArray[np.bool_]) -> list[Border]:
    """The borders of `mask` as `cv2.findContours(mask, RETR_LIST, ...)` lists them: each
    8-connected component of True pixels (its outer border) and each hole in one (a 4-connected
    component of False pixels not touching the image's edge), in OpenCV's order."""
    width = mask.shape[1]
    found: list[Border] = []
    rows, starts, ends = _runs(mask)
    if len(rows):
        labels = _union(len(rows), *_links(rows, starts, ends, width, diagonal=True))
        for members in _group(labels):
            first = int(members[0])
            r, s, e = rows[members], starts[members], ends[members]
            points = np.concatenate([np.stack([s, r], axis=1), np.stack([e, r], axis=1)])
            found.append(Border(points, (int(rows[first]), int(starts[first]))))
    found.extend(_holes(mask))
    # OpenCV's list holds the last border found first
    found.sort(key=lambda b: b.start, reverse=True)
    return found


def _holes(mask: NDArray[np.bool_]) -> list[Border]:
    height, width = mask.shape
    rows, starts, ends = _runs(~mask)
    if not len(rows):
        return []
    labels = _union(len(rows), *_links(rows, starts, ends, width, diagonal=False))
    edge = (rows == 0) | (rows == height - 1) | (starts == 0) | (ends == width - 1)
    touching = np.zeros(len(rows), dtype=bool)
    touching[labels[edge]] = True
    out: list[Border] = []
    for members in _group(labels):
        first = int(members[0])
        if touching[labels[first]]:
            continue
        r, s, e = rows[members], starts[members], ends[members]
        # the hole's border is the foreground pixels 4-adjacent to it
        points = np.concatenate([np.stack([s - 1, r], axis=1), np.stack([e + 1, r], axis=1),
                                 np.stack([s, r - 1], axis=1), np.stack([e, r - 1], axis=1),
                                 np.stack([s, r + 1], axis=1), np.stack([e, r + 1], axis=1)])
        out.append(Border(points, (int(rows[first]), int(starts[first]) - 1)))
    return out


# --- hull and rectangles ------------------------------------------------------------------------

def convex_hull(points: NDArray[np.generic]) -> FloatArray:
    """Convex hull (monotone chain), counter-clockwise in y-down coordinates, without collinear
    points; fewer than three points for degenerate input."""
    pts = np.unique(np.asarray(points, dtype=np.float64), axis=0)   # sorted by x, then y
    if len(pts) <= 2:
        return pts
    xs = pts[:, 0].tolist()
    ys = pts[:, 1].tolist()

    def chain(indices: range) -> list[int]:
        out: list[int] = []
        for i in indices:
            while len(out) >= 2:
                o, a = out[-2], out[-1]
                if (xs[a] - xs[o]) * (ys[i] - ys[o]) - (ys[a] - ys[o]) * (xs[i] - xs[o]) <= 0:
                    out.pop()
                else:
                    break
            out.append(i)
        return out

    lower = chain(range(len(xs)))
    upper = chain(range(len(xs) - 1, -1, -1))
    return pts[lower[:-1] + upper[:-1]]


@dataclass(frozen=True, slots=True)
class Rect:
    """A rotated rectangle: its four corners (in `cv2.boxPoints` order is not kept: any cyclic
    order) and its sides."""

    corners: FloatArray          # (4, 2)
    width: float
    height: float

    @property
    def short_side(self) -> float:
        return min(self.width, self.height)


def min_area_rect(points: NDArray[np.generic]) -> Rect:
    """The smallest-area rectangle around `points` (rotating calipers over the convex hull)."""
    hull = convex_hull(points)
    if len(hull) == 0:
        return Rect(np.zeros((4, 2)), 0.0, 0.0)
    if len(hull) == 1:
        return Rect(np.repeat(hull, 4, axis=0), 0.0, 0.0)
    if len(hull) == 2:
        a, b = hull
        return Rect(np.array([a, b, b, a]), float(math.dist(a, b)), 0.0)
    edges = np.roll(hull, -1, axis=0) - hull
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    keep = lengths > 0
    u = edges[keep] / lengths[keep, None]                  # edge directions
    v = np.stack([-u[:, 1], u[:, 0]], axis=1)              # normals
    pu = hull @ u.T                                        # (points, directions)
    pv = hull @ v.T
    umin, umax = pu.min(axis=0), pu.max(axis=0)
    vmin, vmax = pv.min(axis=0), pv.max(axis=0)
    areas = (umax - umin) * (vmax - vmin)
    k = int(np.argmin(areas))
    du, dv = u[k], v[k]
    corners = np.array([du * umin[k] + dv * vmin[k], du * umax[k] + dv * vmin[k],
                        du * umax[k] + dv * vmax[k], du * umin[k] + dv * vmax[k]])
    return Rect(corners, float(umax[k] - umin[k]), float(vmax[k] - vmin[k]))


def mini_box(points: NDArray[np.generic]) -> tuple[FloatArray, float]:
    """rapidocr's `get_mini_boxes`: the minimum-area rectangle's corners as float32 values,
    ordered (top-left, top-right, bottom-right, bottom-left) by rapidocr's rule, and its short
    side."""
    rect = min_area_rect(points)
    corners = rect.corners.astype(np.float32).astype(np.float64)
    pts = sorted(corners.tolist(), key=lambda p: p[0])
    i1, i4 = (0, 1) if pts[1][1] > pts[0][1] else (1, 0)
    i2, i3 = (2, 3) if pts[3][1] > pts[2][1] else (3, 2)
    box = np.array([pts[i1], pts[i2], pts[i3], pts[i4]], dtype=np.float64)
    return box, rect.short_side


def polygon_area_perimeter(points: FloatArray) -> tuple[float, float]:
    x, y = points[:, 0], points[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    perimeter = float(np.hypot(*(np.roll(points, -1, axis=0) - points).T).sum())
    return area, perimeter


def _clipper_round(value: float) -> int:
    return int(value - 0.5) if value < 0 else int(value + 0.5)


def offset_round(box: FloatArray, distance: float) -> IntArray:
    """The points of pyclipper's offset of the closed polygon `box` by `distance` with round
    joins (coordinates truncated to integers as pyclipper takes them; ArcTolerance 0.25)."""
    pts = [(int(x), int(y)) for x, y in box.tolist()]
    dedup: list[tuple[int, int]] = []
    for p in pts:
        if not dedup or dedup[-1] != p:
            dedup.append(p)
    while len(dedup) > 1 and dedup[0] == dedup[-1]:
        dedup.pop()
    if len(dedup) < 3 or distance <= 0:
        return np.array(dedup or [(0, 0)], dtype=np.int64)
    n = len(dedup)
    normals = []
    for i in range(n):
        ax, ay = dedup[i]
        bx, by = dedup[(i + 1) % n]
        dx, dy = bx - ax, by - ay
        f = 1.0 / math.hypot(dx, dy)
        normals.append((dy * f, -dx * f))    # Clipper's GetUnitNormal
    # outward normals (Clipper fixes the orientation so that a positive distance grows the polygon)
    cx = sum(p[0] for p in dedup) / n
    cy = sum(p[1] for p in dedup) / n
    mx = (dedup[0][0] + dedup[1][0]) / 2 - cx
    my = (dedup[0][1] + dedup[1][1]) / 2 - cy
    sign = 1.0 if normals[0][0] * mx + normals[0][1] * my >= 0 else -1.0
    tolerance = min(0.25, abs(distance) * 0.25)
    steps = min(math.pi / math.acos(1 - tolerance / abs(distance)), abs(distance) * math.pi)
    steps_per_rad = steps / (2 * math.pi)
    sin_step, cos_step = math.sin(2 * math.pi / steps), math.cos(2 * math.pi / steps)
    out: list[tuple[int, int]] = []
    for i in range(n):
        px, py = dedup[i]
        nx0, ny0 = normals[i - 1]
        nx1, ny1 = normals[i]
        nx0, ny0, nx1, ny1 = nx0 * sign, ny0 * sign, nx1 * sign, ny1 * sign
        sin_a = nx0 * ny1 - nx1 * ny0
        cos_a = nx0 * nx1 + ny0 * ny1
        angle = math.atan2(sin_a, cos_a)
        count = max(round(steps_per_rad * abs(angle)), 1)
        s = sin_step if angle >= 0 else -sin_step
        x, y = nx0, ny0
        for _ in range(count):
            out.append((_clipper_round(px + x * distance), _clipper_round(py + y * distance)))
            x, y = x * cos_step - s * y, x * s + y * cos_step
        out.append((_clipper_round(px + nx1 * distance), _clipper_round(py + ny1 * distance)))
    return np.array(out, dtype=np.int64)


def order_clockwise(points: FloatArray) -> FloatArray:
    """rapidocr's `order_points_clockwise`: (top-left, top-right, bottom-right, bottom-left) from
    the two left-most and the two right-most points."""
    by_x = points[np.argsort(points[:, 0]), :]
    left = by_x[:2, :]
    right = by_x[2:, :]
    left = left[np.argsort(left[:, 1]), :]
    right = right[np.argsort(right[:, 1]), :]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32).astype(np.float64)


def polygon_mask(points: NDArray[np.int32], height: int, width: int) -> NDArray[np.bool_]:
    """`cv2.fillPoly` of a convex polygon with integer vertices on a `height`×`width` canvas: the
    pixels whose centres lie inside or on it, and its edges drawn as OpenCV draws 8-connected
    lines (from the left end; Bresenham)."""
    pts = np.asarray(points, dtype=np.int64).reshape(-1, 2)
    n = len(pts)
    ys, xs = np.mgrid[0:height, 0:width]
    mask = np.ones((height, width), dtype=bool)
    twice_area = int(sum(pts[i, 0] * pts[(i + 1) % n, 1] - pts[(i + 1) % n, 0] * pts[i, 1] for i in range(n)))
    sign = 1 if twice_area >= 0 else -1
    if twice_area == 0:                  # no inside: the outline only
        mask[:] = False
    for i in range(n if twice_area else 0):
        ax, ay = int(pts[i, 0]), int(pts[i, 1])
        bx, by = int(pts[(i + 1) % n, 0]), int(pts[(i + 1) % n, 1])
        mask &= sign * ((bx - ax) * (ys - ay) - (by - ay) * (xs - ax)) >= 0
    for i in range(n):
        lx, ly = _line_pixels(int(pts[i - 1, 0]), int(pts[i - 1, 1]), int(pts[i, 0]), int(pts[i, 1]))
        inside = (lx >= 0) & (lx < width) & (ly >= 0) & (ly < height)
        mask[ly[inside], lx[inside]] = True
    return mask


def _line_pixels(x0: int, y0: int, x1: int, y1: int) -> tuple[IntArray, IntArray]:
    """The pixels of OpenCV's 8-connected line (LineIterator, left to right), in closed form:
    at step k along the major axis the minor offset is ceil((2·minor·k − major) / (2·major))."""
    if x1 < x0:
        x0, y0, x1, y1 = x1, y1, x0, y0
    dx, dy = x1 - x0, y1 - y0
    step_y = -1 if dy < 0 else 1
    steep = abs(dy) > dx
    major, minor = (abs(dy), dx) if steep else (dx, abs(dy))
    k = np.arange(major + 1, dtype=np.int64)
    offset = np.zeros(1, np.int64) if major == 0 else np.maximum(-((major - 2 * minor * k) // (2 * major)), 0)
    if steep:
        return x0 + offset, y0 + step_y * k
    return x0 + k, y0 + step_y * offset
