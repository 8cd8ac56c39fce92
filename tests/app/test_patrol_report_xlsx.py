"""The xlsx patrol report of a real patrol, reopened with openpyxl: sheets, rows, print settings,
date cells."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app.exports.timefmt import XLSX_FORMAT, local_datetime
from app.patrol.model import PatrolRun
from app.patrol.report_xlsx import write_xlsx_report
from tests.app.test_patrol_report_helpers import SPAM, SPAM_LINK, patrolled


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    tmp = tmp_path_factory.mktemp("xlsx")
    run, _, _ = patrolled(tmp, tmp_path_factory)
    path = write_xlsx_report(run, tmp / "巡查报表.xlsx")
    return run, load_workbook(path)


def test_four_sheets_with_every_row(book) -> None:  # type: ignore[no-untyped-def]
    run, wb = book
    assert wb.sheetnames == ["汇总", "问题", "页面", "错误"]
    assert wb["问题"].max_row - 2 == sum(len(i.findings) for i in run.items) > 0
    assert wb["页面"].max_row - 2 == len(run.items)
    assert wb["错误"].max_row - 2 == sum(1 for i in run.items if i.error) + len(run.problems)
    pages = {r[1]: r for r in wb["页面"].iter_rows(min_row=3, values_only=True)}
    tampered = next(v for k, v in pages.items() if k.endswith("news/tampered.html"))
    assert tampered[9] == "审核通过后被改动" and SPAM in tampered[11] and SPAM_LINK in tampered[11]
    approved = next(v for k, v in pages.items() if k.endswith("news/approved.html"))
    assert approved[9] == "与审核通过版本一致" and approved[10]


def test_print_settings_on_every_sheet(book) -> None:  # type: ignore[no-untyped-def]
    _, wb = book
    for ws in wb:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9", ws.title   # 9: A4
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows == "$2:$2", ws.title   # the header row on every printed page
        assert ws.freeze_panes == "A3", ws.title
        data = ws.cell(row=3, column=2)
        assert data.border.left.style == "thin" and data.alignment.wrap_text, ws.title
        assert ws.cell(row=2, column=1).font.bold, ws.title


def test_times_are_real_local_date_cells(book) -> None:  # type: ignore[no-untyped-def]
    run, wb = book
    assert isinstance(run, PatrolRun)
    ws = wb["汇总"]
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(3, ws.max_row + 1)}
    for label, iso in (("开始时间", run.started), ("结束时间", run.finished)):
        cell = cells[label]
        assert isinstance(cell.value, datetime) and cell.number_format == XLSX_FORMAT
        assert cell.value == local_datetime(iso)


def test_written_atomically(book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.exports.atomic import ExportError

    run, _ = book
    blocker = tmp_path / "f"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="未生成文件"):
        write_xlsx_report(run, blocker / "r.xlsx")
    assert {p.name for p in tmp_path.iterdir()} == {"f"}


def test_rows_beyond_the_sheet_limit_are_counted_not_dropped(book, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from app.patrol import report_xlsx

    run, _ = book
    monkeypatch.setattr(report_xlsx, "MAX_ROWS", 3)
    wb = load_workbook(write_xlsx_report(run, tmp_path / "cut.xlsx"))
    ws = wb["页面"]
    assert ws.max_row == 2 + 3 + 1
    assert ws.cell(row=6, column=1).value == f"另有 {len(run.items) - 3} 行未列出（超出 Excel 每个工作表的行数上限），完整清单见 JSON 输出。"
