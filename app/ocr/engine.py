"""One image in, recognised lines out: `ocr_image(image) -> OcrPage`.

rapidocr's models (PP-OCRv6, Apache-2.0) run by our own pipeline (`app.ocr.pipeline`: NumPy
and onnxruntime; rapidocr's Python code and OpenCV are not used), the models verified by
`app.ocr.models` and loaded by explicit path; nothing is ever downloaded. The engine is loaded once
and used by one caller at a time (`OCR_LOCK`, and a lock file in the cache directory across
processes: it takes ~1 GB and both cores while it runs).
Results are cached by the image's hash (`app.ocr.cache`).

Coordinates are image pixels, origin top-left, y down. Lines judged to be noise (very low
confidence, tiny fragments, the repeated digits and boxes a ruled form or grid produces) are
not in `OcrPage.lines`; text-like lines too unsure to use are kept in `OcrPage.dropped`, so that
the report can say that something on the page was not read.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.ocr.models import ModelSet, OcrError, verify_models

if TYPE_CHECKING:   # NumPy and onnxruntime are imported only once `require_engine` found them
    from app.ocr.pipeline import Line, Pipeline

Box = tuple[float, float, float, float]           # left, top, right, bottom

#: A line below this confidence is not used (reported as dropped).
MIN_LINE_CONFIDENCE = 0.6
#: A used line below this confidence is reported in a notice (it may be misread).
LOW_CONFIDENCE = 0.8
#: Repetitive lines (few distinct characters: grids, ruled forms, dotted leaders) and fragments
#: of one or two characters must be at least this sure to be used.
NOISE_CONFIDENCE = 0.9
#: Bump when the filter or the output changes: part of the cache key.
FORMAT_VERSION = 4

OCR_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class OcrChar:
    text: str
    box: Box
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: Box                                        # axis-aligned bounds of `quad`
    confidence: float
    quad: tuple[tuple[float, float], ...] = ()      # the detected (possibly tilted) quadrilateral
    chars: tuple[OcrChar, ...] = ()                 # per character, when the engine gave them


@dataclass(frozen=True, slots=True)
class OcrPage:
    width: int
    height: int
    lines: tuple[OcrLine, ...]
    dropped: tuple[OcrLine, ...] = ()               # text-like but too unsure to use (noise is not kept)

    @property
    def mean_confidence(self) -> float | None:
        """Character-weighted mean confidence of the used lines (None without any)."""
        weight = sum(len(line.text) for line in self.lines)
        if not weight:
            return None
        return sum(line.confidence * len(line.text) for line in self.lines) / weight

    @property
    def low_confidence(self) -> tuple[OcrLine, ...]:
        return tuple(line for line in self.lines if line.confidence < LOW_CONFIDENCE)


def ocr_image(image: Any, *, use_cache: bool = True) -> OcrPage:
    """Recognise the text of `image` (a PIL image, or an H×W×3 uint8 RGB numpy array). Raises
    `OcrError` when the models are missing or altered or the engine fails."""
    require_engine()
    import numpy as np

    array = _rgb_array(image)
    height, width = int(array.shape[0]), int(array.shape[1])
    models = verify_models()
    array = np.ascontiguousarray(array)
    digest = hashlib.sha256(b"mishen-ocr/%d|%s|%dx%d|" % (FORMAT_VERSION, models.digest.encode(), width, height))
    digest.update(array.data)  # contiguous: hashed without a copy
    key = digest.hexdigest()
    if use_cache:
        from app.ocr import cache

        cached = cache.load(key)
        if cached is not None:
            return cached
    with OCR_LOCK, _machine_lock():
        engine = _engine(models)
        try:
            # the models take BGR pixels (they were trained on OpenCV images)
            bgr = np.ascontiguousarray(array[:, :, ::-1])
            result = engine(bgr)
        except MemoryError:
            raise
        except Exception as exc:
            raise OcrError(f"文字识别失败（{type(exc).__name__}: {exc}）。", code="ocr_failed") from exc
    page = _page(result, width, height)
    if use_cache:
        from app.ocr import cache

        cache.store(key, page)
    return page


@contextmanager
def _machine_lock() -> Iterator[None]:
    """One recognition at a time across processes too (the batch window's worker pool, a CLI
    run beside the window): an advisory lock on a file in the cache directory. Without a usable
    cache directory only the process lock applies."""
    from app.paths import cache_dir, make_private_dir

    try:
        folder = make_private_dir(cache_dir() / "ocr")
        fh = open(folder / ".lock", "a+b")  # noqa: SIM115 - held for the block below
    except OSError:
        yield
        return
    try:
        try:
            if os.name == "nt":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        except OSError:
            pass  # a file system without locks: the process lock still holds
        yield
    finally:
        fh.close()  # closing releases the lock


def _rgb_array(image: Any) -> Any:
    import numpy as np

    if hasattr(image, "convert") and hasattr(image, "mode"):   # PIL image
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.asarray(image)
    array = np.asarray(image)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    if array.ndim != 3 or array.shape[2] not in (3, 4) or array.dtype != np.uint8:
        raise OcrError("文字识别的输入不是 RGB 图像。", code="ocr_failed")
    return array[:, :, :3]


_missing: list[str] = []


def require_engine() -> None:
    """Raise `OcrError` (ocr_unavailable) when the OCR component is not installed: the frozen build
    ships it separately (mishen-ocr, scripts/split_ocr.py), and without it NumPy or onnxruntime
    fail to import — with an ImportError, or an OSError when the bundle's extension folder is
    missing."""
    if not _missing:
        for module in ("numpy", "onnxruntime"):
            try:
                __import__(module)
            except Exception as exc:
                _missing.append(f"{module}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                break
        else:
            _missing.append("")
    if _missing[0]:
        raise OcrError("本机未安装文字识别（OCR）组件，无法读取扫描件和图片中的文字。请安装 mishen-ocr 组件"
                       f"（安装包中的“扫描件文字识别”）后重试。（{_missing[0]}）", code="ocr_unavailable")


_engines: dict[str, Pipeline] = {}


def _engine(models: ModelSet) -> Pipeline:
    """The pipeline for `models` (built once; the caller holds OCR_LOCK)."""
    engine = _engines.get(models.digest + str(models.directory))
    if engine is not None:
        return engine
    from app.ocr.pipeline import Pipeline

    try:
        engine = Pipeline(models.det, models.cls, models.rec)
    except OcrError:
        raise
    except Exception as exc:
        raise OcrError(f"文字识别模型无法加载（{type(exc).__name__}: {exc}）。请重新安装本软件。",
                       code="ocr_unavailable") from exc
    _engines[models.digest + str(models.directory)] = engine
    return engine


# --- result → OcrPage -------------------------------------------------------------------------

def _page(result: list[Line], width: int, height: int) -> OcrPage:
    kept: list[OcrLine] = []
    dropped: list[OcrLine] = []
    for found in result:
        points = tuple((float(x), float(y)) for x, y in found.quad)
        line = OcrLine(found.text.strip(), _bounds(points), float(found.score), points, _chars(found.chars))
        verdict = classify(line) if line.text else "noise"
        if verdict == "keep":
            kept.append(line)
        elif verdict == "unsure":
            dropped.append(line)
    return OcrPage(width, height, tuple(kept), tuple(dropped))


def _bounds(points: tuple[tuple[float, float], ...]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _chars(items: tuple[tuple[str, float, tuple[tuple[int, int], ...]], ...]) -> tuple[OcrChar, ...]:
    out: list[OcrChar] = []
    for text, score, quad in items:
        points = tuple((float(x), float(y)) for x, y in quad)
        out.append(OcrChar(text, _bounds(points), float(score)))
    return tuple(out)


def classify(line: OcrLine) -> str:
    """"noise": what a blank area, a ruled form, a grid of boxes or a shaded block makes the
    recogniser "read" — fragments of one or two characters, long runs of two or three characters
    (8888日8, 曰曰曰, ……) — unless the engine is sure of them; dropped without a word.
    "unsure": real-looking text below MIN_LINE_CONFIDENCE; dropped and reported.
    "keep": used."""
    chars = [ch for ch in line.text if not ch.isspace()]
    if line.confidence < NOISE_CONFIDENCE:
        if len(chars) <= 2:
            return "noise"
        if len(chars) >= 4 and len(set(chars)) <= max(2, min(4, len(chars) // 6)):
            return "noise"
    return "unsure" if line.confidence < MIN_LINE_CONFIDENCE else "keep"
