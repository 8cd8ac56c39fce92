"""Image files (png, jpeg, tiff, bmp): the withheld strings MiShen read by OCR are painted black
in the pixels (every frame of a multi-page tiff), and the file is written again in its own format
without its metadata (EXIF — camera, time, GPS —, text chunks, ICC profile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.model import Document
from app.redact.match import find_spans
from app.redact.model import Action, RedactError

PAD = 2   # pixels around each character box
_SAVE = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "bmp": "BMP"}


def pixel_boxes(doc: Document, needles: list[str]) -> dict[int, list[tuple[float, float, float, float]]]:
    """Per 1-based frame: the OCR character boxes (left, top, right, bottom) of every occurrence."""
    out: dict[int, list[tuple[float, float, float, float]]] = {}
    for seg in doc.segments:
        if not seg.boxes or seg.location.page is None:
            continue
        for s, e in find_spans(seg.text, needles):
            out.setdefault(seg.location.page, []).extend(b for b in seg.boxes[s:e] if b[2] > b[0] and b[3] > b[1])
    return out


def _black(mode: str) -> Any:
    return {"RGB": (0, 0, 0), "RGBA": (0, 0, 0, 255), "CMYK": (0, 0, 0, 255), "LA": (0, 255)}.get(mode, 0)


def build_image_copy(source: Path, doc: Document, needles: list[str], out: Path) -> list[Action]:
    from PIL import Image, ImageDraw, ImageSequence

    fmt = _SAVE.get(doc.format)
    if fmt is None:
        raise RedactError(f"不支持的图片格式 {doc.format}。", code="unsupported")
    boxes = pixel_boxes(doc, needles)
    try:
        with Image.open(source) as img:
            frames = [frame.copy() for frame in ImageSequence.Iterator(img)]
    except (OSError, ValueError) as exc:
        raise RedactError(f"图片无法解码（{exc}），未生成副本。", code="corrupt") from exc
    actions: list[Action] = []
    for number, frame in enumerate(frames, start=1):
        rects = boxes.get(number, [])
        if not rects:
            continue
        if frame.mode in ("P", "1", "I;16", "I", "F"):
            frame = frame.convert("RGB" if frame.mode == "P" else "L")
            frames[number - 1] = frame
        draw = ImageDraw.Draw(frame)
        for left, top, right, bottom in rects:
            draw.rectangle((left - PAD, top - PAD, right + PAD, bottom + PAD), fill=_black(frame.mode))
        actions.append(Action("image_painted", f"第 {number} 页（帧）：{len(rects)} 个字符区域已涂黑（像素已替换）",
                              page=number, count=len(rects)))
    first, rest = frames[0], frames[1:]
    options: dict[str, Any] = {"quality": 95} if fmt == "JPEG" else {}
    if rest and fmt == "TIFF":
        options.update(save_all=True, append_images=rest)
    if first.mode == "RGBA" and fmt == "JPEG":
        first = first.convert("RGB")
    first.save(out, format=fmt, **options)   # no exif=, pnginfo=, icc_profile=: the metadata is not written
    actions.append(Action("metadata_cleared", "已删除图片元数据（EXIF、文字块、色彩配置）"))
    return actions
