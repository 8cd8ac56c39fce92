"""Importing bureau spreadsheets into packs (row-numbered errors), the canonical layout, diff and
xlsx export, on real files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.packs.diff import diff_lines, diff_packs
from app.packs.errors import PackCheckError, PackInputError
from app.packs.format import Manifest, parse_pack, read_pack, write_pack
from app.packs.importer import ImportFailed, import_pack
from tests.app.test_packs import HEADER, write_xlsx
from tests.app.test_review_helpers import cli

MANIFEST = Manifest("bureau", "2026.1", "市保密局")


def test_malformed_rows_are_all_reported_with_their_row_numbers(tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "词表.xlsx", [
        HEADER,
        ["蓝鲸计划", "敏感事项", "高", "保密局〔2026〕1号", "删除"],        # 2 fine
        ["", "敏感事项", "高", "", ""],                                   # 3 empty term
        ["火星基地", "外星事项", "高", "", ""],                           # 4 unknown category
        ["天枢工程", "敏感事项", "很高", "", ""],                         # 5 unknown severity
        ["蓝　鲸计划", "敏感事项", "中", "", ""],                         # 6 same term once normalised
        ["贯彻落实", "规范表述", "提示", "", ""],                         # 7 fine
        ["贯彻落实", "敏感事项", "高", "", ""],                           # 8 another category
        ["\u200b\u200b", "敏感事项", "高", "", ""],                       # 9 normalises to nothing
        ["长" * 201, "敏感事项", "高", "", ""],                            # 10 too long
    ])
    with pytest.raises(ImportFailed) as info:
        import_pack([src], MANIFEST)
    problems = info.value.problems
    assert [p.split("：")[0] for p in problems] == [f"词表.xlsx 第{n}行" for n in (3, 4, 5, 10, 6, 8, 9)]
    text = "\n".join(problems)
    assert "词条为空" in text and "未知类别“外星事项”" in text and "未知级别“很高”" in text
    assert "重复（与词表.xlsx 第2行相同）" in text and "类别冲突" in text and "规范化后为空" in text


def test_cli_import_exit_2_and_defaults_for_absent_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_xlsx(tmp_path / "bad.xlsx", [HEADER, ["", "敏感事项", "高", "", ""]])
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "import", str(bad), "-o", str(tmp_path / "p.json"),
               "--id", "b", "--version", "1", "--issuer", "局") == 2
    assert "bad.xlsx 第2行：词条为空" in capsys.readouterr().err
    assert not (tmp_path / "p.json").exists()
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "import", str(bad), "-o", str(tmp_path / "p.json"),
               "--id", "b", "--version", "v1", "--issuer", "局") == 2               # not a dotted version
    words = tmp_path / "words.txt"
    words.write_text("# 保密局补充词表\n白鹭计划\n\n青鸟工程\n", encoding="utf-8")
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "import", str(words), "-o", str(tmp_path / "p.json"),
               "--id", "b", "--version", "1", "--issuer", "局", "--category", "规范表述", "--severity", "中",
               "--basis", "保密局通知") == 0
    pack = read_pack(tmp_path / "p.json")
    assert [(e.term, e.category, e.severity, e.basis) for e in pack.entries] == [
        ("白鹭计划", "wording", "medium", "保密局通知"), ("青鸟工程", "wording", "medium", "保密局通知")]


def test_damaged_and_bomb_xlsx_are_unreadable_input(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "g.xlsx", [HEADER, ["蓝鲸计划", "敏感事项", "高", "", ""]])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:400])
    with pytest.raises(PackInputError):
        import_pack([cut], MANIFEST)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>")
    with pytest.raises(PackInputError) as info:
        import_pack([bomb], MANIFEST)
    assert "bomb.xlsx" in info.value.message


def test_layout_is_canonical_and_any_reformatting_is_detected(tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "s.xlsx", [HEADER, ["蓝鲸计划", "敏感事项", "高", "", ""],
                                           ["贯彻落实", "规范表述", "提示", "", "贯彻落实"]])
    path = write_pack(import_pack([src], MANIFEST), tmp_path / "p.json")
    data = path.read_bytes()
    assert data.count(b"\n{") == 2                                     # one entry per line: diff-friendly
    assert parse_pack(data).to_bytes() == data
    with pytest.raises(PackCheckError):
        parse_pack(data.replace(b'"entries":[', b'"entries": [', 1))


def test_diff_lists_added_removed_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    old_src = write_xlsx(tmp_path / "old.xlsx", [HEADER, ["蓝鲸计划", "敏感事项", "高", "", ""],
                                                 ["天枢工程", "敏感事项", "高", "", ""]])
    new_src = write_xlsx(tmp_path / "new.xlsx", [HEADER, ["蓝鲸计划", "敏感事项", "禁止", "", ""],
                                                 ["北斗七号", "敏感事项", "高", "", ""]])
    old = write_pack(import_pack([old_src], MANIFEST), tmp_path / "old.json")
    new = write_pack(import_pack([new_src], Manifest("bureau", "2026.2", "市保密局")), tmp_path / "new.json")
    d = diff_packs(read_pack(old), read_pack(new))
    assert [e.term for e in d.added] == ["北斗七号"] and [e.term for e in d.removed] == ["天枢工程"]
    assert [(a.severity, b.severity) for a, b, _ in d.changed] == [("high", "block")]
    capsys.readouterr()
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "diff", str(old), str(new)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == diff_lines(read_pack(old), read_pack(new), d)
    assert "+ 新增 “北斗七号”（sensitive_term/high）" in out and "- 删除 “天枢工程”（sensitive_term/high）" in out
    assert "~ 修改 “蓝鲸计划”（sensitive_term/block）：severity: high → block" in out
    assert out[-1].startswith("合计：新增 1，删除 1，修改 1")


def test_export_xlsx_reimports_to_the_same_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_xlsx(tmp_path / "s.xlsx", [HEADER, ["蓝鲸计划", "敏感事项", "高", "保密局〔2026〕1号", "删除"],
                                           ["贯彻落实", "规范表述", "提示", "公文规范", "贯彻落实"]])
    pack = write_pack(import_pack([src], MANIFEST), tmp_path / "p.json")
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "export", str(pack), "-o", str(tmp_path / "out.xlsx")) == 0
    book = load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert book.sheetnames == ["词条", "词库包信息", "测试用例"]
    book.close()
    again = import_pack([tmp_path / "out.xlsx"], MANIFEST)
    assert again.entries == read_pack(pack).entries


def test_bundled_lexicons_import_as_the_first_pack_and_scan_the_same(tmp_path: Path) -> None:
    from app.lexicon.loader import default_lexicon_paths
    from app.packs.layers import lexicon_csv
    from app.scan import Engine

    pack = import_pack(default_lexicon_paths(), Manifest("default", "2025.1", "密审"))
    bundled = Engine.load()
    assert len(pack.entries) == sum(i.entries for i in bundled.lexicons)
    csv_file = tmp_path / "default.csv"
    csv_file.write_bytes(lexicon_csv(pack))
    as_pack = Engine.load([csv_file], use_defaults=False)
    doc = tmp_path / "d.txt"
    doc.write_text("本文件属内部资料，请勿外传。统计数据显示增长百分之五。请各单位认真贯切落实。\n", encoding="utf-8")
    a, b = bundled.scan_file(doc), as_pack.scan_file(doc)
    assert a.findings and [(f.rule, f.start, f.severity) for f in a.findings] == \
        [(f.rule, f.start, f.severity) for f in b.findings]


def test_streamed_xlsx_rows_equal_the_openpyxl_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from app.lexicon.loader import openpyxl_rows
    from app.packs.xlsx_rows import xlsx_rows

    book = Workbook()                      # the normal (not write-only) mode: shared strings, as Excel
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["蓝鲸计划", "敏感事项", "高", None, "删除"])
    sheet.append([])
    sheet.append([None, None, 3, 4.5, True])
    sheet["G9"] = "远处的格"
    sheet.append(["=1+1", 7.0])
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    data = path.read_bytes()

    def trimmed(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
        out = []
        for n, cells in rows:
            while cells and cells[-1] == "":
                cells = cells[:-1]
            out.append((n, cells))
        return out

    ours = list(xlsx_rows(path, data))
    assert trimmed(ours) == trimmed(list(openpyxl_rows(path, data)))
    assert (9, ["", "", "", "", "", "", "远处的格"]) in ours and (4, ["", "", "3", "4.5", "True"]) in ours
    streamed = Workbook(write_only=True)   # inline strings, as openpyxl's write-only mode and many tools write
    ws = streamed.create_sheet("词表")
    ws.append(HEADER)
    for i in range(30):
        ws.append([f"词条{i}", "敏感事项", "高" if i % 2 else "中", None, f"建议{i}" if i % 3 else None])
    inline = tmp_path / "inline.xlsx"
    streamed.save(inline)
    data = inline.read_bytes()
    ours = list(xlsx_rows(inline, data))
    assert len(ours) == 31 and trimmed(ours) == trimmed(list(openpyxl_rows(inline, data)))


def test_diff_and_what_if_on_the_shared_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from app.lexicon.loader import default_lexicon_paths
    from tests.conftest import shared_path

    corpus = shared_path("eval", "corpus")
    bundled = default_lexicon_paths()
    full = write_pack(import_pack(bundled, Manifest("default", "2025.1", "密审")), tmp_path / "full.json")
    harmful = [p for p in bundled if p.name == "harmful_content.csv"]
    without = write_pack(import_pack([p for p in bundled if p not in harmful], Manifest("default", "2025.2", "密审")),
                         tmp_path / "without.json")
    capsys.readouterr()
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "diff", str(full), str(without)) == 0
    out = capsys.readouterr().out
    removed = sum(1 for line in out.splitlines() if line.startswith("- 删除"))
    assert removed == len(import_pack(harmful, MANIFEST).entries) and "+ 新增" not in out

    # nothing installed: the candidate is compared with the bundled lexicons, document by document
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "test", str(without), str(corpus)) == 0
    out = capsys.readouterr().out
    assert "测试用例 0/0 通过" in out
    assert "luoyang-website-page.html：新增 0，消失" in out and "- [harmful_content/" in out and "“皇冠体育" in out
    assert "qingyuan-disclosure.txt" not in out and "\n  + [" not in out
    assert cli(monkeypatch, tmp_path / "h", "lexicon", "test", str(full), str(corpus)) == 0
    same = capsys.readouterr().out                # the bundled lexicons as a pack: nothing changes
    assert "，0 个的发现有变化。" in same and "消失" not in same
