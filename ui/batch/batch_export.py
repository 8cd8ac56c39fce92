"""Batch results to an xlsx workbook: per-file summary, per-category totals, every finding."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.model import Category, DocumentReport, Severity
from app.scan import location_label
from ui.batch.batch_models import file_status, severity_counts
from ui.shell.labels import SEVERITY_ORDER, category_name, severity_name


def export_batch_xlsx(reports: Sequence[DocumentReport], path: str | Path, root: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    def rel(p: str) -> str:
        if root:
            try:
                return str(Path(p).relative_to(root))
            except ValueError:
                pass
        return p

    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "文件汇总"
    ws.append(["文件", "格式", "字数", *(severity_name(s) for s in SEVERITY_ORDER), "合计", "状态", "SHA-256"])
    for r in reports:
        counts = severity_counts(r)
        ws.append([rel(r.path), r.format or "", r.chars, *(counts[s] for s in SEVERITY_ORDER),
                   len(r.findings), file_status(r), r.sha256 or ""])
    block_fill = PatternFill("solid", fgColor="FFB3B3")
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            if cell.value:
                cell.fill = block_fill

    wc = wb.create_sheet("类别汇总")
    wc.append(["类别", *(severity_name(s) for s in SEVERITY_ORDER), "合计"])
    totals: dict[Category, dict[Severity, int]] = {}
    for r in reports:
        for f in r.findings:
            totals.setdefault(f.category, dict.fromkeys(Severity, 0))[f.severity] += 1
    for cat in Category:
        if cat in totals:
            wc.append([category_name(cat), *(totals[cat][s] for s in SEVERITY_ORDER), sum(totals[cat].values())])

    wd = wb.create_sheet("问题明细")
    wd.append(["文件", "级别", "类别", "原文", "位置", "上下文", "说明", "依据", "建议", "规则"])
    for r in reports:
        for f in r.findings:
            wd.append([rel(r.path), severity_name(f.severity), category_name(f.category), f.text,
                       location_label(f.location), f.context, f.message, f.basis, f.suggestion,
                       f"{f.rule_name}（{f.rule}）"])
    for sheet, widths in ((ws, [48, 8, 10, 10, 10, 10, 10, 8, 30, 20]), (wc, [20, 10, 10, 10, 10, 10]),
                          (wd, [40, 10, 14, 24, 24, 50, 40, 40, 40, 24])):
        for cell in sheet[1]:
            cell.font = bold
        for i, w in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = w
        sheet.freeze_panes = "A2"
    for row in wd.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = Path(path)
    wb.save(out)
    return out
