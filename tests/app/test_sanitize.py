"""Clean publishing copies (`app.sanitize`): what the Document Inspector removes, item by item,
checked in the raw parts of the result."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest

from app.model import Part
from app.readers import read_document
from app.redact.model import RedactError
from app.sanitize.service import sanitize_file
from tests.redact_docs import (
    ANNOT_TEXT,
    AUTHOR,
    COMMENT,
    DELETED,
    HIDDEN,
    ID_NUMBER,
    INSERTED,
    build_redact_docx,
    build_redact_pdf,
)


def _raw(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


@pytest.mark.parametrize("mode", ["reject", "accept"])
def test_docx_clean_copy(tmp_path: Path, mode: str) -> None:
    src = build_redact_docx(tmp_path / "draft.docx")
    out = tmp_path / "clean.docx"
    result = sanitize_file(src, out, revisions=mode)
    raw = _raw(out)
    for gone in (COMMENT, HIDDEN, AUTHOR, "w:ins ", "w:del ", "w:vanish", "w:commentReference"):
        assert gone not in raw
    kept, dropped = (DELETED, INSERTED) if mode == "reject" else (INSERTED, DELETED)
    assert kept in raw and dropped not in raw
    assert ID_NUMBER in read_document(out).text  # sanitizing withholds nothing from the visible text
    with zipfile.ZipFile(out) as zf:
        assert not any("thumbnail" in n.lower() for n in zf.namelist())
    doc = read_document(out)
    assert not [s for s in doc.segments if s.location.part in (Part.COMMENT, Part.INSERTION, Part.DELETION, Part.HIDDEN)]
    codes = [a.code for a in result.actions]
    assert {"comments_removed", "revisions_removed", "hidden_removed", "metadata_cleared", "thumbnail_removed"} <= set(codes)
    assert result.revisions == mode


def test_pdf_clean_copy(tmp_path: Path) -> None:
    src = build_redact_pdf(tmp_path / "draft.pdf")
    out = tmp_path / "clean.pdf"
    result = sanitize_file(src, out)
    with pikepdf.open(out) as pdf:
        assert "/Info" not in pdf.trailer
        assert not ({"/Metadata", "/Outlines", "/Names", "/OpenAction", "/AF"} & set(pdf.Root.keys()))
        assert "/Annots" not in pdf.pages[0].obj
        raw = b"".join(o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream))
    assert ANNOT_TEXT.encode("utf-16-be") not in raw and AUTHOR.encode("utf-8") not in raw
    assert ID_NUMBER in read_document(out).text       # the page text is untouched
    assert {"info_removed", "xmp_removed", "annotations_removed", "outline_removed", "open_action_removed"} <= {
        a.code for a in result.actions}


def test_plain_text_and_same_file_are_refused(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("通知", encoding="utf-8")
    with pytest.raises(RedactError, match="清理只适用于"):
        sanitize_file(txt, tmp_path / "b.txt")
    doc = build_redact_docx(tmp_path / "d.docx")
    with pytest.raises(RedactError, match="不能与原文件相同"):
        sanitize_file(doc, doc)
    assert not (tmp_path / "b.txt").exists()


def test_xlsx_clean_copy(tmp_path: Path) -> None:
    import openpyxl

    from tests.builders import XLSX_COMMENT, build_xlsx

    src = build_xlsx(tmp_path / "report.xlsx")
    out = tmp_path / "clean.xlsx"
    result = sanitize_file(src, out)
    wb = openpyxl.load_workbook(str(out))
    assert wb.sheetnames == ["月报", "附表"]                      # the hidden sheet "内部" is gone
    assert wb["月报"]["B2"].comment is None and wb["月报"]["B2"].value == 845.2
    assert wb.properties.creator in (None, "")
    raw = _raw(out)
    assert XLSX_COMMENT not in raw and "隐藏表内容" not in raw and "统计科 王某" not in raw
    assert {"comments_removed", "hidden_sheets_removed", "metadata_cleared"} <= {a.code for a in result.actions}
