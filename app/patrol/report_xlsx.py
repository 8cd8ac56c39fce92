"""The patrol report as a workbook (openpyxl): sheets 汇总 (summary), 问题 (one row per finding),
页面 (one row per file, with the approval status and the added text) and 错误 (unreadable files and
link problems). House style of the 领导审批台帐 (`app.exports.approval_ledger`): A4 landscape,
one page wide, the header row repeated on every page, thin borders, wrapped text, times as real
(local) date cells, text cells neutralised against formulas. Written atomically."""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from app.exports.atomic import atomic_write, neutralise
from app.exports.labels import category_name
from app.exports.timefmt import XLSX_FORMAT, local_datetime
from app.exports.xlsx_print import a4_print_setup
from app.patrol.model import PatrolItem, PatrolRun
from app.patrol.report_rows import (
    APPROVAL_NAMES,
    ITEM_STATUS_NAMES,
    KIND_NAMES,
    PROBLEM_NAMES,
    approval_counts,
    category_counts,
    error_items,
    finding_rows,
    lexicon_text,
    ocr_text,
    page_title,
    section_counts,
    section_of,
    severity_counts,
    severity_name,
)

FINDING_HEADER = ("序号", "页面/文件", "网页标题", "栏目", "级别", "类别", "原文", "位置", "规则", "说明", "处数",
                  "巡查状态", "审核状态")
FINDING_WIDTHS = (6, 34, 24, 10, 9, 12, 24, 16, 18, 34, 5, 8, 12)
PAGE_HEADER = ("序号", "页面/文件", "类型", "栏目", "格式", "大小（字节）", "巡查状态", "问题数", "最重级别", "审核状态",
               "比对的审核通过版本", "审核后新增", "审核后删去", "SHA-256", "本地副本")
PAGE_WIDTHS = (6, 34, 6, 10, 6, 10, 8, 6, 9, 12, 24, 30, 24, 18, 30)
ERROR_HEADER = ("序号", "类型", "页面/文件", "原因代码", "说明", "链接目标")
ERROR_WIDTHS = (6, 16, 36, 14, 50, 30)
#: A cell holds at most this many characters (Excel's limit is 32,767).
CELL_LIMIT = 32000
#: Data rows a sheet can hold below its two heading rows, leaving one for the note (Excel: 1,048,576 rows).
MAX_ROWS = 1_048_576 - 3


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs: a CJK character is two width units, anything else one."""
    if 2 * len(text) <= width - 1.5 and "\n" not in text:
        return 1  # the common short cell, without looking at every character
    total = 0
    for line in text.split("\n"):
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        total += max(1, math.ceil(units / max(width - 1.5, 1)))
    return total


def _cell(value: object) -> object:
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        value = value[:CELL_LIMIT] + "……（已截断）"
    return neutralise(value)


class _Book:
    """A write-only (streaming) workbook: rows go to disk as they are appended, so memory does not
    grow with the number of files patrolled."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        self.wb = Workbook(write_only=True)
        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="top")
        # named styles: one index per cell instead of four style objects hashed per cell
        for name, font, align, fmt in (
                ("patrol_title", Font(bold=True, size=16, name="黑体"), Alignment(horizontal="center", vertical="center"), None),
                ("patrol_head", Font(bold=True, name="黑体"), Alignment(horizontal="center", vertical="center", wrap_text=True), None),
                ("patrol_body", Font(name="仿宋"), wrap, None),
                ("patrol_time", Font(name="仿宋"), wrap, XLSX_FORMAT)):
            style = NamedStyle(name=name, font=font, alignment=align)
            if name != "patrol_title":
                style.border = border
            if fmt:
                style.number_format = fmt
            if name == "patrol_head":
                style.fill = PatternFill("solid", fgColor="EEEEEE")
            self.wb.add_named_style(style)

    def sheet(self, title: str, heading: str, header: Sequence[str], rows: Iterable[Sequence[object]],
              widths: Sequence[float], *, date_cols: Sequence[int] = ()) -> int:
        """Append one sheet; returns the number of data rows."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.cell_range import CellRange

        ws = self.wb.create_sheet(title)
        for col, width in enumerate(widths, start=1):   # before any row (write-only)
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A3"
        a4_print_setup(ws)
        ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(header), max_row=1))

        def styled(value: object, style: str) -> WriteOnlyCell:
            cell = WriteOnlyCell(ws, value=value)
            cell.style = style
            return cell

        ws.row_dimensions[1].height = 28
        ws.append([styled(heading, "patrol_title")])
        ws.append([styled(h, "patrol_head") for h in header])
        n = 0
        left_off = 0
        for r, row in enumerate(rows, start=3):
            if n >= MAX_ROWS:
                left_off += 1
                continue
            values = [_cell(v) for v in row]
            # spreadsheet programs do not grow a row for wrapped text they have not laid out yet
            ws.row_dimensions[r].height = min(409.0, 15.0 * max(
                (_lines(str(v), widths[k]) for k, v in enumerate(values) if v is not None), default=1))
            ws.append([styled(v, "patrol_time" if k in date_cols and isinstance(v, datetime) else "patrol_body")
                       for k, v in enumerate(values)])
            n += 1
        if left_off:
            ws.append([styled(f"另有 {left_off} 行未列出（超出 Excel 每个工作表的行数上限），完整清单见 JSON 输出。",
                              "patrol_body")])
        return n


def _summary_rows(run: PatrolRun) -> list[list[object]]:
    c = run.counts
    present = [i for i in run.items if i.status.value != "removed"]
    rows: list[list[object]] = [
        ["巡查对象", "；".join(run.sources)],
        ["开始时间", local_datetime(run.started) or run.started],
        ["结束时间", local_datetime(run.finished) or run.finished],
        ["巡查人", run.who or "本工作站（未登录用户）"],
        ["词库版本", lexicon_text(run) + ("（与上次不同，已全部重新扫描）" if run.lexicons_changed else "")],
        ["程序版本", f"密审 {run.tool_version}"],
        ["扫描方式", f"集群 {run.cluster}" if run.cluster else f"本机 {run.workers} 个工作进程"],
        ["文字识别", ocr_text(run)],
        ["巡查编号", run.run_id + (f"（上次：{run.previous_run_id}）" if run.previous_run_id else "（首次巡查）")],
        ["文件 / 网页 / 附件", f"{c.files} / {c.pages} / {c.attachments}"],
        ["本次扫描 / 沿用上次结果 / 内容重复", f"{c.scanned} / {c.reused} / {c.duplicates}"],
        ["新增 / 改动 / 未变 / 删除的文件", f"{c.new} / {c.changed} / {c.unchanged} / {c.removed}"],
        ["有问题的文件 / 问题", f"{c.with_findings} / {c.findings}"],
        ["新增问题 / 已解决问题", f"{c.new_findings} / {c.resolved_findings}"],
        ["出错的文件 / 链接等问题", f"{c.errors} / {c.problems}"],
    ]
    rows += [[f"级别：{severity_name(s)}", n] for s, n in severity_counts(run)]
    rows += [[f"类别：{category_name(k)}", n] for k, n in category_counts(run)]
    rows += [[f"审核状态：{APPROVAL_NAMES[k]}", n] for k, n in approval_counts(present)]
    rows += [[f"栏目：{s}", f"{files} 个文件，{n} 个问题"] for s, files, n in section_counts(present)]
    return rows


def _finding_rows(run: PatrolRun) -> Iterator[list[object]]:
    n = 0
    for item in run.items:
        if not item.findings:
            continue
        title = page_title(item)
        for r in finding_rows(item):
            n += 1
            yield [n, item.location or item.path, title, section_of(item), severity_name(r.severity),
                   category_name(r.category), r.text, r.where, r.rule, r.message, r.count,
                   ITEM_STATUS_NAMES.get(item.status.value, item.status.value),
                   APPROVAL_NAMES.get(item.approval or "", "—")]


def _page_row(n: int, item: PatrolItem) -> list[object]:
    return [n, item.location or item.path, KIND_NAMES.get(item.kind.value, item.kind.value), section_of(item),
            item.format or "", item.size, ITEM_STATUS_NAMES.get(item.status.value, item.status.value),
            len(item.findings), severity_name(item.worst.value) if item.worst else "",
            APPROVAL_NAMES.get(item.approval or "", "—"), item.approval_review or "",
            "\n".join(item.approval_added), "\n".join(item.approval_removed), item.sha256 or "", item.local_path]


def _error_rows(run: PatrolRun) -> list[list[object]]:
    out: list[list[object]] = []
    for item in error_items(run):
        out.append([len(out) + 1, "无法巡查的文件", item.location or item.path, item.error_code or "", item.error or "", ""])
    for p in run.problems:
        out.append([len(out) + 1, PROBLEM_NAMES.get(p.code, p.code), p.path, p.code, p.message, p.target or ""])
    return out


def _write(run: PatrolRun, path: Path) -> None:
    book = _Book()
    book.sheet("汇总", "网站巡查报告（汇总）", ("项目", "内容"), _summary_rows(run), (34, 90), date_cols=(1,))
    book.sheet("问题", "网站巡查发现的问题", FINDING_HEADER, _finding_rows(run), FINDING_WIDTHS)
    book.sheet("页面", "巡查的页面和文件", PAGE_HEADER, (_page_row(n, i) for n, i in enumerate(run.items, start=1)),
               PAGE_WIDTHS)
    book.sheet("错误", "错误与链接问题", ERROR_HEADER, _error_rows(run), ERROR_WIDTHS)
    book.wb.save(str(path))


def write_xlsx_report(run: PatrolRun, path: str | os.PathLike[str]) -> Path:
    """Write the workbook atomically (streamed into a temp file, then renamed); returns the path.
    A sheet holds at most `MAX_ROWS` data rows (Excel's limit): beyond, its last row says how many more."""
    return atomic_write(Path(path), lambda tmp: _write(run, tmp))
