"""The statistics as sections of rows — one layout for the text the CLI prints, the 统计 window's
tables and the printable report (docx and PDF through app.exports, xlsx with the 台帐's print
setup) — and the export itself, recorded in the ledger like every other export."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.exports.atomic import ExportError, atomic_write, neutralise
from app.exports.docx_out import write_docx
from app.exports.pdf import write_pdf
from app.exports.record import record_export
from app.exports.timefmt import XLSX_FORMAT, local_datetime, local_time
from app.exports.xlsx_print import a4_print_setup
from app.ledger.canonical import sha256_hex
from app.ledger.model import Head
from app.ledger.receipt import receipt_for
from app.ledger.store import Ledger
from app.stats.model import Count, ReviewStats

TITLE = "信息发布保密审查工作统计"


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    widths: tuple[float, ...]


def _share(n: int, total: int) -> str:
    return f"{n / total * 100:.1f}%" if total else "—"


def _count_rows(items: tuple[Count, ...], total: int) -> tuple[tuple[object, ...], ...]:
    return tuple((c.label, c.count, _share(c.count, total)) for c in items) or (("（无）", 0, "—"),)


def receipt(stats: ReviewStats) -> str:
    return receipt_for(Head(stats.head_seq, stats.head_hash))


def sections(stats: ReviewStats) -> list[Section]:
    share = ("项目", "数量", "占比")
    w3 = (40.0, 15.0, 15.0)
    overview = (("审核文稿（建立审核单）", stats.reviews), ("提交版本（含修改稿）", stats.versions),
                ("发现问题（送审稿）", stats.findings), ("签署", stats.signoffs),
                ("退回修改 / 修改后发布 / 核验未通过", stats.returns), ("征求意见", stats.consultations))
    consult = (("按期答复", stats.consult_on_time), ("逾期答复", stats.consult_late),
               ("逾期未答复，视为同意", stats.consult_deemed), ("待答复", stats.consult_open),
               ("其中答复不同意公开", stats.consult_disagreed), ("答复外单位的征求意见", stats.answered_for_others))
    timing = tuple((t.name, t.count, f"{t.mean_hours:.1f}", f"{t.median_hours:.1f}", f"{t.max_hours:.1f}")
                   for t in stats.level_timings) or (("（无）", 0, "—", "—", "—"),)
    return [
        Section("一、总体情况", ("项目", "数量"), overview, (50.0, 20.0)),
        Section("二、审核单状态", share, _count_rows(stats.by_status, stats.reviews), w3),
        Section("三、信息类别", share, _count_rows(stats.by_class, stats.reviews), w3),
        Section("四、报送单位", ("报送单位", "数量", "占比"), _count_rows(stats.by_unit, stats.reviews), w3),
        Section("五、发现问题（按级别）", share, _count_rows(stats.findings_by_severity, stats.findings), w3),
        Section("六、发现问题（按类别）", share, _count_rows(stats.findings_by_category, stats.findings), w3),
        Section("七、问题处理", ("处理方式", "数量"), tuple((c.label, c.count) for c in stats.dispositions)
                or (("（无）", 0),), (50.0, 20.0)),
        Section("八、签署决定", share, _count_rows(stats.decisions, stats.signoffs), w3),
        Section("九、从建立审核单到各级签署通过的时间（小时）", ("审核级别", "份数", "平均", "中位", "最长"), timing,
                (30.0, 10.0, 12.0, 12.0, 12.0)),
        Section("十、征求意见", ("项目", "数量"), tuple((k, v) for k, v in consult), (50.0, 20.0)),
    ]


def stats_text(stats: ReviewStats) -> str:
    lines = [TITLE, f"统计期间：{stats.period_text}",
             f"统计时间：{local_time(stats.generated)}，依据台帐第 {stats.head_seq} 条（回执 {receipt(stats)}）", ""]
    for sec in sections(stats):
        lines.append(sec.title)
        for row in sec.rows:
            lines.append("  " + "\t".join(str(c) for c in row))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _note(stats: ReviewStats) -> str:
    return (f"统计期间：{stats.period_text}。统计时间：{local_time(stats.generated)}。依据台帐第 {stats.head_seq} 条，"
            f"回执 {receipt(stats)}（哈希 {stats.head_hash}）；可用 mishen ledger verify --receipt 核验。"
            "口径：期间内建立的审核单；问题按送审稿（第 1 版）计；时间为建立审核单至该级最后一次同意或报上级审核。")


def _blocks(stats: ReviewStats) -> list[tuple[str, object]]:
    blocks: list[tuple[str, object]] = [("text", f"统计期间：{stats.period_text}")]
    for sec in sections(stats):
        blocks.append(("heading", sec.title))
        blocks.append(("table", (list(sec.header), [[str(c) for c in r] for r in sec.rows], list(sec.widths))))
    blocks.append(("text", _note(stats)))
    return blocks


def _xlsx(path: Path, stats: ReviewStats) -> None:
    """A4 portrait, one page wide, borders, wrapped text, the generation time as a real date cell;
    each section's header row repeated when printed through the sheet's first header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "审查工作统计"
    cols = 5
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([TITLE])
    ws["A1"].font = Font(bold=True, size=16, name="黑体")
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=cols)
    ws.row_dimensions[1].height = 28
    ws.append(["统计期间", stats.period_text])
    ws.append(["统计时间", local_datetime(stats.generated) or stats.generated])
    ws.cell(row=3, column=2).number_format = XLSX_FORMAT
    ws.cell(row=3, column=2).alignment = Alignment(horizontal="left")
    for r in (2, 3):
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=cols)
        ws.cell(row=r, column=1).font = Font(name="黑体")
    for sec in sections(stats):
        ws.append([])
        ws.append([sec.title])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, name="黑体", size=12)
        ws.append(list(sec.header))
        for cell in ws[ws.max_row][:len(sec.header)]:
            cell.font = Font(bold=True, name="黑体")
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for row in sec.rows:
            ws.append([neutralise(c) for c in row])
            for cell in ws[ws.max_row][:len(row)]:
                cell.font = Font(name="仿宋")
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = border
    ws.append([])
    ws.append([_note(stats)])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=cols)
    ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[ws.max_row].height = 75
    for col, width in enumerate((40, 12, 12, 12, 12), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    a4_print_setup(ws, landscape=False, title_rows="1:1", side_margin=0.7, end_margin=0.8)
    wb.save(str(path))


def export_stats(ledger: Ledger, stats: ReviewStats, output: str | os.PathLike[str], *,
                 fmt: str | None = None) -> Path:
    """Write the report (docx, pdf or xlsx by `fmt` or the suffix) atomically, recorded as an
    `exported` entry before the file is moved into place (not recorded on a read-only ledger)."""
    path = Path(output)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in ("docx", "pdf", "xlsx"):
        raise ExportError("统计报告只能输出为 docx、pdf 或 xlsx。", code="bad_format")
    footer = f"{TITLE}    {stats.period_text}    台帐回执 {receipt(stats)}"

    def record(tmp: Path) -> None:
        record_export(ledger, "review_stats", path, sha256_hex(tmp.read_bytes()), stats.head_seq, stats.head_hash,
                      format=kind, since=stats.since.isoformat() if stats.since else None,
                      until=stats.until.isoformat() if stats.until else None, unit=stats.unit, reviews=stats.reviews)

    if kind == "xlsx":
        atomic_write(path, lambda tmp: _xlsx(tmp, stats), record)
    elif kind == "pdf":
        atomic_write(path, lambda tmp: write_pdf(tmp, TITLE, _blocks(stats), footer=footer), record)
    else:
        atomic_write(path, lambda tmp: write_docx(tmp, TITLE, _blocks(stats), footer=footer), record)
    return path
