"""The PDF reader on PDFs written with reportlab (Chinese CID font)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.errors import ReadError
from app.model import Part
from app.readers import read_document
from app.readers.pdf import char_rects, page_list, render_page
from tests import builders as b


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return b.build_text_pdf(tmp_path_factory.mktemp("pdf") / "text.pdf", author="办公室 李某")


def test_pages_extract_chinese(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    assert doc.format == "pdf" and doc.pages == 3
    pages = [s for s in doc.segments if s.location.part is Part.PAGE]
    assert [s.location.page for s in pages] == [1, 2, 3]
    for seg, expected in zip(pages, b.PDF_PAGES, strict=True):
        assert seg.text.strip() == expected
        assert seg.soft_breaks
    assert doc.notices == ()


def test_page_text_index_is_pdfium_char_index(text_pdf: Path) -> None:
    import pypdfium2 as pdfium

    doc = read_document(text_pdf)
    pdf = pdfium.PdfDocument(str(text_pdf))
    try:
        textpage = pdf[1].get_textpage()
        seg = doc.segments[1]
        assert len(seg.text) == textpage.count_chars()
        for i, ch in enumerate(seg.text):
            assert chr(pdfium.raw.FPDFText_GetUnicode(textpage, i)) == ch
    finally:
        pdf.close()


def test_metadata_author(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    meta = {s.location.label: s.text for s in doc.segments if s.location.part is Part.METADATA}
    assert meta.get("pdf:author") == "办公室 李某"


def test_scanned_pages_give_notice(tmp_path: Path) -> None:
    doc = read_document(b.build_scanned_pdf(tmp_path / "scan.pdf"))
    assert doc.pages == 3
    assert [n.code for n in doc.notices] == ["no_text_layer"]
    notice = doc.notices[0]
    assert notice.pages == (2, 3)
    assert notice.message.startswith("第2、3页没有文字层")


def test_page_list_wording() -> None:
    assert page_list([1]) == "第1页"
    assert page_list([2, 3]) == "第2、3页"
    assert page_list([1, 2, 3, 5]) == "第1–3、5页"


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = b.build_text_pdf(tmp_path / "locked.pdf", encrypt="secret")
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "encrypted"
    assert "密码" in err.value.message


def test_truncated_pdf_is_corrupt(tmp_path: Path, text_pdf: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(text_pdf.read_bytes()[:300])
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "corrupt"


def test_not_a_pdf_with_pdf_suffix(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("这不是 PDF", encoding="utf-8")
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "corrupt"


def test_char_rects_cover_a_finding(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    seg = doc.segments[0]
    index = seg.text.index("信息公开")
    rects = char_rects(text_pdf, 1, index, 4)
    assert len(rects) == 1
    left, bottom, right, top = rects[0]
    assert 72 <= left < right and bottom < top
    assert char_rects(text_pdf, 1, 10_000, 5) == []


def test_render_page(text_pdf: Path) -> None:
    page = render_page(text_pdf, 1, scale=0.5)
    assert page.width == round(page.page_width * 0.5)
    assert len(page.data) == page.stride * page.height
    with pytest.raises(ValueError):
        render_page(text_pdf, 9)


def test_hundred_pages_read_fast(tmp_path: Path) -> None:
    """Timing with reportlab's non-embedded STSong font, which pdfium must substitute on every
    page (about 15 ms a page); PDFs with embedded fonts read in well under 0.1 s."""
    path = b.build_big_pdf(tmp_path / "big.pdf", pages=100)
    start = time.perf_counter()
    doc = read_document(path)
    elapsed = time.perf_counter() - start
    assert doc.pages == 100
    assert elapsed < 5.0, f"100-page pdf took {elapsed:.3f}s"
