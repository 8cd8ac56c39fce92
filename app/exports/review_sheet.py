"""保密审查单: one review on paper (docx or PDF), ready to print and file."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from app.exports.atomic import ExportError, atomic_write
from app.exports.docx_out import write_docx
from app.exports.labels import message_text
from app.exports.pdf import write_pdf
from app.exports.record import record_export
from app.exports.timefmt import local_time
from app.ledger.canonical import sha256_hex
from app.ledger.crypto import KeySigner
from app.ledger.store import Ledger
from app.review.consult import consultations_for
from app.review.consult_model import Consultation, ConsultStatus
from app.review.false_alarms import FalseAlarm, false_alarms
from app.review.model import Review
from app.review.service import load_review
from app.review.show import review_to_json, signoff_receipts

SEVERITY_LABELS = {"block": "禁止发布", "high": "高风险", "medium": "需核实", "low": "提示"}


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d is not None else "—"


def consultation_rows(consultations: Sequence[Consultation]) -> list[list[object]]:
    """征求意见 on paper: 单位, 发出时间, 答复期限, 答复/视为同意, 意见 (and the version asked about)."""
    rows: list[list[object]] = []
    for c in consultations:
        if c.status is ConsultStatus.REPLIED and c.decision is not None:
            late = "" if c.on_time else "，逾期答复"
            answer = f"已答复：{c.decision.label}（{c.replied_by or '—'}，{_day(c.reply_date)}{late}）"
        elif c.status is ConsultStatus.DEEMED:
            answer = f"期满未答复，视为同意（自 {_day(c.deemed_date)}）"
        else:
            answer = "待答复"
        rows.append([c.to_unit, local_time(c.sent_time), f"{_day(c.due_date)}（{c.working_days} 个工作日）",
                     answer, c.opinion or "—", f"第 {c.version} 版"])
    return rows


def sheet_blocks(review: Review, head_seq: int, head_hash: str,
                 false_alarms: Mapping[str, FalseAlarm] | None = None,
                 receipts: Mapping[str, str] | None = None,
                 consultations: Sequence[Consultation] = ()) -> list[tuple[str, object]]:
    data = review_to_json(review, head_seq, head_hash, false_alarms, receipts)
    v = data["version"]
    cls = v["info_class_label"] + (f"（系统建议：{v['suggested_class']}，已人工调整）" if v["class_overridden"] else "")
    disclosure = data["disclosure_label"] + (f"（理由：{data['disclosure_reason']}）" if data["disclosure_reason"] else "")
    ident = [["审核单编号", data["id"]], ["文稿标题", data["title"]], ["报送单位", data["unit"] or "—"],
             ["建立时间", local_time(str(data["opened"])) if data["opened"] else "—"],
             ["文件名", f"{v['name']}（第 {v['number']} 版，{v['size']} 字节）"], ["文稿 SHA-256", v["sha256"]],
             ["扫描报告 SHA-256", v["report_sha256"]], ["扫描引擎", v["engine_version"]],
             ["词库", "；".join(f"{x.get('name')} {x.get('version')}" for x in v["lexicons"]) or "—"],
             ["信息类别", cls], ["公开属性", disclosure], ["审核流程", data["route_title"]],
             ["审核状态", data["message"]]]
    findings = []
    for i, f in enumerate(data["findings"], start=1):
        w = f["waived"]
        fa = f["false_alarm"]
        d = f["disposition"]
        parts = []
        if d:
            parts.append(f"第 {d['level']} 级{d['label']}：{d['text']}（{d['by']}，{local_time(d['time'])}）")
        if w:
            parts.append(f"已豁免：{w['by']}，{w['reason']}（{local_time(w['time'])}）")
        if fa:
            parts.append(f"标为误报：{fa['by']}，{fa['reason']}（{local_time(fa['time'])}）")
        disposition = "；".join(parts) or ("未处理" if f["severity"] in ("block", "high") else "未单独处理")
        findings.append([i, SEVERITY_LABELS.get(f["severity"], f["severity"]), f["text"], message_text(f["message"]),
                         f["where"],
                         disposition])
    signs = [[s["level"], s["decision_label"], s["opinion"] or "—", f"{s['signer']}（{s['role_label']}{'，' + s['unit'] if s['unit'] else ''}{'，外单位' if s.get('foreign') else ''}）",
              local_time(s["time"]), "本版" if s["current"] else f"第 {s['version']} 版"] for s in data["signoffs"]]
    kept = "；".join(f"第 {s['level']} 级 {s['receipt']}" for s in data["signoffs"] if s.get("receipt"))
    receipt_note = (f"签署回执（台帐记录号-哈希前缀）：{kept}。回执另行留存，可用 mishen ledger verify --receipt "
                    "核验台帐中该条记录未被删除或改写。") if kept else ""
    return [
        ("heading", "一、文稿"), ("table", (["项目", "内容"], ident, [36, 120])),
        ("heading", f"二、发现的问题及处理（{len(findings)} 处）"),
        ("table", (["序号", "级别", "内容", "说明", "位置", "处理"], findings or [["—", "—", "未发现问题", "", "", ""]],
                   [10, 17, 26, 39, 26, 38])),
        ("heading", "三、审核签署"),
        ("table", (["级别", "决定", "意见", "签署人", "时间", "版本"], signs or [["—", "尚无签署", "", "", "", ""]],
                   [9, 12, 40, 35, 36, 12])),
        ("heading", f"四、征求意见（{len(consultations)} 次）"),
        ("table", (["单位", "发出时间", "答复期限", "答复/视为同意", "意见", "版本"],
                   consultation_rows(consultations) or [["—", "未征求其他单位意见", "", "", "", ""]],
                   [24, 28, 30, 42, 28, 16])),
        ("heading", "五、台帐核验"),
        ("text", f"本审查单输出时台帐末条：第 {head_seq} 条，哈希 {head_hash}。"
                 "可用 mishen ledger verify 核验台帐完整性；所有签署均为签署人私钥的电子签名。"),
        *([("text", receipt_note)] if receipt_note else []),
    ]


def export_review_sheet(ledger: Ledger, review_id: str, output: str | os.PathLike[str], *,
                        fmt: str | None = None, by: KeySigner | None = None) -> Path:
    """`by`: the logged-in user's key (the export is recorded as theirs), else the workstation's."""
    path = Path(output)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind not in ("docx", "pdf"):
        raise ExportError("保密审查单只能输出为 docx 或 pdf。", code="bad_format")
    review = load_review(ledger, review_id)
    head = ledger.head()
    blocks = sheet_blocks(review, head.seq, head.hash, false_alarms(ledger, review), signoff_receipts(ledger, review),
                          consultations_for(ledger, review.id))
    title = "信息发布保密审查单"
    footer = f"审核单 {review.id}  台帐末条 {head.seq} / {head.hash[:16]}…"

    def record(tmp: Path) -> None:  # in the ledger before the file is in place: no unrecorded sheet
        record_export(ledger, "review_sheet", path, sha256_hex(tmp.read_bytes()), head.seq, head.hash, by,
                      review_id=review.id)

    if kind == "pdf":
        atomic_write(path, lambda tmp: write_pdf(tmp, title, blocks, footer=footer), record)
    else:
        atomic_write(path, lambda tmp: write_docx(tmp, title, blocks, footer=footer), record)
    return path
