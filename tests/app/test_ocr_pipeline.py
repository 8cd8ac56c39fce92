"""MiShen's own OCR pipeline (app/ocr/pipeline and its parts), without OpenCV: the geometry on
known shapes; the pixel and geometry steps against OpenCV and pyclipper on random input (they
are still installed with rapidocr in the dev environment); whole pages against rapidocr itself
(same lines in the same order, boxes and character boxes within a pixel, the same confidences
to 0.002); and a run in a child process where importing cv2 or rapidocr fails."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.ocr import geometry, raster
from app.ocr.models import ENV_VAR, models_dir, verify_models
from tests import ocr_builders as ob
from tests.conftest import REPO


def _polygon_mask(points: list[tuple[float, float]], size: tuple[int, int]) -> np.ndarray:
    from PIL import Image, ImageDraw

    canvas = Image.new("L", size, 0)
    ImageDraw.Draw(canvas).polygon(points, fill=1)
    return np.asarray(canvas).astype(bool)


# --- geometry on known shapes -------------------------------------------------------------------

def test_a_rotated_rectangle_gives_its_own_rectangle() -> None:
    cx, cy, w, h, angle = 100.0, 80.0, 120.0, 30.0, math.radians(20)
    u = (math.cos(angle), math.sin(angle))
    v = (-math.sin(angle), math.cos(angle))
    corners = [(cx + a * u[0] * w / 2 + b * v[0] * h / 2, cy + a * u[1] * w / 2 + b * v[1] * h / 2)
               for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    found = geometry.borders(_polygon_mask(corners, (200, 160)))
    assert len(found) == 1
    rect = geometry.min_area_rect(found[0].points)
    assert abs(max(rect.width, rect.height) - w) < 2.5 and abs(min(rect.width, rect.height) - h) < 2.5
    box, short = geometry.mini_box(found[0].points)
    assert short == pytest.approx(min(rect.width, rect.height))
    # top-left, top-right, bottom-right, bottom-left, near the drawn corners
    drawn = np.array(corners)
    assert np.abs(box - drawn).max() < 2.5, (box, drawn)
    ordered = geometry.order_clockwise(box[[2, 0, 3, 1]])
    assert np.allclose(ordered, box.astype(np.float32))


def test_components_join_diagonally_and_holes_do_not() -> None:
    mask = np.zeros((40, 60), dtype=bool)
    mask[5:10, 5:10] = True
    mask[10:15, 10:15] = True            # touches the first block at one corner: one component
    mask[5:10, 30:35] = True             # apart: another
    # a ring with two holes that touch only at a corner: two holes (background is 4-connected)
    mask[20:36, 20:50] = True
    mask[23:27, 24:28] = False
    mask[27:31, 28:32] = False
    found = geometry.borders(mask)
    rects = sorted((round(geometry.min_area_rect(b.points).width * geometry.min_area_rect(b.points).height), b.start)
                   for b in found)
    assert len(found) == 5, rects
    starts = [b.start for b in found]
    assert starts == sorted(starts, reverse=True)          # OpenCV lists the last border found first
    holes = [b for b in found if mask[b.start[0] + 1, b.start[1] + 1] == 0 and b.start[0] > 20]
    assert len(holes) == 2
    # a hole's border is the ring's pixels around it: the 4×4 hole gives a 5×5 rectangle
    assert sorted(geometry.min_area_rect(h.points).short_side for h in holes) == [5.0, 5.0]
    blocks = geometry.min_area_rect(next(b for b in found if b.start == (5, 5)).points)
    assert blocks.width * blocks.height > 4 * 4 * 2


def test_convex_hull_and_degenerate_rectangles() -> None:
    square = np.array([(0, 0), (10, 0), (10, 10), (0, 10), (5, 5), (3, 7), (10, 5)])
    hull = geometry.convex_hull(square)
    assert sorted(map(tuple, hull.tolist())) == [(0, 0), (0, 10), (10, 0), (10, 10)]
    assert geometry.min_area_rect(np.array([(4, 4)])).short_side == 0
    line = geometry.min_area_rect(np.array([(0, 0), (3, 4), (6, 8)]))
    assert line.short_side == 0 and max(line.width, line.height) == pytest.approx(10)


def test_the_unclip_offset_grows_a_rectangle_by_the_distance() -> None:
    box = np.array([[10, 10], [60, 10], [60, 30], [10, 30]], dtype=np.float64)
    area, perimeter = geometry.polygon_area_perimeter(box)
    assert (area, perimeter) == (1000.0, 140.0)
    grown = geometry.min_area_rect(geometry.offset_round(box, 5.0))
    assert sorted((grown.width, grown.height)) == [30.0, 60.0]


def test_a_dense_page_map_is_labelled_quickly() -> None:
    rng = np.random.default_rng(3)
    mask = np.zeros((1984, 1408), dtype=bool)
    for y in range(40, 1940, 30):                    # 64 lines of "text", words and specks
        for x in range(60, 1340, 160):
            mask[y:y + 16, x:x + 140] = True
    mask |= rng.random(mask.shape) < 0.003
    started = time.perf_counter()
    found = geometry.borders(raster.dilate_2x2(mask))
    elapsed = time.perf_counter() - started
    assert len(found) > 64 * 8
    assert elapsed < 2.0, f"labelling took {elapsed:.2f} s"


# --- against OpenCV and pyclipper ---------------------------------------------------------------

def test_borders_and_rectangles_match_opencv_on_random_blobs() -> None:
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(0)
    same_side = compared = 0
    for trial in range(30):
        mask = rng.random((50, 70)) < (0.35 + 0.01 * trial)
        mask = raster.dilate_2x2(mask) if trial % 2 else mask
        contours, _ = cv2.findContours(mask.astype(np.uint8) * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        ours = geometry.borders(mask)
        assert len(ours) == len(contours)
        for theirs, mine in zip(contours, ours, strict=True):
            (_, (w, h), _) = cv2.minAreaRect(theirs)
            rect = geometry.min_area_rect(mine.points)
            assert rect.width * rect.height == pytest.approx(w * h, rel=1e-5, abs=1e-3)
            # when rectangles of (nearly) equal area exist, OpenCV and we may take different ones
            compared += 1
            same_side += abs(rect.short_side - min(w, h)) < 1e-3
    assert same_side >= 0.95 * compared, (same_side, compared)


def test_pixel_operations_match_opencv() -> None:
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(1)
    mask = rng.random((80, 90)) < 0.5
    assert np.array_equal(cv2.dilate(mask.astype(np.uint8), np.ones((2, 2), np.uint8)) > 0, raster.dilate_2x2(mask))
    image = rng.integers(0, 256, (57, 91, 3), dtype=np.uint8)
    for size in ((40, 20), (200, 130), (91, 30), (45, 57), (33, 100), (182, 114), (192, 48)):
        assert np.array_equal(cv2.resize(image, size), raster.resize_linear(image, *size)), size
    quad = np.array([[10.3, 5.2], [80.1, 9.7], [78.2, 40.4], [8.9, 36.6]], np.float32)
    width, height = raster.crop_size(quad)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    assert np.allclose(matrix, raster.perspective_transform(quad.astype(np.float64), target.astype(np.float64)))
    theirs = cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE,
                                 flags=cv2.INTER_CUBIC)
    assert np.abs(theirs.astype(int) - raster.warp_quad(image, quad.astype(np.float64), width, height)).max() <= 1
    # the box score's mask: cv2.fillPoly of a (rotated) rectangle, pixel for pixel
    for _ in range(200):
        centre, sides, angle = rng.uniform(30, 60, 2), rng.uniform(0, 40, 2), rng.uniform(0, 180)
        box = cv2.boxPoints((tuple(centre), tuple(sides), angle)).astype(np.int32)
        theirs_mask = np.zeros((100, 100), np.uint8)
        cv2.fillPoly(theirs_mask, box.reshape(1, -1, 2), 1)
        assert np.array_equal(theirs_mask.astype(bool), geometry.polygon_mask(box, 100, 100)), box.tolist()


def test_the_round_offset_matches_pyclipper() -> None:
    cv2 = pytest.importorskip("cv2")
    pyclipper = pytest.importorskip("pyclipper")
    rng = np.random.default_rng(2)
    for _ in range(100):
        corners = cv2.boxPoints(cv2.minAreaRect(rng.uniform(5, 200, (6, 1, 2)).astype(np.float32)))
        box = geometry.order_clockwise(corners.astype(np.float64)).astype(np.float32)
        distance = float(rng.uniform(1, 15))
        offset = pyclipper.PyclipperOffset()
        offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        theirs = np.array(offset.Execute(distance)).reshape(-1, 2)
        mine = geometry.offset_round(box.astype(np.float64), distance)
        assert set(map(tuple, theirs.tolist())) <= set(map(tuple, mine.tolist()))
        expected = cv2.minAreaRect(theirs.reshape(-1, 1, 2).astype(np.int32))
        rect = geometry.min_area_rect(mine)
        assert rect.width * rect.height == pytest.approx(expected[1][0] * expected[1][1], rel=1e-5)
        assert rect.short_side == pytest.approx(min(expected[1]), rel=1e-4)


# --- whole pages against rapidocr ---------------------------------------------------------------

def _small_page(lines: list[tuple[str, tuple[int, int], bool]], size: tuple[int, int]):
    """A small white image with the texts drawn at the given places (turned 180° when asked)."""
    from PIL import Image, ImageDraw

    font = ob.cjk_font(34)
    image = Image.new("L", size, 255)
    for text, (x, y), upside_down in lines:
        _, _, right, bottom = font.getbbox(text)
        tile = Image.new("L", (right + 8, bottom + 8), 255)
        ImageDraw.Draw(tile).text((4, 4), text, font=font, fill=0)
        image.paste(tile.rotate(180) if upside_down else tile, (x, y))
    return ob.add_noise(image, 8.0, 4)


@pytest.fixture(scope="module")
def engines():
    rapidocr = pytest.importorskip("rapidocr")
    from app.ocr.pipeline import Pipeline

    models = verify_models()
    params = {"Global.log_level": "error", "Global.model_root_dir": str(models.directory),
              "Det.model_path": str(models.det), "Cls.model_path": str(models.cls),
              "Rec.model_path": str(models.rec)}
    return Pipeline(models.det, models.cls, models.rec), rapidocr.RapidOCR(params=params)


def _compare(engines, image) -> list[str]:
    ours_engine, theirs_engine = engines
    bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    ours = ours_engine(bgr)
    theirs = theirs_engine(bgr, return_word_box=True, return_single_char_box=True)
    assert [line.text for line in ours] == list(theirs.txts)
    for line, quad, score, words in zip(ours, theirs.boxes, theirs.scores, theirs.word_results, strict=True):
        assert np.abs(np.array(line.quad) - quad).max() <= 1, (line.text, line.quad, quad)
        assert abs(line.score - score) < 0.002
        assert [c[0] for c in line.chars] == [w[0] for w in words]
        for (_, conf, corners), (_, their_conf, their_corners) in zip(line.chars, words, strict=True):
            assert abs(conf - their_conf) < 0.01
            assert np.abs(np.array(corners) - np.array(their_corners)).max() <= 1
    return [line.text for line in ours]


def test_a_scanned_a4_page_reads_as_rapidocr_reads_it(engines) -> None:
    image, drawn = ob.scan_page()                        # shrunk to 2000 px for the detector
    texts = _compare(engines, image)
    assert texts == list(drawn)


def test_a_small_image_with_an_upside_down_line_reads_as_rapidocr_reads_it(engines) -> None:
    lines = [("关于做好信息公开工作的通知", (20, 20), False), ("联系电话：025-83216547", (20, 90), True)]
    image = _small_page(lines, (640, 170))               # enlarged for the detector; cls turns one line
    texts = _compare(engines, image)
    assert texts == [text for text, _, _ in lines]


def test_a_narrow_strip_reads_as_rapidocr_reads_it(engines) -> None:
    lines = [("秘密★5年", (6, 2), False)]
    image = _small_page(lines, (420, 46))                # wider than 8:1 → padded above and below
    texts = _compare(engines, image)
    assert "".join(texts) == "秘密★5年"                  # the detector makes two boxes of it


def test_a_vertical_column_reads_as_rapidocr_reads_it(engines) -> None:
    from PIL import Image, ImageDraw

    font = ob.cjk_font(34)
    image = Image.new("L", (300, 400), 255)
    draw = ImageDraw.Draw(image)
    column, row = "保密工作会议", "信息公开"
    for i, ch in enumerate(column):                     # one character under another
        draw.text((40, 20 + i * 40), ch, font=font, fill=0)
    draw.text((110, 40), row, font=font, fill=0)
    texts = _compare(engines, ob.add_noise(image, 8.0, 4))   # the tall crop is turned 90° to be read
    assert texts == [column, row]


# --- no OpenCV, no rapidocr code ----------------------------------------------------------------

_CHILD = """
import json, sys
for name in ("cv2", "rapidocr", "shapely", "pyclipper", "scipy"):
    sys.modules[name] = None          # importing any of them now raises ImportError
from tests import ocr_builders as ob
from app.ocr.engine import ocr_image, require_engine
require_engine()
image, drawn = ob.scan_page(lines=[(ob.TITLE, (150, 150)), (ob.ID_LINE, (150, 300))], angle=0.6)
page = ocr_image(image.crop((0, 0, 1654, 500)), use_cache=False)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("cv2", "rapidocr", "shapely", "pyclipper", "scipy")
                and sys.modules[m] is not None)
print(json.dumps({"lines": [line.text for line in page.lines], "chars": [len(line.chars) for line in page.lines],
                  "loaded": loaded}))
"""


def test_ocr_runs_with_opencv_and_rapidocr_unimportable(tmp_path: Path) -> None:
    environment = {**os.environ, ENV_VAR: str(models_dir()), "MISHEN_HOME": str(tmp_path / "home"),
                   "MISHEN_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env=environment)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["lines"] == [ob.TITLE, ob.ID_LINE]
    assert result["chars"] == [len(ob.TITLE), len(ob.ID_LINE)]
    assert result["loaded"] == []


def test_models_are_found_in_the_frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert models_dir().name == "models" and (models_dir() / "PP-OCRv6_det_small.onnx").exists()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert models_dir() == tmp_path / "rapidocr" / "models"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere"))
    assert models_dir() == tmp_path / "elsewhere"
