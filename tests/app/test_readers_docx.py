"""The docx reader on real files built by tests/builders.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.errors import ReadError
from app.model import Document, Part
from app.readers import read_document
from tests import builders as b


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_document(b.build_docx(tmp_path_factory.mktemp("docx") / "rich.docx"))


def _only(doc: Document, text: str):  # type: ignore[no-untyped-def]
    found = [s for s in doc.segments if text in s.text]
    assert len(found) == 1, f"{text!r} found in {len(found)} segments: {found}"
    return found[0]


def test_format_hash_and_offsets(rich: Document, tmp_path: Path) -> None:
    assert rich.format == "docx"
    assert len(rich.sha256) == 64
    for seg in rich.segments:
        assert rich.text[seg.start:seg.end] == seg.text


def test_body_paragraphs_in_order(rich: Document) -> None:
    body = [s for s in rich.segments if s.location.part is Part.BODY]
    assert body[0].text == b.BODY_TEXT
    assert body[0].location.paragraph == 1
    assert [s.location.paragraph for s in body] == sorted(s.location.paragraph or 0 for s in body)


def test_table_and_nested_table(rich: Document) -> None:
    outer = _only(rich, b.OUTER_CELL)
    assert outer.location.part is Part.TABLE
    assert (outer.location.table, outer.location.cell) == (1, "R1C1")
    nested = _only(rich, b.NESTED_CELL)
    assert nested.location.part is Part.TABLE
    assert (nested.location.table, nested.location.cell) == (2, "R1C2")
    assert outer.location.paragraph == 1  # after body paragraph 1


def test_headers_footers_with_first_page_variant(rich: Document) -> None:
    first = _only(rich, b.FIRST_HEADER)
    assert first.location.part is Part.HEADER and first.location.label == "第1节 首页页眉"
    default = _only(rich, b.DEFAULT_HEADER)
    assert default.location.label == "第1节 页眉"
    footer = _only(rich, b.FOOTER_TEXT)
    assert footer.location.part is Part.FOOTER and footer.location.label == "第1节 页脚"


def test_footnote_points_at_its_paragraph(rich: Document) -> None:
    note = _only(rich, b.FOOTNOTE_TEXT)
    assert note.location.part is Part.FOOTNOTE
    assert note.location.label == "脚注1"
    host = _only(rich, "正文带脚注")
    assert note.location.paragraph == host.location.paragraph


def test_text_box_read_once_not_from_fallback(rich: Document) -> None:
    box = _only(rich, b.TEXTBOX_TEXT)
    assert box.location.part is Part.TEXTBOX
    assert rich.text.count(b.TEXTBOX_TEXT) == 1
    assert _only(rich, "正文带文本框").text == "正文带文本框"


def test_comment_with_author(rich: Document) -> None:
    comment = _only(rich, b.COMMENT_TEXT)
    assert comment.location.part is Part.COMMENT
    assert comment.location.label == f"批注 作者：{b.COMMENT_AUTHOR}"
    assert comment.location.paragraph == _only(rich, "批注所在段落").location.paragraph


def test_tracked_changes_are_separate_segments(rich: Document) -> None:
    host = _only(rich, "修订前文字")
    assert host.text == "修订前文字。修订后文字。"
    ins = _only(rich, b.INSERTED_TEXT)
    assert ins.location.part is Part.INSERTION and ins.text == b.INSERTED_TEXT
    deleted = _only(rich, b.DELETED_TEXT)
    assert deleted.location.part is Part.DELETION
    assert ins.location.paragraph == deleted.location.paragraph == host.location.paragraph


def test_hidden_run_is_separate(rich: Document) -> None:
    hidden = _only(rich, b.HIDDEN_TEXT)
    assert hidden.location.part is Part.HIDDEN
    assert _only(rich, "可见文字").text == "可见文字"


def test_metadata_only_non_empty(rich: Document) -> None:
    meta = {s.location.label: s.text for s in rich.segments if s.location.part is Part.METADATA}
    assert meta["core:author"] == b.CORE_AUTHOR
    assert meta["core:title"] == b.CORE_TITLE
    assert meta["app:Company"] == b.COMPANY
    assert meta["app:Manager"] == b.MANAGER
    assert "core:last_modified_by" not in meta
    assert all(v.strip() for v in meta.values())


def test_every_text_exactly_once(rich: Document) -> None:
    for text in (b.BODY_TEXT, b.FIRST_HEADER, b.FOOTER_TEXT, b.NESTED_CELL, b.FOOTNOTE_TEXT, b.COMMENT_TEXT,
                 b.INSERTED_TEXT, b.DELETED_TEXT, b.HIDDEN_TEXT, b.CORE_AUTHOR):
        assert rich.text.count(text) == 1, text


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        read_document(b.build_truncated_docx(tmp_path / "cut.docx"))
    assert err.value.code == "corrupt"
    assert "损坏" in err.value.message


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        read_document(b.build_zip_bomb(tmp_path / "bomb.docx"))
    assert err.value.code == "zip_bomb"


def test_too_many_entries_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        read_document(b.build_many_entries_zip(tmp_path / "many.docx"))
    assert err.value.code == "zip_bomb"


def test_malformed_xml(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        read_document(b.build_malformed_docx(tmp_path / "bad.docx"))
    assert err.value.code == "malformed_xml"
    assert "XML" in err.value.message


def test_crc_damage_is_corrupt(tmp_path: Path) -> None:
    path = b.build_simple_docx(tmp_path / "crc.docx", ["一段足够长的文字" * 50])
    data = bytearray(path.read_bytes())
    start = data.find(b"word/document.xml") + len("word/document.xml") + 20  # inside the compressed data
    data[start] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code in ("corrupt", "malformed_xml")


def test_xlsx_renamed_docx_reads_as_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    path.write_bytes(b.build_xlsx(tmp_path / "x.xlsx").read_bytes())
    assert read_document(path).format == "xlsx"


def test_hundred_pages_read_fast(tmp_path: Path) -> None:
    path = b.build_big_docx(tmp_path / "big.docx", pages=100)
    read_document(path)  # warm imports
    start = time.perf_counter()
    doc = read_document(path)
    elapsed = time.perf_counter() - start
    assert doc.chars > 100_000
    assert elapsed < 1.0, f"100-page docx took {elapsed:.3f}s"


# --- layout for viewers (app.structure) ------------------------------------------------------

def test_layout_blocks_name_their_segments_and_leave_the_text_alone(tmp_path: Path) -> None:
    from tests.layout_docs import CENTERED, HEADER, HIDDEN, INSERTED, PAGE2_PHONE, TITLE, build_layout_docx

    doc = read_document(build_layout_docx(tmp_path / "layout.docx"))
    structure = doc.structure
    assert structure is not None
    for block in structure.blocks:             # each block is exactly its segment's span
        seg = doc.segments[block.segment]
        assert (block.start, block.end) == (seg.start, seg.end)
        assert doc.text[block.start:block.end] == seg.text

    def block(text: str):  # type: ignore[no-untyped-def]
        found = structure.block(doc.segments.index(_only(doc, text)))
        assert found is not None
        return found

    title = block(TITLE)
    assert title.kind == "heading" and title.style.heading == 1
    centered = block(CENTERED)
    assert centered.style.bold and centered.style.alignment == "center" and centered.style.size == 16
    assert [block(t).style.list_label for t in ("第一项工作", "第二项工作")] == ["1.", "2."]
    cell = block("13905612345")
    assert (cell.kind, cell.table, cell.row, cell.col) == ("cell", 1, 2, 3)
    assert structure.table_shapes[1].rows == 2 and structure.table_shapes[1].cols == 3
    assert block(HEADER).kind == "header"
    # page numbers from the hard page break; the paragraph's number on its page
    assert structure.pages == 2
    assert (block(PAGE2_PHONE).page, block(PAGE2_PHONE).page_paragraph) == (2, 2)
    assert title.page == 1
    # the insertion, hidden run and comment are anchored in their paragraph, at the right offset
    inserted, hidden = block(INSERTED), block(HIDDEN)
    host = doc.segments[inserted.host or 0]
    assert host.text == "请联系经办人核实。" and inserted.anchor == len(host.text)
    assert doc.segments[hidden.host or 0].text == "可见文字" and hidden.anchor == 4
    comment = block("此处手机号须删去")
    assert comment.kind == "comment" and comment.host == inserted.host and comment.anchor == len("请联系")


def test_layout_pages_only_where_the_file_has_page_breaks(rich: Document) -> None:
    assert rich.structure is not None
    assert rich.structure.pages is None
    assert all(b.page is None for b in rich.structure.blocks)


def test_runs_formatted_unlike_their_paragraph_become_spans(tmp_path: Path) -> None:
    from tests.layout_docs import BIG, BOLD_RUN, CELL_BOLD, NOTE_TEXT, UNDERLINED, build_runs_docx

    path = build_runs_docx(tmp_path / "runs.docx")
    doc = read_document(path)
    assert doc.structure is not None
    plain = read_document(path)   # the text never depends on the layout
    assert [s.text for s in doc.segments] == [s.text for s in plain.segments]
    for i, seg in enumerate(doc.segments):
        block = doc.structure.block(i)
        for span in block.spans if block else ():
            assert 0 <= span.start < span.end <= len(seg.text)

    def spans_of(text: str):  # type: ignore[no-untyped-def]
        seg = _only(doc, text)
        block = doc.structure.block(doc.segments.index(seg))
        assert block is not None
        return seg, [(seg.text[s.start:s.end], s.bold, s.italic, s.underline, s.size) for s in block.spans]

    seg, spans = spans_of(BOLD_RUN)
    assert seg.text == f"请与{BOLD_RUN}联系。"
    assert spans == [(BOLD_RUN, True, False, False, None)]          # the neighbours are not spans
    assert doc.structure.block(doc.segments.index(seg)).style.bold is False   # type: ignore[union-attr]
    _, spans = spans_of(UNDERLINED)
    assert spans == [(UNDERLINED, False, False, True, None), ("斜体", False, True, False, None),
                     (BIG, False, False, False, 20.0)]
    _, spans = spans_of(CELL_BOLD)
    assert spans == [(CELL_BOLD, True, False, False, None)]
    # the footnote names where its reference mark sits, like a comment
    note = _only(doc, NOTE_TEXT)
    block = doc.structure.block(doc.segments.index(note))
    assert block is not None and block.kind == "note" and block.host is not None and block.anchor is not None
    host = doc.segments[block.host]
    assert host.text[:block.anchor] == "统计数据" and host.text[block.anchor:] == "见附表。"
