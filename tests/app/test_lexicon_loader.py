"""Lexicon files: every format, every error with its line number, BOM and GBK."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from app.errors import LexiconError
from app.lexicon.loader import default_lexicon_paths, load_lexicon_file
from app.model import Category, Severity

HEADER = "id,term,category,severity,basis,suggestion,note,allow,options\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_csv_with_meta_comments_aliases_and_options(tmp_path: Path) -> None:
    p = write(tmp_path, "my.csv", "# name: 测试词库\n# version: 3\n# 说明行\n" + HEADER
              + "w1,台湾政府,wording,medium,第八条(二),台湾当局,,,\n"
              + "# a comment in the middle\n"
              + "w2,赌 博,有害信息,禁止,第十五条,,,否,word|not_in_title\n"
              + "a1,打击赌博,harmful_content,,第十五条,,,是,\n")
    lx = load_lexicon_file(p)
    assert lx.info.name == "测试词库" and lx.info.version == "3" and lx.info.entries == 3
    import hashlib
    assert lx.info.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    w1, w2, a1 = lx.entries
    assert (w1.category, w1.severity, w1.suggestion) == (Category.WORDING, Severity.MEDIUM, "台湾当局")
    assert w2.category is Category.HARMFUL_CONTENT and w2.severity is Severity.BLOCK
    assert w2.options == frozenset({"word", "not_in_title"}) and not w2.allow
    assert a1.allow and a1.severity is Severity.LOW


def test_chinese_header_bom_and_defaults(tmp_path: Path) -> None:
    p = write(tmp_path, "zh.csv", "\ufeff编号,词条,类别,级别,依据,建议,说明,白名单,选项\n1,既往开来,错别字,提示,第二十六条,继往开来,,,\n")
    lx = load_lexicon_file(p)
    assert lx.info.name == "zh" and lx.info.version == "unversioned"
    assert lx.entries[0].id == "1" and lx.entries[0].category is Category.TYPO


def test_gbk_csv(tmp_path: Path) -> None:
    p = write(tmp_path, "gbk.csv", "编号,词条,类别,级别,依据\nx1,内部掌握,敏感词,高,第八条(五)\n", "gbk")
    assert load_lexicon_file(p).entries[0].term == "内部掌握"


def test_txt(tmp_path: Path) -> None:
    p = write(tmp_path, "words.txt", "# name: 自定义\n甲乙丙\n\n# comment\n丁戊\n甲乙丙\n")
    lx = load_lexicon_file(p)
    assert lx.info.name == "自定义"
    assert [e.term for e in lx.entries] == ["甲乙丙", "丁戊"]
    assert all(e.category is Category.SENSITIVE_TERM and e.severity is Severity.HIGH and e.basis == "自定义词表"
               for e in lx.entries)


def test_xlsx(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["# name: 表格词库"])
    ws.append(["编号", "词条", "类别", "级别", "依据", "建议", "说明", "白名单", "选项"])
    ws.append([1, "北朝鲜", "提法", "中", "第八条(二)", "朝鲜", None, None, None])
    ws.append(["a", "福利彩票", "harmful_content", None, "x", None, None, 1, None])
    p = tmp_path / "x.xlsx"
    wb.save(p)
    lx = load_lexicon_file(p)
    assert lx.info.name == "表格词库"
    assert [(e.id, e.term, e.allow) for e in lx.entries] == [("1", "北朝鲜", False), ("a", "福利彩票", True)]


@pytest.mark.parametrize(("body", "line", "fragment"), [
    ("x1,,wording,medium,b\n", 2, "词条为空"),
    ("x1,词,nonsense,medium,b\n", 2, "未知类别"),
    ("x1,词,wording,loud,b\n", 2, "未知级别"),
    ("x1,词,wording,medium,b\n# c\nx1,词二,wording,medium,b\n", 4, "重复"),
    ("x1,词,wording,medium,b,,,maybe,\n", 2, "白名单"),
])
def test_errors_name_file_and_line(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    p = write(tmp_path, "bad.csv", HEADER + body)
    with pytest.raises(LexiconError) as exc:
        load_lexicon_file(p)
    assert "bad.csv" in exc.value.message and f"第{line}行" in exc.value.message and fragment in exc.value.message


def test_missing_column(tmp_path: Path) -> None:
    p = write(tmp_path, "nocat.csv", "# name: x\nid,term,severity\n1,词,high\n")
    with pytest.raises(LexiconError, match=r"nocat\.csv 第2行.*category（类别）"):
        load_lexicon_file(p)


def test_undecodable(tmp_path: Path) -> None:
    p = tmp_path / "bin.csv"
    p.write_bytes(HEADER.encode() + b"\x81\x30\xff\xff\xfe,x\n")
    with pytest.raises(LexiconError, match=r"bin\.csv 第2行.*无法解码"):
        load_lexicon_file(p)


def test_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="不支持"):
        load_lexicon_file(write(tmp_path, "x.json", "{}"))
    with pytest.raises(LexiconError, match="无法读取"):
        load_lexicon_file(tmp_path / "absent.csv")


def test_default_lexicons_load() -> None:
    paths = default_lexicon_paths()
    names = {p.name for p in paths}
    assert {"wording.csv", "typo.csv", "sensitive_term.csv", "harmful_content.csv", "allow.csv"} <= names
    for p in paths:
        lx = load_lexicon_file(p)
        assert lx.entries, p
        assert all(e.basis for e in lx.entries), p
