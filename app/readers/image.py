"""Image files (png, jpeg, tiff — every page of a multi-page tiff —, bmp), read by OCR.

Pillow decodes them; the size is checked from the header before any pixel is decoded: more than
`MAX_PIXELS` pixels (a 20,000 × 20,000 px "page") or more than `MAX_FRAMES` pages is refused, and
Pillow's own decompression-bomb check is an error here, not a warning. Pages larger than
`OCR_SIDE` pixels on their longer side are scaled down before recognition (the recogniser works
at about 2,000 px anyway); a photo with an EXIF orientation is turned upright first; boxes are
given in the pixels of the (upright) original image.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

from app.errors import ReadError
from app.model import Document, Notice
from app.ocr.options import OcrOptions
from app.readers import guards

MAX_PIXELS = 60_000_000              # an A4 page at 600 dpi is 35 million
MAX_FRAMES = 300
OCR_SIDE = 3508                      # A4 at 300 dpi

#: Magic bytes → format name (BMP's two-byte "BM" only counts with a .bmp suffix).
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"),
              (b"MM\x00*", "tiff"))
SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")


def sniff(path: Path, head: bytes) -> str | None:
    """The image format of a file starting with `head`, or None."""
    for magic, name in SIGNATURES:
        if head.startswith(magic):
            return name
    if head.startswith(b"BM") and path.suffix.lower() == ".bmp":
        return "bmp"
    return None


def read(path: Path, data: bytes, sha256: str, ocr: OcrOptions | None = None) -> Document:
    options = ocr or OcrOptions()
    kind = sniff(path, data[:16]) or path.suffix.lower().lstrip(".")
    frames = _frames(data, kind)
    count = len(frames)
    if options.mode == "off":
        notice = Notice(code="no_text_layer", page=1, pages=tuple(range(1, count + 1)),
                        message="图片文件没有文字层，未做文字识别（已关闭），未能检查其内容。请人工审读，"
                                "或开启文字识别（--ocr auto）后再扫描。")
        return Document.build(str(path), kind, sha256, [], pages=count, notices=(notice,))
    from app.ocr.engine import ocr_image
    from app.ocr.models import OcrError
    from app.ocr.pages import low_confidence_notice, page_text, read_notice

    scanned = []
    for number, frame in enumerate(frames, start=1):
        options.check_cancelled(number - 1, count)
        image, scale = _prepared(frame, number, kind)
        try:
            scanned.append(page_text(number, ocr_image(image), scale))
        except OcrError as exc:
            raise ReadError(f"图片需要文字识别，但{exc.message}", code=exc.code) from exc
        if options.progress is not None:
            options.progress(number, count, number)
    notices: tuple[Notice, ...] = (read_notice(scanned, "是图片"),)
    low = low_confidence_notice(scanned)
    if low is not None:
        notices += (low,)
    return Document.build(str(path), kind, sha256, [p.segment() for p in scanned], pages=count, notices=notices)


def _frames(data: bytes, kind: str) -> list[Any]:
    """The image's pages, opened (header only) and checked against the size limits."""
    from PIL import Image, UnidentifiedImageError

    what = f"图片（{kind}）"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # Pillow's own check
        raise _too_big(what, f"像素数超过上限 {MAX_PIXELS // 1_000_000} 百万像素") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise guards.corrupt(what, "无法识别图像数据") from exc
    if frames > MAX_FRAMES:
        raise guards.too_large(what, f"共 {frames} 页，超过上限 {MAX_FRAMES} 页")
    out: list[Any] = []
    for index in range(frames):
        try:
            image.seek(index)
        except (OSError, EOFError, ValueError) as exc:
            raise guards.corrupt(what, f"第{index + 1}页无法读取") from exc
        width, height = image.size
        if width * height > MAX_PIXELS or width <= 0 or height <= 0:
            raise _too_big(what, f"第{index + 1}页 {width}×{height} 像素，超过上限 {MAX_PIXELS // 1_000_000} 百万像素")
        out.append((image, index))
    return out


def _prepared(frame: Any, number: int, kind: str) -> tuple[Any, float]:
    """The page decoded to RGB, scaled down to `OCR_SIDE` at most, and its scale (pixels of the
    prepared image per pixel of the original)."""
    from PIL import Image

    image, index = frame
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(index)
            width, height = image.size
            scale = min(1.0, OCR_SIDE / max(width, height))
            if scale < 1.0 and kind == "jpeg":
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            page = image.convert("RGB")
            turn = _EXIF_TURNS.get(int(image.getexif().get(_ORIENTATION, 1) or 1))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_big(f"图片（{kind}）", f"像素数超过上限 {MAX_PIXELS // 1_000_000} 百万像素") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise guards.corrupt(f"图片（{kind}）", f"第{number}页图像数据损坏或不完整") from exc
    if turn is not None:  # a photo taken sideways: read it upright (as image viewers show it)
        page = page.transpose(Image.Transpose(turn))
        if turn in _SWAPS:
            width, height = height, width
    if scale < 1.0:
        page = page.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS)
        scale = page.width / width
    return page, scale


_ORIENTATION = 0x0112
_EXIF_TURNS = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}    # EXIF orientation -> PIL.Image.Transpose
_SWAPS = frozenset({2, 4, 5, 6})                           # transposes that swap width and height


def _too_big(what: str, detail: str) -> ReadError:
    return ReadError(f"{what}过大（{detail}），为保护本机未予读取。请降低分辨率（如 300 dpi）或拆分后再审查。",
                     code="too_large")


def page_sizes(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every page of an image file in pixels of the upright original (the
    space OCR boxes are given in), from the headers: what a page view lays out."""
    data = path.read_bytes()
    kind = sniff(path, data[:16]) or path.suffix.lower().lstrip(".")
    out: list[tuple[int, int]] = []
    for image, index in _frames(data, kind):
        image.seek(index)
        width, height = image.size
        try:
            orientation = int(image.getexif().get(_ORIENTATION, 1) or 1)
        except (OSError, ValueError, SyntaxError):
            orientation = 1
        turn = _EXIF_TURNS.get(orientation)
        out.append((height, width) if turn in _SWAPS else (width, height))
    return out


def page_image(path: Path, number: int, scale: float | None = None) -> tuple[Any, float]:
    """Page `number` (1-based) of an image file as an upright RGB Pillow image, prepared exactly
    as for OCR (EXIF orientation applied, scaled down to `OCR_SIDE`), then scaled down further to
    `scale` pixels per original pixel when that is smaller; returns the image and its scale."""

    data = path.read_bytes()
    kind = sniff(path, data[:16]) or path.suffix.lower().lstrip(".")
    frames = _frames(data, kind)
    if not 1 <= number <= len(frames):
        raise guards.corrupt(f"图片（{kind}）", f"没有第{number}页")
    page, prepared = _prepared(frames[number - 1], number, kind)
    if scale is not None:
        return scale_prepared(page, prepared, scale)
    return page, prepared


def scale_prepared(page: Any, prepared: float, scale: float) -> tuple[Any, float]:
    """A prepared page (`prepared` pixels per original pixel) scaled down to `scale` when that is
    smaller; returns the image and its scale."""
    from PIL import Image

    if scale >= prepared * 0.95:
        return page, prepared
    width, height = page.width / prepared, page.height / prepared
    page = page.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS)
    return page, page.width / width
