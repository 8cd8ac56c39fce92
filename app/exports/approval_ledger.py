"""领导审批台帐: every level-3 and level-4 opinion (or the route's ledger levels), filterable by
period and unit; xlsx, csv (utf-8-sig for Excel), PDF and docx."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.exports.atomic import ExportError, atomic_write, neutralise
from app.exports.docx_out import write_docx
from app.exports.pdf import write_pdf
from app.exports.record import record_export
from app.exports.timefmt import XLSX_FORMAT, local_datetime, local_time
from app.exports.xlsx_print import a4_print_setup
from app.ledger.canonical import sha256_hex
from app.ledger.crypto import KeySigner
from app.ledger.store import Ledger
from app.review.model import DispositionKind, FindingDecision
from app.review.service import list_reviews
from app.users.model import ROLE_LABELS, Role

HEADER = ["序号", "签署时间", "单位", "审核单编号", "文稿标题", "信息类别", "版本", "审核级别", "签署人", "职务",
          "审核决定", "批示意见", "文稿 SHA-256", "台帐回执"]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    time: str
    unit: str
    review_id: str
    title: str
    info_class: str
    version: int
    level: str
    signer: str
    role: str
    decision: str
    opinion: str
    document_sha256: str
    seq: int
    receipt: str = ""   # `#seq-hash` of the sign-off's entry in this ledger (app.ledger.receipt)
    dispositions: str = ""   # the level's item-by-item decisions (`disposition_summary`)

    @property
    def instruction(self) -> str:
        """批示 with the dispositions that go with it: what the printed 批示意见 column holds."""
        return "\n".join(t for t in (self.opinion, self.dispositions) if t)

    def cells(self, n: int, *, readable: bool = False) -> list[object]:
        """One printed row; `readable` writes the time as 2026年12月1日 20:05 (local) for paper."""
        return [n, local_time(self.time) if readable else self.time, self.unit, self.review_id, self.title, self.info_class, self.version, self.level,
                self.signer, self.role, self.decision, self.instruction, self.document_sha256, self.receipt or self.seq]


def disposition_summary(decisions: Sequence[FindingDecision]) -> str:
    """“须修改 2 处：身份证号（删除）；…；同意公开 4 处” — what a deciding level decided item by item."""
    changes = [d for d in decisions if d.kind is DispositionKind.CHANGE]
    agreed = [d for d in decisions if d.kind is DispositionKind.AGREE]
    parts = []
    if changes:
        items = "；".join(f"{d.finding_text or d.finding_id}（{d.text}）" if d.text else (d.finding_text or d.finding_id)
                         for d in changes)
        parts.append(f"{DispositionKind.CHANGE.label} {len(changes)} 处：{items}")
    if agreed:
        parts.append(f"{DispositionKind.AGREE.label} {len(agreed)} 处")
    return "；".join(parts)


def _role_label(value: str) -> str:
    try:
        return ROLE_LABELS[Role(value)]
    except ValueError:
        return value


def approval_rows(ledger: Ledger, *, levels: tuple[int, ...] | None = None, since: str | None = None,
                  until: str | None = None, unit: str | None = None) -> list[LedgerRow]:
    from app.review.show import signoff_receipts

    rows: list[LedgerRow] = []
    for review in list_reviews(ledger):
        versions = {v.number: v for v in review.versions}
        receipts = signoff_receipts(ledger, review)
        for s in review.signoffs:
            lv = review.route.level(s.level)
            wanted = (s.level in levels) if levels else bool(lv and lv.in_ledger)
            if not wanted:
                continue
            day = s.time[:10]
            if (since and day < since) or (until and day > until):
                continue
            row_unit = review.unit or s.signer_unit
            if unit and unit not in (review.unit, s.signer_unit):
                continue
            v = versions.get(s.version, review.current)
            rows.append(LedgerRow(s.time, row_unit, review.id, review.title, v.info_class.label, s.version,
                                  lv.name if lv else f"第 {s.level} 级",
                                  f"{s.signer}（{s.signer_unit or '外单位'}，外单位）" if s.imported_from else s.signer,
                                  _role_label(s.signer_role),
                                  s.decision.label, s.opinion, s.document_sha256, s.seq,
                                  receipts.get(s.signature, ""), disposition_summary(s.dispositions)))
    rows.sort(key=lambda r: r.time)
    return rows


#: Column widths (characters) of the xlsx and relative widths of the PDF/docx tables.
XLSX_WIDTHS = (5, 17, 14, 17, 24, 8, 5, 12, 11, 10, 9, 30, 22, 17)
PRINT_WIDTHS = (8, 24, 14, 17, 22, 9, 8, 15, 13, 11, 12, 25, 19, 17)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs: a CJK character is two width units, anything else one."""
    import math
    import unicodedata

    total = 0
    for line in text.split("\n"):
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        total += max(1, math.ceil(units / max(width - 1.5, 1)))
    return total


def _xlsx(path: Path, rows: list[LedgerRow], head_note: str) -> None:
    """A4 landscape, one page wide, header row repeated on every page, grid borders, wrapped
    text, the signing time as a real (local) date cell; text cells neutralised against formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "领导审批台帐"
    ws.append(["领导审批台帐"])
    ws["A1"].font = Font(bold=True, size=16, name="黑体")
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.row_dimensions[1].height = 28
    ws.append(HEADER)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[2]:
        cell.font = Font(bold=True, name="黑体")
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for i, row in enumerate(rows, start=1):
        values = [neutralise(c) for c in row.cells(i)]
        moment = local_datetime(row.time)
        if moment is not None:
            values[1] = moment
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.font = Font(name="仿宋")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
        if moment is not None:
            ws.cell(row=ws.max_row, column=2).number_format = XLSX_FORMAT
        # spreadsheet programs do not grow a row for wrapped text they have not laid out yet
        ws.row_dimensions[ws.max_row].height = 15.0 * max(
            _lines(local_time(row.time) if k == 1 else str(v), XLSX_WIDTHS[k]) for k, v in enumerate(values))
    ws.append([])
    ws.append([head_note])
    note_row = ws.max_row
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=len(HEADER))
    ws.cell(row=note_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note_row].height = 30
    for col, width in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    a4_print_setup(ws)
    wb.save(str(path))


def _csv_bytes(rows: list[LedgerRow], head_note: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    for i, row in enumerate(rows, start=1):
        w.writerow([neutralise(c) for c in row.cells(i)])
    w.writerow([head_note])
    return buf.getvalue().encode("utf-8-sig")


def export_approval_ledger(ledger: Ledger, output: str | os.PathLike[str], *, fmt: str | None = None,
                           levels: tuple[int, ...] | None = None, since: str | None = None,
                           until: str | None = None, unit: str | None = None,
                           by: KeySigner | None = None) -> tuple[Path, int]:
    """`by`: the logged-in user's key (the export is recorded as theirs), else the workstation's."""
    path = Path(output)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in ("xlsx", "csv", "pdf", "docx"):
        raise ExportError("台帐只能输出为 xlsx、csv、pdf 或 docx。", code="bad_format")
    rows = approval_rows(ledger, levels=levels, since=since, until=until, unit=unit)
    head = ledger.head()
    period = f"{since or '—'} 至 {until or '—'}"
    head_note = f"输出时台帐末条：第 {head.seq} 条，哈希 {head.hash}（期间 {period}{'，单位 ' + unit if unit else ''}）"

    def record(tmp: Path) -> None:  # in the ledger before the file is in place: no unrecorded export
        record_export(ledger, "approval_ledger", path, sha256_hex(tmp.read_bytes()), head.seq, head.hash,
                      by, format=kind, since=since, until=until, unit=unit, rows=len(rows))

    if kind == "xlsx":
        atomic_write(path, lambda tmp: _xlsx(tmp, rows, head_note), record)
    elif kind == "csv":
        data = _csv_bytes(rows, head_note)
        atomic_write(path, lambda tmp: tmp.write_bytes(data), record)
    else:
        table_rows = [[str(c) if i != 12 else str(c)[:16] + "…" for i, c in enumerate(r.cells(n, readable=True))]
                      for n, r in enumerate(rows, start=1)]
        blocks: list[tuple[str, object]] = [
            ("text", f"期间：{period}    单位：{unit or '全部'}    共 {len(rows)} 条"),
            ("table", (HEADER, table_rows or [["—"] * len(HEADER)],
                       PRINT_WIDTHS)),
            ("text", head_note)]
        if kind == "pdf":
            atomic_write(path, lambda tmp: write_pdf(tmp, "领导审批台帐", blocks, wide=True, footer=head_note[:60]),
                         record)
        else:
            atomic_write(path, lambda tmp: write_docx(tmp, "领导审批台帐", blocks, footer=head_note[:60], wide=True),
                         record)
    return path, len(rows)
