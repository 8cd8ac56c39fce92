"""The plain-text reader: encodings and line numbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ReadError
from app.model import Part
from app.readers import read_document
from tests import builders as b

TEXT = "关于印发《政府信息公开工作考核办法》的通知\n\n各县（市、区）人民政府：\r\n  现将办法印发给你们。\n"


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("gbk", False, "gb18030"),
    ("gb18030", False, "gb18030"),
    ("utf-8", False, "utf-8"),
    ("utf-8", True, "utf-8-sig"),
    ("utf-16", False, "utf-16"),      # Python's utf-16 codec writes a BOM
])
def test_encodings(tmp_path: Path, encoding: str, bom: bool, expected: str) -> None:
    doc = read_document(b.build_txt(tmp_path / "a.txt", TEXT, encoding, bom=bom))
    assert doc.format == "txt"
    assert doc.encoding == expected
    assert [s.text for s in doc.segments] == ["关于印发《政府信息公开工作考核办法》的通知", "各县（市、区）人民政府：",
                                             "  现将办法印发给你们。"]


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    doc = read_document(b.build_txt(tmp_path / "a.txt", TEXT, "utf-8"))
    assert [s.location.paragraph for s in doc.segments] == [1, 3, 4]
    assert all(s.location.part is Part.BODY for s in doc.segments)


def test_utf16_without_bom(tmp_path: Path) -> None:
    doc = read_document(b.build_txt(tmp_path / "a.txt", TEXT, "utf-16-le"))
    assert doc.encoding == "utf-16-le"
    assert doc.segments[0].text.startswith("关于印发")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    doc = read_document(path)
    assert doc.segments == () and doc.chars == 0


def test_binary_is_decode_failed(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "decode_failed"
    assert "编码" in err.value.message
