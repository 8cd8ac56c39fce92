"""The editor's 导入词表: a bureau spreadsheet (real xlsx written by openpyxl) read in the worker by
the importer `mishen lexicon import` uses, with its all-or-nothing rule — a malformed row is listed
with its row number in a dialog and nothing is added; the corrected file adds its rows to the draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from app.model import Category, Severity
from tests.ui.flow import open_lexicon_editor
from tests.ui.test_lexicon_editor import _wait

HEADER = ["词条", "类别", "级别", "依据", "建议"]
GOOD = [["青鸾工程", "敏感事项", "禁止", "保密局〔2026〕3号", "删除该工程名称"],
        ["玄武计划", "", "", "", ""]]  # empty cells take the importer's defaults


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from app.ledger import Ledger
    from tests.people import add_people

    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    home = tmp_path / "station"
    with Ledger.open(home) as ledger:
        add_people(ledger, {}, "")
    return home


def test_import_table_lists_bad_rows_then_merges_the_corrected_file(qtbot, home: Path, tmp_path: Path) -> None:
    editor = open_lexicon_editor(qtbot, home)
    assert editor.draft is not None
    before = editor.draft.entries
    existing = next(e for e in before if not e.allow)
    bad = _xlsx(tmp_path / "词表.xlsx", [*GOOD, ["白虎项目", "绝密事项", "高", "", ""],        # row 4: unknown category
                                         [existing.term, existing.category, existing.severity, "", ""]])  # row 5
    editor.import_table([bad])
    _wait(qtbot, editor)
    dialog = editor.import_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.informativeText()
    assert "词表.xlsx 第4行" in text and "绝密事项" in text, text
    assert "词表.xlsx 第5行" in text and existing.id in text, text
    assert "第2行" not in text and "第3行" not in text
    assert editor.draft.entries == before                     # all or nothing, as the CLI
    dialog.close()

    good = _xlsx(tmp_path / "词表-改.xlsx", GOOD)
    editor.import_dialog = None
    editor.import_table([good])
    _wait(qtbot, editor)
    assert editor.import_dialog is None
    added = editor.draft.entries[len(before):]
    assert editor.draft.entries[:len(before)] == before
    assert [(e.term, e.category, e.severity, e.basis, e.suggestion) for e in added] == [
        ("青鸾工程", Category.SENSITIVE_TERM.value, Severity.BLOCK.value, "保密局〔2026〕3号", "删除该工程名称"),
        ("玄武计划", Category.SENSITIVE_TERM.value, Severity.HIGH.value, "保密局下发词库", "")]
    assert len({e.id for e in editor.draft.entries}) == len(editor.draft.entries)
    editor.set_filter(query="青鸾工程")
    assert [r.entry.term for r in editor.visible_rows()] == ["青鸾工程"]

    # an unreadable file: the dialog says so, the draft keeps what it had
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(good.read_bytes()[:200])
    editor.import_table([broken])
    _wait(qtbot, editor)
    assert editor.import_dialog is not None and "坏.xlsx" in editor.import_dialog.informativeText()
    assert editor.draft.entries[len(before):] == added
