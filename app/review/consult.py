"""Consultation (征求意见) of another unit about a review, on the official working-day calendar.

- `send_consultation` (asking unit): the 保密管理员 signs a letter with the unit identity key — the
  document, its findings and this unit's opinion (第十一条) — addressed to a registered peer, due
  5 working days after the day it is sent (第十二条, `app.calendar`); recorded `consultation_sent`,
  signed by that 保密管理员.
- `read_letter` / `reply_consultation` (consulted unit): the letter must come from a registered
  peer and be addressed to this unit; the reply (同意公开 / 修改后同意公开 / 不同意公开 and the
  opinion) is signed with this unit's identity key and recorded `consultation_answered`.
- `import_reply` (asking unit): the reply must come from the unit consulted, about exactly the letter
  sent; recorded `consultation_replied` (the signed reply inside, workstation key: nobody logged in).
- `settle_overdue`: a consultation with no reply after its due date is recorded
  `consultation_deemed_agreed` (视为同意, 第十三条) by the workstation, with the computed date.
  Called when reviews are listed or shown and before every sign-off.
- `consultations_for`: the state of each consultation; `sign_review` refuses approval while one
  is open (`consultation_blocker`)."""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.calendar import WorkdayCalendar, calendar_for
from app.exports.atomic import atomic_write
from app.ledger.canonical import sha256_hex
from app.ledger.store import Ledger
from app.ledger.trust import fingerprint
from app.peers.identity import unit_public_key, unlock_unit
from app.peers.model import Peer
from app.peers.service import find_peer, list_peers
from app.plain_text import control_problem
from app.review.consult_model import (
    ANSWERED,
    CONSULT_KINDS,
    DEEMED,
    REPLIED,
    SENT,
    WORKING_DAYS,
    Consultation,
    ConsultDecision,
    ConsultStatus,
    consultation_blocker,
    local_date,
    project_consultations,
)
from app.review.consult_package import LETTER_FORMAT, REPLY_FORMAT, read_signed, signed_file
from app.review.documents import read_stored
from app.review.gating import Verdict, review_state
from app.review.model import Review, Status
from app.review.package import PackageError
from app.review.projection import ReviewError
from app.review.service import load_review
from app.users.service import unlock


class ConsultError(ReviewError):
    code = "consultation_error"


@dataclass(frozen=True, slots=True)
class Letter:
    """A consultation letter as the consulted unit reads it (after the trust check)."""

    consultation_id: str
    review_id: str
    title: str
    from_unit: str
    from_fingerprint: str
    sent_date: date
    due_date: date
    opinion: str                      # the asking unit's opinion and basis (第十一条(二))
    document_name: str
    document_sha256: str
    findings: tuple[dict[str, str], ...]
    package_sha256: str
    answered: bool


@dataclass(frozen=True, slots=True)
class ReplySent:
    consultation_id: str
    review_id: str
    decision: ConsultDecision
    path: Path
    seq: int


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now()).astimezone()


def _plain(label: str, text: str) -> str:
    problem = control_problem(label, text, multiline=True)
    if problem:
        raise ConsultError(problem, code="control_characters")
    return text.strip()


def find_unit(ledger: Ledger, to: str) -> Peer:
    """A registered peer by unit name or fingerprint (spaces and case ignored)."""
    wanted = to.strip()
    norm = wanted.replace(" ", "").lower()
    peers = list_peers(ledger)
    by_fp = [p for p in peers if p.fingerprint.replace(" ", "").lower() == norm]
    by_name = [p for p in peers if p.unit_name == wanted]
    hits = by_fp or by_name
    if len(hits) == 1:
        return hits[0]
    if not hits:
        known = "、".join(p.unit_name for p in peers) or "（尚未登记任何外单位）"
        raise ConsultError(f"“{wanted}”不是已登记的外单位（已登记：{known}）。征求意见只能发给登记过的单位："
                           "请先交换单位身份（mishen peers export / peers add）。", code="unregistered_peer")
    fps = "、".join(p.fingerprint for p in hits)
    raise ConsultError(f"有多个名为“{wanted}”的已登记单位，请用指纹指定（{fps}）。", code="ambiguous_peer")


def consultations_for(ledger: Ledger, review_id: str | None = None) -> tuple[Consultation, ...]:
    events = ledger.events(kinds=CONSULT_KINDS, review_id=review_id)
    return project_consultations(events)


def current_consultations(ledger: Ledger, review_id: str) -> tuple[Consultation, ...]:
    """The consultations about the review's current version (a new version is consulted afresh)."""
    review = load_review(ledger, review_id)
    return tuple(c for c in consultations_for(ledger, review.id) if c.document_sha256 == review.current.sha256)


def send_consultation(ledger: Ledger, review_id: str, *, to: str, output: str | os.PathLike[str], admin: str,
                      password: str, opinion: str = "", calendar: WorkdayCalendar | None = None,
                      now: datetime | None = None) -> Consultation:
    """Write the signed letter to `output` and record `consultation_sent`. Raises ConsultError,
    AuthError (password), PackageError."""
    opinion = _plain("本单位意见", opinion)
    review = load_review(ledger, review_id)
    state = review_state(review)
    if state.status in (Status.APPROVED, Status.REJECTED):
        raise ConsultError(f"审核单已{state.status.label}，不能再征求意见。", code="review_closed")
    peer = find_unit(ledger, to)
    user, user_signer = unlock(ledger, admin, password, attempt=f"就审核单 {review.id} 征求{peer.unit_name}意见")
    unit = unlock_unit(ledger, admin, password)
    cal = calendar or calendar_for(ledger.data_dir)
    moment = _now(now)
    sent = moment.date()
    due = cal.add_working_days(sent, WORKING_DAYS)
    warning = cal.warning(sent, due)
    v = review.current
    if any(c.to_key == peer.public_key and c.status is ConsultStatus.OPEN and c.document_sha256 == v.sha256
           for c in consultations_for(ledger, review.id)):
        raise ConsultError(f"已就本审核单当前版本征求{peer.unit_name}的意见，尚未答复。", code="already_consulted")
    cid = f"{review.id}-c{uuid.uuid4().hex[:6]}"
    text = opinion or f"拟公开。经本单位保密审查，当前版本（第 {v.number} 版）发现问题 {len(v.findings)} 处。"
    body: dict[str, Any] = {
        "consultation_id": cid, "review_id": review.id, "title": review.title, "review_unit": review.unit,
        "from": {"unit_name": unit.unit_name, "public_key": unit.public_key, "ledger_id": ledger.ledger_id},
        "to": {"unit_name": peer.unit_name, "public_key": peer.public_key, "ledger_id": peer.ledger_id},
        "sent_time": moment.isoformat(timespec="seconds"), "sent_date": sent.isoformat(), "due_date": due.isoformat(),
        "working_days": WORKING_DAYS, "calendar_version": cal.version, "opinion": text, "by": user.name,
        "version": v.number,
        "findings": [{"id": f.id, "severity": f.severity.value, "category": f.category, "text": f.text,
                      "rule": f.rule, "where": f.where} for f in v.findings],
        "document": {"name": v.name, "sha256": v.sha256,
                     "data": base64.b64encode(read_stored(ledger.data_dir, v.sha256)).decode("ascii")}}
    raw = signed_file(LETTER_FORMAT, body, unit.signer)
    out = Path(output)

    def record(_tmp: Path) -> None:
        with ledger.transaction() as tx:
            tx.append(SENT, {"review_id": review.id, "consultation_id": cid, "to_unit": peer.unit_name,
                             "to_key": peer.public_key, "to_ledger": peer.ledger_id, "sent_date": sent.isoformat(),
                             "due_date": due.isoformat(), "working_days": WORKING_DAYS,
                             "calendar_version": cal.version, "calendar_warning": warning, "version": v.number,
                             "document_sha256": v.sha256, "file": out.name, "package_sha256": sha256_hex(raw),
                             "opinion": text, "by": user.name}, user_signer)

    atomic_write(out, lambda tmp: tmp.write_bytes(raw), record)
    return next(c for c in consultations_for(ledger, review.id) if c.id == cid)


def _trusted_sender(ledger: Ledger, body: dict[str, Any], what: str) -> Peer:
    sender = body["from"]
    peer = find_peer(ledger, str(sender["public_key"]))
    if peer is None or peer.ledger_id != sender.get("ledger_id"):
        raise PackageError(f"{what}来自未登记的单位（自称“{sender.get('unit_name', '')}”，指纹 "
                           f"{fingerprint(str(sender['public_key']))}），已拒绝，台帐未改动。请与对方核对指纹后，"
                           "由保密管理员执行 mishen peers add 对方的身份文件。", code="unregistered_peer")
    return peer


def read_letter(ledger: Ledger, path: str | os.PathLike[str]) -> tuple[Letter, dict[str, Any], bytes]:
    """Verify a letter at the consulted unit: signed, from a registered peer, addressed here."""
    body, _sig, sha = read_signed(path, LETTER_FORMAT)
    try:
        peer = _trusted_sender(ledger, body, "征求意见函")
        if body["to"]["public_key"] != unit_public_key(ledger) or body["to"].get("ledger_id") != ledger.ledger_id:
            raise PackageError(f"这份征求意见函是发给“{body['to'].get('unit_name', '')}”的，不是本单位，已拒绝。",
                               code="not_addressed_here")
        data = base64.b64decode(body["document"]["data"], validate=True)
        if sha256_hex(data) != body["document"]["sha256"]:
            raise PackageError("征求意见函中的文稿与其哈希值不符，已拒绝。", code="consultation_invalid")
        answered = any(e.payload.get("consultation_id") == body["consultation_id"]
                       for e in ledger.events(kinds=(ANSWERED,)))
        letter = Letter(str(body["consultation_id"]), str(body["review_id"]), str(body.get("title", "")),
                        peer.unit_name, peer.fingerprint, date.fromisoformat(str(body["sent_date"])),
                        date.fromisoformat(str(body["due_date"])), str(body.get("opinion", "")),
                        str(body["document"]["name"]), str(body["document"]["sha256"]),
                        tuple({k: str(f.get(k, "")) for k in ("id", "severity", "category", "text", "rule", "where")}
                              for f in body.get("findings", [])), sha, answered)
    except PackageError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(f"征求意见函内容不符合格式（{type(exc).__name__}），已拒绝。",
                           code="consultation_invalid") from exc
    return letter, body, data


def reply_consultation(ledger: Ledger, letter_path: str | os.PathLike[str], *, decision: ConsultDecision,
                       opinion: str, output: str | os.PathLike[str], admin: str, password: str,
                       now: datetime | None = None) -> ReplySent:
    """The consulted unit's 保密管理员 signs the reply with the unit identity key."""
    opinion = _plain("答复意见", opinion)
    if decision is not ConsultDecision.AGREE and not opinion:
        raise ConsultError(f"“{decision.label}”须写明意见（--opinion）：哪些内容、为什么。", code="opinion_required")
    letter, _body, _data = read_letter(ledger, letter_path)
    if letter.answered:
        raise ConsultError(f"本单位已答复过征求意见 {letter.consultation_id}。", code="already_answered")
    user, user_signer = unlock(ledger, admin, password, attempt=f"答复征求意见 {letter.consultation_id}")
    unit = unlock_unit(ledger, admin, password)
    moment = _now(now)
    reply = {"consultation_id": letter.consultation_id, "review_id": letter.review_id,
             "letter_sha256": letter.package_sha256,
             "from": {"unit_name": unit.unit_name, "public_key": unit.public_key, "ledger_id": ledger.ledger_id},
             "decision": decision.value, "opinion": opinion or decision.label, "by": user.name,
             "time": moment.isoformat(timespec="seconds"), "reply_date": moment.date().isoformat()}
    raw = signed_file(REPLY_FORMAT, reply, unit.signer)
    out = Path(output)
    seq = 0

    def record(_tmp: Path) -> None:
        nonlocal seq
        with ledger.transaction() as tx:
            if any(e.payload.get("consultation_id") == letter.consultation_id for e in ledger.events(kinds=(ANSWERED,))):
                raise ConsultError(f"本单位已答复过征求意见 {letter.consultation_id}。", code="already_answered")
            seq = tx.append(ANSWERED, {"review_id": letter.review_id, "consultation_id": letter.consultation_id,
                                       "from_unit": letter.from_unit, "letter_sha256": letter.package_sha256,
                                       "due_date": letter.due_date.isoformat(), "decision": decision.value,
                                       "opinion": reply["opinion"], "file": out.name,
                                       "reply_sha256": sha256_hex(raw), "by": user.name}, user_signer).seq

    atomic_write(out, lambda tmp: tmp.write_bytes(raw), record)
    return ReplySent(letter.consultation_id, letter.review_id, decision, out, seq)


def import_reply(ledger: Ledger, path: str | os.PathLike[str]) -> tuple[Consultation, bool]:
    """Record a reply at the asking unit; returns (consultation, newly recorded). Refused unless it
    comes from the unit consulted (a registered peer) about the letter that was sent."""
    body, signature, sha = read_signed(path, REPLY_FORMAT)
    try:
        peer = _trusted_sender(ledger, body, "答复意见")
        cid = str(body["consultation_id"])
        sent = next((c for c in consultations_for(ledger) if c.id == cid), None)
        if sent is None:
            raise ConsultError(f"本机没有编号为 {cid} 的征求意见，答复未记录。", code="not_found")
        if peer.public_key != sent.to_key:
            raise PackageError(f"征求意见 {cid} 是发给“{sent.to_unit}”的，这份答复来自“{peer.unit_name}”，已拒绝。",
                               code="wrong_unit")
        if str(body["letter_sha256"]) != sent.package_sha256:
            raise PackageError("答复针对的征求意见函与本机发出的不符，已拒绝。", code="consultation_invalid")
        decision = ConsultDecision(str(body["decision"]))
        reply_date = date.fromisoformat(str(body["reply_date"]))
        problem = control_problem("答复意见", str(body.get("opinion", "")), multiline=True)
        if problem:
            raise PackageError(f"答复意见含控制字符，已拒绝：{problem}", code="control_characters")
    except (PackageError, ConsultError):
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackageError(f"答复意见内容不符合格式（{type(exc).__name__}），已拒绝。",
                           code="consultation_invalid") from exc
    if sent.status is ConsultStatus.REPLIED:
        return sent, False
    with ledger.transaction() as tx:
        tx.append(REPLIED, {"review_id": sent.review_id, "consultation_id": cid, "from_unit": peer.unit_name,
                            "from_key": peer.public_key, "reply": body, "reply_signature": signature,
                            "reply_sha256": sha, "on_time": reply_date <= sent.due_date,
                            "decision": decision.value}, ledger.workstation_signer())
    done = next(c for c in consultations_for(ledger, sent.review_id) if c.id == cid)
    return done, True


def settle_overdue(ledger: Ledger, *, review_id: str | None = None, now: datetime | None = None) -> list[Consultation]:
    """Record 视为同意 for every open consultation whose due date has passed (the local date of `now`
    is after it). A read-only ledger records nothing. Returns the consultations settled."""
    if ledger.read_only:
        return []
    today = _now(now).date()
    due = [c for c in consultations_for(ledger, review_id) if c.status is ConsultStatus.OPEN and c.due_date < today]
    if not due:
        return []
    with ledger.transaction() as tx:
        fresh = {c.id for c in consultations_for(ledger, review_id) if c.status is ConsultStatus.OPEN}
        for c in due:
            if c.id in fresh:
                tx.append(DEEMED, {"review_id": c.review_id, "consultation_id": c.id, "to_unit": c.to_unit,
                                   "due_date": c.due_date.isoformat(),
                                   "deemed_date": (c.due_date + timedelta(days=1)).isoformat(),
                                   "recorded_on": today.isoformat(),
                                   "basis": "政府信息公开保密审查制度 第十三条：5 个工作日内不答复的，视为同意公开"},
                          ledger.workstation_signer())
    ids = {c.id for c in due}
    return [c for c in consultations_for(ledger, review_id) if c.id in ids]


__all__ = ["ConsultError", "Letter", "ReplySent", "consultation_verdicts", "consultations_for", "current_consultations", "find_unit",
           "import_reply", "local_date", "read_letter", "reply_consultation", "send_consultation", "settle_overdue"]


def consultation_verdicts(ledger: Ledger, review: Review) -> list[Verdict]:
    """For `app.review.service.outside_blockers`: a refusal while a consultation of the current
    version is open. Reads only (the sign path settles overdue ones first: `settle_overdue`)."""
    items = [c for c in consultations_for(ledger, review.id) if c.document_sha256 == review.current.sha256]
    blocker = consultation_blocker(items)
    return [] if blocker is None else [Verdict(False, blocker[0], blocker[1])]
