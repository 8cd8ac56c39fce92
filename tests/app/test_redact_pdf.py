"""Partial-disclosure copies of PDFs, checked from outside: pypdfium2, pdfplumber and the raw
decompressed bytes of every stream (pikepdf) hold none of the withheld strings (nor do the
ToUnicode maps), no character sits inside a box, the other text is still extractable, the
document information, XMP, annotations, outline, attachments and JavaScript are gone, and the
page outside the boxes renders as before."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from app.redact.match import squeeze
from app.redact.model import Box, GateError, Region, Withheld
from app.redact.pdf_fonts import parse_tounicode
from app.redact.service import redact_file
from tests.redact_docs import (
    ANNOT_TEXT,
    AUTHOR,
    ID_NUMBER,
    KEPT,
    MARK,
    PHONE,
    build_image_pdf,
    build_redact_pdf,
)

WITHHELD = (Withheld(ID_NUMBER, "f1", "personal_info", "high"), Withheld(PHONE, "f2", "personal_info", "medium"),
            Withheld(f"密级：{MARK}", "f3", "secret_mark", "block"))
STRINGS = [w.text for w in WITHHELD]


def _pdfium_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _plumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join((p.extract_text() or "") + "".join(c["text"] for c in p.chars) for p in pdf.pages)


def _raw_streams(path: Path) -> list[bytes]:
    out = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                out.append(obj.read_bytes())
            elif isinstance(obj, pikepdf.Dictionary):
                out.append(repr(obj).encode("utf-8"))
    return out


def _tounicode_chars(path: Path) -> set[str]:
    chars: set[str] = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
                mapping, _ = parse_tounicode(obj.ToUnicode.read_bytes())
                chars.update("".join(mapping.values()))
    return chars


def _render(path: Path, scale: float = 2.0) -> tuple[bytes, int, int]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        img = pdf[0].render(scale=scale).to_pil().convert("L")
        return img.tobytes(), img.width, img.height
    finally:
        pdf.close()


def _diff_outside(before: Path, after: Path, boxes: tuple[Box, ...], page_height: float = 841.8898,
                  scale: float = 2.0) -> float:
    a, w, h = _render(before, scale)
    b, w2, h2 = _render(after, scale)
    assert (w, h) == (w2, h2)
    inside = [(int(bx.left * scale) - 2, int((page_height - bx.top) * scale) - 2,
               int(bx.right * scale) + 2, int((page_height - bx.bottom) * scale) + 2) for bx in boxes]
    changed = outside = 0
    for y in range(h):
        row = y * w
        for x in range(0, w, 2):
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in inside):
                continue
            outside += 1
            if abs(a[row + x] - b[row + x]) > 40:
                changed += 1
    return changed / outside


def _assert_no_leak(path: Path, strings: list[str]) -> None:
    for text in (_pdfium_text(path), _plumber_text(path)):
        for s in strings:
            assert squeeze(s) not in squeeze(text)
    raws = _raw_streams(path)
    for s in strings:
        for enc in ("utf-8", "utf-16-be"):
            assert not any(squeeze(s).encode(enc) in raw for raw in raws), (s, enc)


def test_pdf_copy_removes_text_and_everything_around_it(tmp_path: Path) -> None:
    src = build_redact_pdf(tmp_path / "notice.pdf")
    out = tmp_path / "public.pdf"
    result = redact_file(src, WITHHELD, out)
    assert out.is_file() and result.rasterised == ()
    _assert_no_leak(out, [*STRINGS, ANNOT_TEXT, AUTHOR, "书签", "XMP 描述"])

    remaining = _pdfium_text(out)
    for kept in KEPT:
        assert kept in remaining                      # other text still selectable
    assert "联系人身份证号" in remaining and "，工作日可拨打。" in remaining
    # ToUnicode maps only the characters still shown (no digit, no 机/★ left in any map)
    leftover = _tounicode_chars(out)
    assert leftover <= set(remaining)
    assert not (set("0123456789X★") & leftover)
    # no extractable character inside any redaction box (checked here independently of the gate)
    pdf = pdfium.PdfDocument(str(out))
    tp = pdf[0].get_textpage()
    for k in range(tp.count_chars()):
        if not tp.get_text_range(k, 1).strip():
            continue                                  # the gap pdfium reports where text was taken out
        left, bottom, right, top = tp.get_charbox(k)
        cx, cy = (left + right) / 2, (bottom + top) / 2
        assert not any(b.left < cx < b.right and b.bottom < cy < b.top for b in result.boxes[1]), tp.get_text_range(k, 1)
    pdf.close()
    with pikepdf.open(out) as p:
        assert "/Info" not in p.trailer
        for key in ("/Metadata", "/Outlines", "/Names", "/OpenAction", "/AcroForm"):
            assert key not in p.Root
        assert "/Annots" not in p.pages[0].obj
    # nothing else moved: pixels outside the boxes (3 boxes) differ on < 0.1 %
    assert len(result.boxes[1]) == 3
    assert _diff_outside(src, out, result.boxes[1]) < 0.001
    codes = {a.code for a in result.actions}
    assert {"text_removed", "info_removed", "xmp_removed", "annotations_removed", "tounicode_scrubbed",
            "glyphs_scrubbed", "attachments_removed"} <= codes


def test_boxes_are_painted_black(tmp_path: Path) -> None:
    src = build_redact_pdf(tmp_path / "n.pdf", extras=False)
    result = redact_file(src, WITHHELD[:1], tmp_path / "o.pdf")
    data, w, _h = _render(tmp_path / "o.pdf", 1.0)
    box = result.boxes[1][0]
    cx, cy = int((box.left + box.right) / 2), int(841.8898 - (box.bottom + box.top) / 2)
    assert data[cy * w + cx] < 30


def test_cid_font_with_gbk_euc_encoding_is_rasterised(tmp_path: Path) -> None:
    from tests.redact_docs import to_gbk_euc

    src = to_gbk_euc(build_redact_pdf(tmp_path / "cid.pdf", extras=False, cid_font=True, pagesize=(420.0, 200.0)))
    assert ID_NUMBER in _pdfium_text(src)
    out = tmp_path / "cid-public.pdf"
    result = redact_file(src, WITHHELD[:2], out, ocr="off")   # OCR of the raster: tests/app/test_redact_ocr.py
    assert result.rasterised == (1,)
    assert any(a.code == "page_rasterised" and "GBK-EUC-H" in a.message for a in result.actions)
    _assert_no_leak(out, STRINGS[:2])
    assert _pdfium_text(out).strip() == ""            # the page is an image now, and says so


def test_type3_font_is_rasterised(tmp_path: Path) -> None:
    from tests.redact_docs import build_type3_pdf

    src = build_type3_pdf(tmp_path / "t3.pdf")
    assert PHONE in _pdfium_text(src)
    out = tmp_path / "t3-public.pdf"
    result = redact_file(src, WITHHELD[1:2], out, ocr="off")
    assert result.rasterised == (1,)
    assert any(a.code == "page_rasterised" and "Type3" in a.message for a in result.actions)
    _assert_no_leak(out, [PHONE])


def test_cid_font_with_ucs2_encoding_gets_widths_from_pdfium(tmp_path: Path) -> None:
    """STSong-Light with UniGB-UCS2-H (not embedded, as reportlab and many tools write it)."""
    src = build_redact_pdf(tmp_path / "cid.pdf", extras=False, cid_font=True)
    out = tmp_path / "cid-public.pdf"
    result = redact_file(src, WITHHELD, out)
    assert result.rasterised == ()
    _assert_no_leak(out, STRINGS)
    remaining = _pdfium_text(out)
    assert all(k in remaining for k in KEPT)
    assert _diff_outside(src, out, result.boxes[1]) < 0.001


def test_image_only_page_region_is_painted_in_the_image(tmp_path: Path) -> None:
    region_px = (200, 300, 600, 360)
    src = build_image_pdf(tmp_path / "scan.pdf", region_px, (300.0, 375.0))
    sx, sy = 300.0 / 800, 375.0 / 1000
    box = Box(region_px[0] * sx, 375.0 - region_px[3] * sy, region_px[2] * sx, 375.0 - region_px[1] * sy)
    out = tmp_path / "scan-public.pdf"
    result = redact_file(src, (), out, regions=[Region(1, box)], ocr="off")
    assert any(a.code == "image_painted" for a in result.actions) and result.rasterised == ()
    with pikepdf.open(out) as pdf:
        (image,) = pdf.pages[0].Resources.XObject.values()
        pil = pikepdf.PdfImage(image).as_pil_image().convert("L")
    # the pixels themselves are replaced, not covered: the block is black in the image data
    assert pil.getpixel((400, 330)) == 0 and pil.getpixel((210, 305)) == 0
    assert 50 < pil.getpixel((300, 730)) < 70          # the other block is untouched
    assert pil.getpixel((100, 100)) > 200
    assert _diff_outside(src, out, (box,), page_height=375.0) < 0.001


def test_string_not_in_document_is_refused_without_output(tmp_path: Path) -> None:
    from app.redact.model import RedactError

    src = build_redact_pdf(tmp_path / "n.pdf", extras=False)
    out = tmp_path / "o.pdf"
    with pytest.raises(RedactError) as err:
        redact_file(src, [Withheld("这句话不在文中")], out)
    assert "找不到" in err.value.message
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_gate_two_finds_a_character_left_inside_a_box(tmp_path: Path) -> None:
    """The second gate on its own: a box over text the rewriter was not asked to touch."""
    from app.redact.pdf_locate import chars_in_boxes, locate

    src = build_redact_pdf(tmp_path / "n.pdf", extras=False)
    boxes, found = locate(src, [PHONE])
    assert found == {PHONE}
    assert chars_in_boxes(src, boxes) == {1: PHONE}
    with pytest.raises(GateError):
        from app.redact.gates import pdf_gates
        from app.redact.service import _fail

        report = pdf_gates(src, [PHONE], boxes)
        assert not report.ok and report.pages == {1}
        raise _fail(report)


def test_font_program_keeps_only_the_glyphs_still_shown(tmp_path: Path) -> None:
    """The embedded TrueType subset: every glyph not reached from a code still shown is empty."""
    import struct

    from app.redact.pdf_glyphs import _cmap_lookup, _tables

    src = build_redact_pdf(tmp_path / "n.pdf", extras=False)
    out = tmp_path / "o.pdf"
    redact_file(src, WITHHELD, out)
    with pikepdf.open(out) as pdf:
        font = next(f for f in pdf.pages[0].Resources.Font.values() if f.get("/Subtype") == "/TrueType")
        mapping, _ = parse_tounicode(font.ToUnicode.read_bytes())
        tables = _tables(font.FontDescriptor.FontFile2.read_bytes())
    n = struct.unpack(">H", tables[b"maxp"][4:6])[0]
    loca = struct.unpack(f">{n + 1}I", tables[b"loca"][:4 * (n + 1)])
    lookup = _cmap_lookup(tables[b"cmap"])
    drawn = {g for g in range(n) if loca[g + 1] > loca[g]}
    assert drawn <= {0} | {lookup[c] for c in mapping}
    assert struct.unpack(">I", tables[b"post"][:4])[0] == 0x00030000      # no glyph names


def test_identity_h_cid_font_is_rewritten_not_rasterised(tmp_path: Path) -> None:
    """Type0 / Identity-H / CIDFontType2 (as Word and WPS write): two-byte codes, /W widths."""
    from tests.redact_docs import to_identity_h

    src = to_identity_h(build_redact_pdf(tmp_path / "word.pdf", extras=False))
    assert ID_NUMBER in _pdfium_text(src)
    with pikepdf.open(src) as pdf:
        assert any(f.get("/Subtype") == "/Type0" for f in pdf.pages[0].Resources.Font.values())
    out = tmp_path / "word-public.pdf"
    result = redact_file(src, WITHHELD, out)
    assert result.rasterised == ()
    _assert_no_leak(out, STRINGS)
    remaining = _pdfium_text(out)
    assert all(k in remaining for k in KEPT)
    assert _tounicode_chars(out) <= set(remaining)
    assert _diff_outside(src, out, result.boxes[1]) < 0.001
    assert {"text_removed", "tounicode_scrubbed", "glyphs_scrubbed"} <= {a.code for a in result.actions}


def test_unreadable_inputs_are_clear_errors_and_write_nothing(tmp_path: Path) -> None:
    from app.redact.model import RedactError
    from tests.builders import build_text_pdf

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    locked = build_text_pdf(tmp_path / "locked.pdf", encrypt="pw")
    for src, words in ((broken, "损坏"), (locked, "密码")):
        out = tmp_path / f"{src.stem}-out.pdf"
        with pytest.raises(RedactError) as err:
            redact_file(src, WITHHELD, out)
        assert words in err.value.message and not out.exists()


def test_image_too_large_to_decode_makes_the_page_an_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit stands for a 20,000 × 20,000 px scan: the page is rasterised (memory bounded by
    the page size), and the region is still black in the result."""
    from app.redact import pdf_images

    monkeypatch.setattr(pdf_images, "MAX_IMAGE_PIXELS", 10_000)
    src = build_image_pdf(tmp_path / "scan.pdf", (200, 300, 600, 360), (300.0, 375.0))
    box = Box(75.0, 240.0, 225.0, 262.0)
    out = tmp_path / "o.pdf"
    result = redact_file(src, (), out, regions=[Region(1, box)], ocr="off")
    assert result.rasterised == (1,)
    assert any(a.code == "page_rasterised" and "图像过大" in a.message for a in result.actions)
    data, w, _h = _render(out, 1.0)
    assert data[int(375.0 - 251) * w + 150] < 30


def test_actual_text_and_alt_text_are_dropped(tmp_path: Path) -> None:
    """Marked content may repeat the text (/ActualText inline, /Alt in /Properties): both go."""
    src = build_redact_pdf(tmp_path / "n.pdf", extras=False)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.contents_coalesce()
        body = page.obj.Contents.read_bytes()
        page.obj.Contents = pdf.make_stream(b"/Span <</ActualText (" + PHONE.encode() + b")>> BDC EMC\n" + body
                                            + b"\n/Figure /MC0 BDC EMC\n")
        page.Resources["/Properties"] = pikepdf.Dictionary(MC0=pikepdf.Dictionary(Alt=pikepdf.String(ID_NUMBER)))
        pdf.save(src)
    out = tmp_path / "o.pdf"
    redact_file(src, WITHHELD[:2], out)
    _assert_no_leak(out, STRINGS[:2])


@pytest.mark.parametrize("rotate", [90, 180])
def test_rotated_page_is_rewritten_in_user_space(tmp_path: Path, rotate: int) -> None:
    src = build_redact_pdf(tmp_path / "r.pdf", extras=False)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj["/Rotate"] = rotate
        pdf.save(src)
    out = tmp_path / "r-out.pdf"
    result = redact_file(src, WITHHELD, out)
    assert result.rasterised == ()
    _assert_no_leak(out, STRINGS)
    assert all(k in _pdfium_text(out) for k in KEPT)
    with pikepdf.open(out) as pdf:
        assert int(pdf.pages[0].obj.Rotate) == rotate
