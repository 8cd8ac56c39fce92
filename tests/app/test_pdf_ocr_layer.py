"""OCR of a PDF page that also has a text layer (`--ocr on`): what the text layer already has at
the same place is not reported a second time; what only an image on the page shows is."""

from __future__ import annotations

from pathlib import Path

from app.model import Category
from app.ocr.engine import OcrLine, OcrPage
from app.ocr.options import OcrOptions
from app.readers.ocr_layer import drop_known_lines
from app.scan import Engine
from tests import ocr_builders as ob


def _line(text: str, box: tuple[float, float, float, float]) -> OcrLine:
    return OcrLine(text, box, 0.95)


def test_a_line_the_text_layer_has_at_the_same_place_is_dropped() -> None:
    scale = 2.0                                            # image pixels per point
    chars = [(ch, (100 + 10 * i, 100, 110 + 10 * i, 112)) for i, ch in enumerate("联系人电话一二三四五六七")]
    chars += [(ch, (100 + 10 * i, 300, 110 + 10 * i, 312)) for i, ch in enumerate("秘密事项另行通知")]
    same = _line("联系人电话一二三四五六七", (200, 200, 440, 224))
    misread = _line("联系人电话一二三四五六士", (200, 200, 440, 224))     # one character misread
    elsewhere = _line("联系人电话一二三四五六七", (200, 900, 440, 924))   # same words, another place
    stamp = _line("秘密★5年", (600, 600, 720, 630))                       # only in an image
    unsure_known = _line("秘密事项另", (200, 600, 300, 624))
    unsure_other = _line("秘密事项另", (300, 600, 370, 624))             # the layer has 行通知 there
    page = OcrPage(1000, 1400, (same, misread, elsewhere, stamp), dropped=(unsure_known, unsure_other))
    out = drop_known_lines(page, chars, scale)
    assert out.lines == (elsewhere, stamp)
    assert out.dropped == (unsure_other,)
    assert drop_known_lines(page, [], scale) is page


def _page_with_stamp(path: Path) -> Path:
    """A text page (an ID number in its text layer) with a secrecy mark stamped as an image."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.builders import _cjk_font

    stamp = Image.new("RGB", (640, 140), "white")
    ImageDraw.Draw(stamp).text((20, 20), ob.MARK, font=ob.cjk_font(90), fill="black")
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(_cjk_font(), 16)
    c.drawString(72, 760, ob.TITLE)
    c.drawString(72, 730, ob.ID_LINE)
    c.drawString(72, 700, ob.BODY)
    c.drawImage(ImageReader(stamp), 330, 520, width=192, height=42)
    c.showPage()
    c.save()
    return path


def test_ocr_on_reports_the_text_layer_once_and_the_stamp_too(tmp_path: Path) -> None:
    path = _page_with_stamp(tmp_path / "stamped.pdf")
    engine = Engine.load()
    off = engine.scan_file(path, ocr=OcrOptions("off"))
    on = engine.scan_file(path, ocr=OcrOptions("on"))
    assert off.error is None and on.error is None, (off.error, on.error)
    ids_off = [f for f in off.findings if f.text == ob.ID_NUMBER]
    ids_on = [f for f in on.findings if f.text == ob.ID_NUMBER]
    assert len(ids_off) == 1 and len(ids_on) == 1, [(f.text, f.location) for f in on.findings]
    assert ids_on[0].location.box is None                 # the text layer's, not OCR's copy
    assert not any(f.category is Category.SECRET_MARK for f in off.findings)
    marks = [f for f in on.findings if f.category is Category.SECRET_MARK]
    assert len(marks) == 1 and marks[0].location.box is not None, [(f.text, f.location) for f in on.findings]
    box = marks[0].location.box
    assert 320 < box[0] < box[2] < 540 and 230 < box[1] < box[3] < 340, box   # where the stamp is (y down)
    assert on.document is not None
    assert on.document.text.count(ob.TITLE) == 1          # the page's text is not doubled either


def test_auto_does_not_read_a_text_page(tmp_path: Path) -> None:
    path = _page_with_stamp(tmp_path / "stamped.pdf")
    report = Engine.load().scan_file(path, ocr=OcrOptions("auto"))
    assert report.error is None
    assert not any(f.location.box for f in report.findings)
