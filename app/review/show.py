"""A review as JSON (for the UI and scripts) and as text (for the terminal)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.ledger.store import Ledger
from app.plain_text import printable
from app.review.false_alarms import FalseAlarm, false_alarms
from app.review.gating import review_state
from app.review.model import Review
from app.review.service import load_review
from app.users.model import ROLE_LABELS, Role


def role_label(value: str) -> str:
    try:
        return ROLE_LABELS[Role(value)]
    except ValueError:
        return value


def signer_display(name: str, unit: str, role: str, imported_from: str) -> str:
    """A signer as printed: another unit's signer always carries the unit and 外单位, so a
    foreign 张某 is never read as the local 张某."""
    if not imported_from:
        return name
    return f"{name}（{unit or role_label(role)}，外单位）"


def signoff_receipts(ledger: Ledger, review: Review) -> dict[str, str]:
    """Statement signature -> receipt (`#seq-hash`) for the sign-offs recorded in this ledger."""
    from app.ledger.receipt import receipt_for

    out: dict[str, str] = {}
    for s in review.signoffs:
        ev = ledger.event(s.seq)
        if ev is not None and ev.kind == "signed" and ev.payload.get("statement_signature") == s.signature:
            out[s.signature] = receipt_for(ev)
    return out


def review_to_json(review: Review, head_seq: int, head_hash: str,
                   false_alarms: Mapping[str, FalseAlarm] | None = None,
                   receipts: Mapping[str, str] | None = None) -> dict[str, Any]:
    state = review_state(review)
    dismissed = false_alarms or {}
    v = review.current
    waived = {w.finding_id: w for w in review.current_waivers}
    from app.review.dispositions import disposition_of

    def decided(fid: str) -> dict[str, Any] | None:
        found = disposition_of(review, fid)
        if found is None:
            return None
        d, s = found
        return {"kind": d.kind.value, "label": d.kind.label, "text": d.text, "level": s.level,
                "by": signer_display(s.signer, s.signer_unit, s.signer_role, s.imported_from), "time": s.time,
                "version": s.version}
    return {
        "id": review.id, "title": review.title, "unit": review.unit, "route": review.route.name,
        "route_title": review.route.title, "disclosure": review.disclosure.value,
        "disclosure_label": review.disclosure.label, "disclosure_reason": review.disclosure_reason,
        "opened": review.opened_time, "origin_ledger": review.origin_ledger,
        "status": state.status.value, "status_label": state.status.label, "message": state.message,
        "next_level": state.next_level, "required_levels": list(state.required_levels),
        "version": {"number": v.number, "sha256": v.sha256, "name": v.name, "size": v.size, "format": v.format,
                    "report_sha256": v.report_sha256, "engine_version": v.engine_version,
                    "lexicons": list(v.lexicons), "info_class": v.info_class.value,
                    "info_class_label": v.info_class.label, "suggested_class": v.suggested_class.value,
                    "class_overridden": v.class_overridden},
        "findings": [{"id": f.id, "severity": f.severity.value, "category": f.category, "text": f.text,
                      "message": f.message, "where": f.where,
                      "waived": None if f.id not in waived else {"by": signer_display(
                          waived[f.id].signer, "", waived[f.id].signer_role, waived[f.id].imported_from),
                                                                  "reason": waived[f.id].reason,
                                                                  "time": waived[f.id].time},
                      "false_alarm": None if f.id not in dismissed else {"by": dismissed[f.id].user,
                                                                         "reason": dismissed[f.id].reason,
                                                                         "time": dismissed[f.id].time},
                      "disposition": decided(f.id)}
                     for f in v.findings],
        "signoffs": [{"version": s.version, "level": s.level, "decision": s.decision.value,
                      "decision_label": s.decision.label, "opinion": s.opinion, "signer": s.signer,
                      "signer_display": signer_display(s.signer, s.signer_unit, s.signer_role, s.imported_from),
                      "foreign": bool(s.imported_from),
                      "role": s.signer_role, "role_label": role_label(s.signer_role), "unit": s.signer_unit, "time": s.time,
                      "current": s.version == v.number, "imported_from": s.imported_from,
                      "receipt": (receipts or {}).get(s.signature, ""),
                      "dispositions": [d.to_json() for d in s.dispositions]}
                     for s in review.signoffs],
        "versions": [{"number": x.number, "sha256": x.sha256, "name": x.name, "time": x.time,
                      "check": None if (c := review.check_into(x.number)) is None else {
                          "passed": c.passed, "level": c.level, "from_version": c.from_version,
                          "missing": list(c.missing), "new_serious": list(c.new_serious), "time": c.time,
                          "by": c.actor}}
                     for x in review.versions],
        "ledger_head": {"seq": head_seq, "hash": head_hash},
    }


def review_json(ledger: Ledger, review_id: str) -> dict[str, Any]:
    head = ledger.head()
    review = load_review(ledger, review_id)
    return review_to_json(review, head.seq, head.hash, false_alarms(ledger, review), signoff_receipts(ledger, review))


def review_text(ledger: Ledger, review_id: str) -> str:
    data = review_json(ledger, review_id)
    v = data["version"]
    lines = [f"审核单 {data['id']}：{data['title']}",
             f"  单位：{data['unit'] or '—'}    流程：{data['route_title']}    状态：{data['message']}",
             f"  文稿：{v['name']}（第 {v['number']} 版） SHA-256 {v['sha256']}",
             f"  扫描报告哈希：{v['report_sha256']}（引擎 {v['engine_version']}）",
             f"  信息类别：{v['info_class_label']}" + ("（系统建议：" + v['suggested_class'] + "，已人工调整）"
                                                    if v["class_overridden"] else ""),
             f"  公开属性：{data['disclosure_label']}" + (f"（理由：{data['disclosure_reason']}）"
                                                      if data["disclosure_reason"] else ""),
             f"  发现问题 {len(data['findings'])} 处："]
    for f in data["findings"]:
        waived = f["waived"]
        fa = f["false_alarm"]
        tail = f"  [已豁免：{waived['by']}，{waived['reason']}]" if waived else (
            f"  [标为误报：{fa['by']}，{fa['reason']}]" if fa else "")
        if f["disposition"]:
            d = f["disposition"]
            tail += f"  [第 {d['level']} 级 {d['by']}：{d['label']}，{d['text']}]"
        lines.append(f"    [{f['severity']}] {f['id']} “{f['text']}” {f['message']}{tail}")
    lines.append("  签署记录：")
    for s in data["signoffs"]:
        mark = "" if s["current"] else "（旧版本）"
        opinion = f"，意见：{s['opinion']}" if s["opinion"] else ""
        receipt = f"  回执 {s['receipt']}" if s.get("receipt") else ""
        who = s["signer_display"] if s["foreign"] else f"{s['signer']}（{s['role_label']}）"
        lines.append(f"    第 {s['level']} 级 {s['decision_label']} — {who}{s['time']}{opinion}{mark}{receipt}")
    if len(data["versions"]) > 1:
        lines.append("  版本：")
        for x in data["versions"]:
            c = x["check"]
            note = "" if c is None else ("，修改稿核验通过" if c["passed"] else f"，修改稿核验未通过（退回第 {c['level']} 级）")
            lines.append(f"    第 {x['number']} 版 {x['name']} {x['sha256'][:16]}… {x['time']}{note}")
    from app.redact.record import redaction_lines  # partial-disclosure copies (issue 12)

    lines += redaction_lines(ledger, review_id)
    head = data["ledger_head"]
    lines.append(f"  台帐末条：第 {head['seq']} 条 {head['hash']}")
    return printable("\n".join(lines))  # an escape sequence in an old opinion must not drive the terminal
