"""Partial-disclosure copies of docx, xlsx, txt and html: every part of the package checked as raw
XML and with python-docx; comments, revisions, hidden text and personal properties gone; a copy a
gate refuses is not written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from app.redact.match import squeeze
from app.redact.model import GateError, Withheld
from app.redact.service import redact_file
from tests.redact_docs import (
    AUTHOR,
    BODY_KEPT,
    COMMENT,
    DELETED,
    HEADER,
    HIDDEN,
    ID_NUMBER,
    INSERTED,
    MARK,
    PHONE,
    add_zip_member,
    build_redact_docx,
)

WITHHELD = [Withheld(ID_NUMBER, "f1", "personal_info", "high"), Withheld(PHONE, "f2", "personal_info", "medium"),
            Withheld(MARK, "f3", "secret_mark", "block")]


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8", errors="replace") for n in zf.namelist()}


def _xml_text(xml: str) -> str:
    return squeeze(re.sub(r"<[^>]+>", "", xml)) + xml


def test_docx_copy_rewrites_every_part(tmp_path: Path) -> None:
    import docx

    src = build_redact_docx(tmp_path / "notice.docx")
    assert any("thumbnail" in n for n in _parts(src))
    out = tmp_path / "public.docx"
    result = redact_file(src, WITHHELD, out)
    parts = _parts(out)
    for name, xml in parts.items():
        for s in (ID_NUMBER, PHONE, MARK, COMMENT, INSERTED, HIDDEN, AUTHOR):
            assert s not in _xml_text(xml), (name, s)
        for tag in ("w:comment ", "w:commentReference", "w:ins ", "w:del ", "w:vanish", "w:delText"):
            assert tag not in xml, (name, tag)
    assert not any("thumbnail" in n.lower() for n in parts)
    # refused revisions: the deletion is back as ordinary text, the insertion is gone
    d = docx.Document(str(out))
    body = "\n".join(p.text for p in d.paragraphs)
    assert DELETED in body and INSERTED not in body
    assert BODY_KEPT in body
    assert "联系人身份证号" + "■" * len(ID_NUMBER) + "，请核对。" in body     # same length, split runs
    assert f"联系电话{'■' * len(PHONE)}。" in body
    assert d.sections[0].header.paragraphs[0].text == HEADER.replace(MARK, "■" * len(MARK))
    props = d.core_properties
    assert props.author == "" and props.last_modified_by == ""
    assert PHONE not in (props.title or "")
    codes = {a.code for a in result.actions}
    assert {"comments_removed", "revisions_removed", "hidden_removed", "metadata_cleared", "thumbnail_removed",
            "text_masked"} <= codes


def test_docx_revisions_can_be_accepted(tmp_path: Path) -> None:
    import docx

    src = build_redact_docx(tmp_path / "n.docx")
    out = tmp_path / "o.docx"
    redact_file(src, WITHHELD[:1], out, revisions="accept")
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert INSERTED in body and DELETED not in body


def test_gate_refuses_a_copy_with_text_the_rewriter_cannot_reach(tmp_path: Path) -> None:
    """A binary part (an embedded object) holding the ID number in UTF-16: the rewriter masks
    XML only, the raw-bytes gate finds it, and no file is written."""
    src = add_zip_member(build_redact_docx(tmp_path / "n.docx"), "word/embeddings/oleObject1.bin",
                         b"\xd0\xcf" + ID_NUMBER.encode("utf-16-le"))
    out = tmp_path / "o.docx"
    with pytest.raises(GateError) as err:
        redact_file(src, WITHHELD, out)
    assert "未生成文件" in err.value.message and "oleObject1.bin" in err.value.message
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.docx"]      # no temp file left behind


def test_xlsx_copy_replaces_cells_and_drops_comments_and_hidden_sheets(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "名单"
    ws["A1"] = "联系电话"
    ws["B1"] = int(PHONE)                               # a number cell
    ws["A2"] = f"身份证号 {ID_NUMBER}"
    ws["A2"].comment = Comment("批注：内部名单", "统计科")
    ws["A3"] = "公开内容"
    hidden = wb.create_sheet("内部")
    hidden["A1"] = "隐藏表内容"
    hidden.sheet_state = "hidden"
    wb.properties.creator = AUTHOR
    src = tmp_path / "list.xlsx"
    wb.save(str(src))
    out = tmp_path / "list-public.xlsx"
    result = redact_file(src, WITHHELD[:2], out)
    for name, xml in _parts(out).items():
        for s in (ID_NUMBER, PHONE, "批注：内部名单", "隐藏表内容", AUTHOR):
            assert s not in _xml_text(xml), (name, s)
    back = openpyxl.load_workbook(str(out))
    assert back.sheetnames == ["名单"]
    sheet = back["名单"]
    assert sheet["B1"].value == "■" * len(PHONE)
    assert sheet["A2"].value == "身份证号 " + "■" * len(ID_NUMBER)
    assert sheet["A3"].value == "公开内容" and sheet["A2"].comment is None
    assert {"cells_replaced", "comments_removed", "hidden_sheets_removed"} <= {a.code for a in result.actions}


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_txt_copy_keeps_encoding_and_layout(tmp_path: Path, encoding: str) -> None:
    text = f"通知\n联系人身份证号{ID_NUMBER[:9]}\n{ID_NUMBER[9:]}，电话 {PHONE}。\n其余照常。\n"
    src = tmp_path / "a.txt"
    src.write_bytes(text.encode(encoding))
    out = tmp_path / "b.txt"
    redact_file(src, WITHHELD[:2], out)
    back = out.read_bytes().decode(encoding)
    assert back == text.replace(ID_NUMBER[:9], "■" * 9).replace(ID_NUMBER[9:], "■" * 9).replace(PHONE, "■" * 11)


def test_html_copy_masks_text_attributes_and_references(tmp_path: Path) -> None:
    page = (f'<html><head><meta charset="utf-8"><title>电话{PHONE}</title></head><body>'
            f'<p>身份证号{ID_NUMBER[:4]}&#x{ord(ID_NUMBER[4]):x};{ID_NUMBER[5:]}</p>'
            f'<img alt="{PHONE}" src="a.png"><!-- 内部：{PHONE} --><p>其余照常</p></body></html>')
    src = tmp_path / "a.html"
    src.write_text(page, encoding="utf-8")
    out = tmp_path / "b.html"
    redact_file(src, WITHHELD[:2], out)
    back = out.read_text(encoding="utf-8")
    assert PHONE not in back and ID_NUMBER[5:] not in back and "<!--" not in back and "其余照常" in back


def test_output_must_keep_the_format_suffix(tmp_path: Path) -> None:
    from app.redact.model import RedactError

    src = build_redact_docx(tmp_path / "n.docx")
    with pytest.raises(RedactError, match=r"扩展名应为 \.docx"):
        redact_file(src, WITHHELD, tmp_path / "n.pdf")
    assert not (tmp_path / "n.pdf").exists()
