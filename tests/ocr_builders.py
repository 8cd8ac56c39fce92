"""Scanned pages for the OCR tests, drawn by the tests: an A4 page at 200 dpi rendered with Pillow
in a system CJK font, rotated slightly and noised, saved as an image or wrapped as an image-only
PDF page (reportlab). Where each text was drawn is returned, in pixels and PDF points."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.rules.idcard import id_check_char

DPI = 200
A4_PX = (1654, 2339)
MARK = "秘密★5年"
ID_NUMBER = "32010219850617003" + id_check_char("32010219850617003")
ID_LINE = f"联系人身份证号码：{ID_NUMBER}"
TITLE = "关于做好信息公开工作的通知"
BODY = "各单位要认真贯彻落实有关规定。"
FIRST_PAGE = "第一页：关于加强信息公开工作的通知"
_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc")

Box = tuple[float, float, float, float]


def cjk_font(size: int):
    from PIL import ImageFont

    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    pytest.skip(f"needs a CJK TrueType font ({' or '.join(_FONTS)})")


def scan_page(lines: list[tuple[str, tuple[int, int]]] | None = None, *, angle: float = 1.2,
              noise: float = 16.0, size: int = 46, seed: int = 1):
    """A noised, slightly rotated A4 scan; returns (image, {text: pixel box as drawn})."""
    from PIL import Image, ImageDraw

    if lines is None:
        lines = [(MARK, (150, 150)), (TITLE, (450, 400)), (ID_LINE, (150, 600)), (BODY, (150, 700))]
    font = cjk_font(size)
    image = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(image)
    boxes: dict[str, Box] = {}
    for text, (x, y) in lines:
        draw.text((x, y), text, font=font, fill=0)
        boxes[text] = tuple(float(v) for v in draw.textbbox((x, y), text, font=font))  # type: ignore[assignment]
    image = image.rotate(angle, fillcolor=255, resample=Image.Resampling.BICUBIC)
    return add_noise(image, noise, seed), boxes


def add_noise(image, noise: float = 16.0, seed: int = 1):
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L")).astype(np.int16)
    rng = np.random.default_rng(seed)
    noisy = np.clip(pixels + rng.normal(0, noise, pixels.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(noisy)


def blank_page():
    from PIL import Image

    return add_noise(Image.new("L", A4_PX, 250), 10.0, 2)


def ruled_page():
    """A form: ruled lines and a grid of empty boxes, no text."""
    from PIL import Image, ImageDraw

    image = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(image)
    for y in range(200, 1200, 60):
        draw.line((100, y, 1550, y), fill=0, width=2)
    for x in range(100, 1600, 290):
        draw.line((x, 200, x, 1140), fill=0, width=2)
    for row in range(20):                      # rows of small boxes, like squared writing paper
        for col in range(40):
            x, y = 110 + col * 36, 1300 + row * 45
            draw.rectangle((x, y, x + 28, y + 30), outline=0, width=2)
    return add_noise(image, 10.0, 3)


def to_points(box: Box) -> Box:
    k = 72.0 / DPI
    return (box[0] * k, box[1] * k, box[2] * k, box[3] * k)


def image_pdf(path: Path, images: list, *, text_first_page: str | None = FIRST_PAGE,
              page_numbers: bool = False) -> Path:
    """A PDF whose first page has a text layer (unless None) and whose other pages are only
    the given images, each filling an A4 page (with `page_numbers`, a text-layer "第 N 页" is
    stamped at the foot of each, as PDF tools do to scans)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.builders import _cjk_font

    c = canvas.Canvas(str(path), pagesize=A4)
    if text_first_page is not None:
        c.setFont(_cjk_font(), 14)
        c.drawString(72, 760, text_first_page)
        c.showPage()
    for image in images:
        c.drawImage(ImageReader(image.convert("RGB")), 0, 0, width=A4[0], height=A4[1])
        if page_numbers:
            c.setFont(_cjk_font(), 9)
            c.drawString(280, 20, f"第 {c.getPageNumber()} 页")
        c.showPage()
    c.save()
    return path


def overlaps(a: Box | list[float], b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
