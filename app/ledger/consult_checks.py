"""`ledger verify`'s checks of consultation entries (征求意见, app.review.consult), chain order:

- `consultation_sent` and `consultation_answered` are signed by a 保密管理员 (they sign with the
  unit identity key, which only a 保密管理员 can unlock); a letter goes to a registered peer;
- `consultation_replied` (recorded with the workstation key at import) carries the reply signed by
  the unit consulted — the same registered peer key the letter went to — about that letter;
- `consultation_deemed_agreed` (视为同意) refers to a consultation sent earlier, without a reply
  recorded before it, with the due date that consultation was sent with and the day after it.

That a 视为同意 entry was appended only after its due date is checked against the clock in
`app.ledger.clock_checks` (an entry's time is whatever the workstation clock said); a clock set
ahead and left there is bound only by the receipts and checkpoints kept outside."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.ledger.canonical import canonical_bytes
from app.ledger.crypto import verify_signature
from app.ledger.model import WORKSTATION, LedgerEvent

SECRECY_ADMIN = "secrecy_admin"
KINDS = ("consultation_sent", "consultation_answered", "consultation_replied", "consultation_deemed_agreed")
_NAMES = {"consultation_sent": "发出征求意见", "consultation_answered": "答复征求意见"}


@dataclass
class ConsultState:
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)   # consultation id -> sent payload
    replied: set[str] = field(default_factory=set)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def check_consultation(ev: LedgerEvent, state: ConsultState, roles: Mapping[str, str],
                       peers: Mapping[str, Mapping[str, Any]]) -> tuple[str, str] | None:
    """(code, Chinese reason) for the first rule `ev` breaks, or None; updates `state`."""
    p = ev.payload
    cid = str(p.get("consultation_id", ""))
    if ev.kind in _NAMES:
        if roles.get(ev.actor) != SECRECY_ADMIN:
            return "unentitled", f"第 {ev.seq} 条“{_NAMES[ev.kind]}”记录不是由保密管理员签署的（{ev.actor}）"
        if ev.kind == "consultation_sent":
            if str(p.get("to_key", "")) not in peers:
                return "unregistered_peer", f"第 {ev.seq} 条征求意见发给了未登记的单位（{p.get('to_unit')}）"
            state.sent.setdefault(cid, dict(p))
        return None
    sent = state.sent.get(cid)
    if sent is None or sent.get("review_id") != p.get("review_id"):
        return "unknown_consultation", f"第 {ev.seq} 条记录所指的征求意见 {cid} 不在本台帐中（或属于另一审核单）"
    if ev.actor != WORKSTATION:
        return "unentitled", f"第 {ev.seq} 条征求意见记录应由工作站记入，却由“{ev.actor}”签署"
    if ev.kind == "consultation_replied":
        reply, signature = p.get("reply"), p.get("reply_signature")
        if not isinstance(reply, Mapping) or not isinstance(signature, str):
            return "bad_signature", f"第 {ev.seq} 条答复记录缺少对方签名的答复原文"
        sender = reply.get("from")
        key = str(sender.get("public_key", "")) if isinstance(sender, Mapping) else ""
        if key != sent.get("to_key") or key not in peers:
            return "unregistered_peer", f"第 {ev.seq} 条答复不是来自被征求意见的已登记单位（{sent.get('to_unit')}）"
        if not verify_signature(key, signature, canonical_bytes(dict(reply))):
            return "bad_signature", f"第 {ev.seq} 条答复的签名无效（答复内容被改动）"
        if reply.get("consultation_id") != cid or reply.get("letter_sha256") != sent.get("package_sha256"):
            return "relinked", f"第 {ev.seq} 条答复针对的不是本台帐发出的那份征求意见函"
        if p.get("decision") not in (None, reply.get("decision")):
            return "edited", f"第 {ev.seq} 条答复记录所记的答复意见与对方签名的答复不符"
        state.replied.add(cid)
        return None
    if ev.kind == "consultation_deemed_agreed":
        due = _day(sent.get("due_date"))
        if cid in state.replied:
            return "edited", f"第 {ev.seq} 条把已答复的征求意见 {cid} 记为视为同意"
        if due is None or _day(p.get("due_date")) != due or _day(p.get("deemed_date")) != due + timedelta(days=1):
            return "edited", f"第 {ev.seq} 条视为同意记录的期限与发出征求意见时计算的期限（{sent.get('due_date')}）不符"
    return None
