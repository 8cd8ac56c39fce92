"""Painting the part of an image XObject that lies under a redaction box (scanned pages, the
image of a searchable scan under its invisible text layer): the pixels are replaced, not covered."""

from __future__ import annotations

import zlib
from typing import Any

from app.redact.model import Box
from app.redact.pdf_content import Matrix

#: larger images are not decoded (a 20,000 × 20,000 px scan would need 1.2 GB): the page is
#: rasterised at 200 dpi instead, which bounds the memory by the page size
MAX_IMAGE_PIXELS = 60_000_000


class ImageUnsupported(Exception):
    pass


def _inverse(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        raise ImageUnsupported("退化的图像变换矩阵")
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def pixel_rects(ctm: Matrix, boxes: list[Box], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Pixel rectangles (x0, y0, x1, y1; y down) of the image placed by `ctm` under `boxes`."""
    inv = _inverse(ctm)
    out = []
    for box in boxes:
        us, vs = [], []
        for x, y in ((box.left, box.bottom), (box.right, box.bottom), (box.left, box.top), (box.right, box.top)):
            us.append(inv[0] * x + inv[2] * y + inv[4])
            vs.append(inv[1] * x + inv[3] * y + inv[5])
        u0, u1 = max(0.0, min(us)), min(1.0, max(us))
        v0, v1 = max(0.0, min(vs)), min(1.0, max(vs))
        if u1 <= u0 or v1 <= v0:
            continue
        import math

        out.append((math.floor(u0 * width), math.floor((1 - v1) * height),
                    math.ceil(u1 * width), math.ceil((1 - v0) * height)))
    return out


def painted_image(pdf: Any, image: Any, placements: list[Matrix], boxes: list[Box]) -> tuple[Any, int]:
    """A new image stream: `image` with every region under `boxes` (for each placement) black.
    Returns (stream, painted rectangles)."""
    import pikepdf
    from PIL import Image, ImageDraw

    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    except (TypeError, ValueError):
        raise ImageUnsupported("图像尺寸无效") from None
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageUnsupported(f"图像过大（{width}×{height} 像素），改为整页转图像")
    try:
        pil = pikepdf.PdfImage(image).as_pil_image()
    except Exception as exc:  # JBIG2 without a decoder, a broken stream, an exotic colour space
        raise ImageUnsupported(f"无法解码图像（{type(exc).__name__}）") from exc
    if pil.mode not in ("L", "RGB"):
        pil = pil.convert("RGB")
    draw = ImageDraw.Draw(pil)
    rects = [r for m in placements for r in pixel_rects(m, boxes, pil.width, pil.height)]
    for x0, y0, x1, y1 in rects:
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=0)
    if not rects:
        return image, 0
    stream = pdf.make_stream(zlib.compress(pil.tobytes(), 6))
    stream["/Type"] = pikepdf.Name.XObject
    stream["/Subtype"] = pikepdf.Name.Image
    stream["/Width"] = pil.width
    stream["/Height"] = pil.height
    stream["/ColorSpace"] = pikepdf.Name.DeviceGray if pil.mode == "L" else pikepdf.Name.DeviceRGB
    stream["/BitsPerComponent"] = 8
    stream["/Filter"] = pikepdf.Name.FlateDecode
    for key in ("/SMask", "/Interpolate", "/Intent"):
        if key in image:
            stream[key] = image[key]
    del draw
    _ = Image  # the module is needed for as_pil_image's result type
    return stream, len(rects)
