"""The consultation letter on paper (征求意见函, 书面征求: 第九条, contents after 第十一条) as docx
or PDF in the house style of app.exports (A4, GB/T 9704 margins, embedded fonts, Chinese labels,
local dates), carrying the consultation number and the signed file's SHA-256 so the paper and the
electronic letter can be matched. Recorded as an export."""

from __future__ import annotations

import os
from pathlib import Path

from app.exports.atomic import ExportError, atomic_write
from app.exports.docx_out import write_docx
from app.exports.labels import SEVERITY_NAMES, category_name
from app.exports.pdf import write_pdf
from app.exports.record import record_export
from app.ledger.canonical import sha256_hex
from app.ledger.store import Ledger
from app.review.consult_model import Consultation
from app.review.service import load_review


def _day(d: object) -> str:
    from datetime import date

    return f"{d.year}年{d.month}月{d.day}日" if isinstance(d, date) else str(d)


def letter_blocks(ledger: Ledger, c: Consultation, own_unit: str) -> tuple[str, list[tuple[str, object]]]:
    review = load_review(ledger, c.review_id)
    version = next((v for v in review.versions if v.number == c.version), review.current)
    title = f"关于《{review.title}》公开前征求意见的函"
    rows = [[str(i), SEVERITY_NAMES.get(f.severity.value, f.severity.value), category_name(f.category), f.text,
             f.where or "—"] for i, f in enumerate(version.findings, start=1)]
    blocks: list[tuple[str, object]] = [
        ("text", f"{c.to_unit}："),
        ("text", f"本单位拟公开《{review.title}》（审核单 {review.id}，第 {version.number} 版，文稿 {version.name}）。"
                 "该信息涉及贵单位，根据政府信息公开保密审查制度第九条至第十一条，现书面征求贵单位意见。"),
        ("heading", "一、拟公开政府信息基本情况"),
        ("text", f"文稿：{version.name}；信息类别：{version.info_class.label}；报送单位：{review.unit or own_unit}；"
                 f"保密审查发现问题 {len(version.findings)} 处（见下表）。"),
        ("table", (["序号", "级别", "类别", "原文", "位置"], rows or [["—", "—", "—", "（未发现问题）", "—"]],
                   [6, 10, 14, 40, 24])),
        ("heading", "二、本单位的意见和依据"),
        ("text", c.request or "拟公开。"),
        ("heading", "三、答复期限"),
        ("text", f"请于 {_day(c.due_date)} 前函复（收到本函后 {c.working_days} 个工作日内，第十二条；"
                 "节假日和调休按国务院办公厅公布的安排计算）。逾期未答复的，视为同意公开（第十三条）。"
                 "答复请使用密审“答复征求意见”（mishen review consult-reply）或书面函复。"),
        ("text", f"{own_unit}    {_day(c.sent_date)}"),
        ("text", f"征求意见编号 {c.id}；电子征求意见函 SHA-256 {c.package_sha256}（由本单位身份密钥签名，"
                 "可与本纸面函核对）。"),
    ]
    if c.calendar_warning:
        blocks.append(("text", c.calendar_warning))
    return title, blocks


def print_letter(ledger: Ledger, c: Consultation, output: str | os.PathLike[str]) -> Path:
    """Write the letter of consultation `c` (docx or pdf by the suffix), recorded as an export."""
    from app.peers.identity import unit_identity_record

    record_ = unit_identity_record(ledger)
    own_unit = str(record_["unit_name"]) if record_ else ""
    path = Path(output)
    kind = path.suffix.lstrip(".").lower()
    if kind not in ("pdf", "docx"):
        raise ExportError("征求意见函只能打印为 pdf 或 docx。", code="bad_format")
    title, blocks = letter_blocks(ledger, c, own_unit)
    head = ledger.head()
    footer = f"征求意见函 {c.id}"

    def record(tmp: Path) -> None:
        record_export(ledger, "consultation_letter", path, sha256_hex(tmp.read_bytes()), head.seq, head.hash,
                      format=kind, review_id=c.review_id, consultation_id=c.id)

    if kind == "pdf":
        atomic_write(path, lambda tmp: write_pdf(tmp, title, blocks, footer=footer), record)
    else:
        atomic_write(path, lambda tmp: write_docx(tmp, title, blocks, footer=footer), record)
    return path
