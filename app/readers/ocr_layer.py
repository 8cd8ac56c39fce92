"""OCR of a PDF page that has a text layer too (`--ocr on`, or a scan with a few words added as
text): the lines OCR reads where the text layer already has the same text are left out, so that a
finding is not reported twice — once from the text layer, once from its picture. What only the
page's images show (a stamped mark, a scanned attachment) is kept.

A line is "already there" when the text-layer characters whose centres lie inside the line's box
spell the same text (whitespace ignored, `SAME_TEXT` similarity, so a misread character or two does
not keep the copy). Same place and same text, not the same words anywhere on the page: a stamped
秘密 beside a sentence that mentions 秘密 is kept.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the OCR engine is an optional component: nothing of it is imported here
    from app.ocr.engine import OcrLine, OcrPage

Box = tuple[float, float, float, float]

#: Similarity (difflib ratio) at which an OCR line counts as the text layer's own text.
SAME_TEXT = 0.8
#: Slack around an OCR line's box when collecting text-layer characters, in PDF points.
SLACK = 2.0

LayerChar = tuple[str, Box]          # a character and its box: PDF points, origin top-left, y down


def layer_chars(page: Any) -> list[LayerChar]:
    """The text-layer characters of a pypdfium2 page with their boxes in the page-image frame the
    OCR boxes use (points from the crop box's top-left, y down). Empty for a rotated page (its
    boxes would need rotating; OCR lines there are all kept). The caller holds PDFIUM_LOCK."""
    if page.get_rotation() % 360:
        return []
    left, _bottom, _right, top = page.get_cropbox()
    textpage = page.get_textpage()
    try:
        out: list[LayerChar] = []
        for index in range(textpage.count_chars()):
            ch = textpage.get_text_range(index, 1)
            if not ch or ch.isspace():
                continue
            x0, y0, x1, y1 = textpage.get_charbox(index)
            out.append((ch, (x0 - left, top - y1, x1 - left, top - y0)))
        return out
    finally:
        textpage.close()


def drop_known_lines(ocr: OcrPage, chars: list[LayerChar], scale: float) -> OcrPage:
    """`ocr` without the lines the text layer already has at the same place. `scale`: image
    pixels per PDF point."""
    if not chars:
        return ocr
    kept = tuple(line for line in ocr.lines if not _known(line, chars, scale))
    unsure = tuple(line for line in ocr.dropped if not _known(line, chars, scale))
    if len(kept) == len(ocr.lines) and len(unsure) == len(ocr.dropped):
        return ocr
    return replace(ocr, lines=kept, dropped=unsure)


def _known(line: OcrLine, chars: list[LayerChar], scale: float) -> bool:
    x0, y0, x1, y1 = (v / scale for v in line.box)
    x0, y0, x1, y1 = x0 - SLACK, y0 - SLACK, x1 + SLACK, y1 + SLACK
    inside = "".join(ch for ch, (a, b, c, d) in chars if x0 <= (a + c) / 2 <= x1 and y0 <= (b + d) / 2 <= y1)
    read = "".join(ch for ch in line.text if not ch.isspace())
    if not inside or not read:
        return False
    return SequenceMatcher(None, read, inside, autojunk=False).ratio() >= SAME_TEXT
