"""领导审批台帐: every level-3 and level-4 opinion (or the route's ledger levels), filterable by
period and unit; xlsx, csv (utf-8-sig for Excel), PDF and docx."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from app.exports.atomic import ExportError, atomic_write, neutralise
from app.exports.docx_out import write_docx
from app.exports.pdf import write_pdf
from app.exports.record import record_export
from app.ledger.canonical import sha256_hex
from app.ledger.store import Ledger
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

    def cells(self, n: int) -> list[object]:
        return [n, self.time, self.unit, self.review_id, self.title, self.info_class, self.version, self.level,
                self.signer, self.role, self.decision, self.opinion, self.document_sha256, self.receipt or self.seq]


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
                                  receipts.get(s.signature, "")))
    rows.sort(key=lambda r: r.time)
    return rows


def _xlsx(path: Path, rows: list[LedgerRow], head_note: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "领导审批台帐"
    ws.append(["领导审批台帐"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows, start=1):
        ws.append([neutralise(c) for c in row.cells(i)])
    ws.append([])
    ws.append([head_note])
    for col, width in zip("ABCDEFGHIJKLMN", (6, 24, 16, 20, 30, 8, 6, 22, 12, 12, 12, 40, 20, 22), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
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
                           until: str | None = None, unit: str | None = None) -> tuple[Path, int]:
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
                      format=kind, since=since, until=until, unit=unit, rows=len(rows))

    if kind == "xlsx":
        atomic_write(path, lambda tmp: _xlsx(tmp, rows, head_note), record)
    elif kind == "csv":
        data = _csv_bytes(rows, head_note)
        atomic_write(path, lambda tmp: tmp.write_bytes(data), record)
    else:
        table_rows = [[str(c) if i != 12 else str(c)[:16] + "…" for i, c in enumerate(r.cells(n))]
                      for n, r in enumerate(rows, start=1)]
        blocks: list[tuple[str, object]] = [
            ("text", f"期间：{period}    单位：{unit or '全部'}    共 {len(rows)} 条"),
            ("table", (HEADER, table_rows or [["—"] * len(HEADER)],
                       [8, 24, 16, 20, 26, 10, 8, 22, 14, 14, 14, 34, 22, 22])),
            ("text", head_note)]
        if kind == "pdf":
            atomic_write(path, lambda tmp: write_pdf(tmp, "领导审批台帐", blocks, wide=True, footer=head_note[:60]),
                         record)
        else:
            atomic_write(path, lambda tmp: write_docx(tmp, "领导审批台帐", blocks, footer=head_note[:60]), record)
    return path, len(rows)
