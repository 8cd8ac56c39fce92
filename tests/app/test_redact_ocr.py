"""A scanned page (no text layer) in a partial-disclosure copy: the ID number MiShen read by OCR
is painted out of the page image itself, and the copy's gate — MiShen's reader, which reads the
page by OCR again — no longer finds it. Each recognised page costs one to two seconds; two are recognised (the scan, the copy)."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from app.readers import read_document
from app.redact.match import squeeze
from app.redact.model import Withheld
from app.redact.service import redact_file
from tests import ocr_builders as ob


def test_scanned_page_is_painted_where_ocr_read_the_number(tmp_path: Path) -> None:
    image, drawn = ob.scan_page([(ob.TITLE, (450, 400)), (ob.ID_LINE, (150, 600))], angle=0.0, noise=4.0)
    src = ob.image_pdf(tmp_path / "scan.pdf", [image], text_first_page=None)
    out = tmp_path / "scan-public.pdf"
    result = redact_file(src, [Withheld(ob.ID_NUMBER, "f1", "personal_info", "high")], out)
    assert any(a.code == "image_painted" for a in result.actions) and result.rasterised == ()
    (box,) = result.boxes[1]
    line = ob.to_points(drawn[ob.ID_LINE])                             # (left, top, right, bottom), y down
    assert line[0] + 100 < box.left < box.right <= line[2] + 5         # the number, not the label
    again = squeeze(read_document(out).text)
    assert ob.ID_NUMBER not in again and "联系人身份证号码" in again     # the label is still legible
    with pikepdf.open(out) as pdf:
        (xobj,) = pdf.pages[0].Resources.XObject.values()
        pil = pikepdf.PdfImage(xobj).as_pil_image().convert("L")
    k = pil.width / 595.2756
    cx, cy = int((box.left + box.right) / 2 * k), int((841.8898 - (box.bottom + box.top) / 2) * k)
    assert pil.getpixel((cx, cy)) == 0                                  # painted in the pixels


def test_image_file_is_painted_and_loses_its_metadata(tmp_path: Path) -> None:
    from PIL import Image, PngImagePlugin

    image, drawn = ob.scan_page([(ob.ID_LINE, (150, 100))], angle=0.0, noise=4.0)
    image = image.crop((0, 0, 1654, 300))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "法制科 李某")
    src = tmp_path / "photo.png"
    image.save(src, pnginfo=info)
    out = tmp_path / "photo-public.png"
    result = redact_file(src, [Withheld(ob.ID_NUMBER, "f1", "personal_info", "high")], out)
    assert {"image_painted", "metadata_cleared"} <= {a.code for a in result.actions}
    again = squeeze(read_document(out).text)
    assert ob.ID_NUMBER not in again and "联系人身份证号码" in again
    with Image.open(out) as back:
        assert "Author" not in back.info
        _x0, y0, x1, y1 = drawn[ob.ID_LINE]
        assert back.convert("L").getpixel((int(x1) - 40, int((y0 + y1) / 2))) == 0
