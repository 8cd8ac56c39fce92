"""False alarms (误报): a reviewer records that a finding is not a problem, with a reason.

A false alarm is evidence, not a release: it is signed into the ledger (who, why, which finding of
which document version) and shown to later levels, but gating is unchanged — a `block` finding
still needs a level-3-or-higher waiver and a `high` finding still needs the level-3 sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ledger.crypto import KeySigner
from app.ledger.store import Ledger
from app.plain_text import control_problem
from app.review.model import Review
from app.review.projection import ReviewError
from app.users.service import require_user

KIND = "finding_dismissed"


@dataclass(frozen=True, slots=True)
class FalseAlarm:
    finding_id: str
    reason: str
    user: str
    time: str
    version: int
    document_sha256: str


def mark_false_alarm(ledger: Ledger, review: Review, *, finding_id: str, reason: str, user: str,
                     signer: KeySigner) -> FalseAlarm:
    """Record a false alarm on a finding of the review's current version. `signer` is the user's
    unlocked key (the window keeps it from login; the CLI unlocks it with the password)."""
    if not reason.strip():
        raise ReviewError("标为误报须填写理由。", code="reason_required")
    problem = control_problem("误报理由", reason)
    if problem:
        raise ReviewError(problem, code="control_characters")
    who = require_user(ledger, user)
    if signer.actor != who.name:
        raise ReviewError(f"签名密钥不属于用户“{who.name}”。", code="key_mismatch")
    version = review.current
    finding = next((f for f in version.findings if f.id == finding_id), None)
    if finding is None:
        raise ReviewError(f"审核单 {review.id} 的第 {version.number} 版没有编号为 {finding_id} 的问题。",
                          code="unknown_finding")
    payload = {"review_id": review.id, "version": version.number, "document_sha256": version.sha256,
               "finding_id": finding.id, "finding_severity": finding.severity.value,
               "finding_text": finding.text, "rule": finding.rule, "reason": reason.strip(), "user": who.name}
    with ledger.transaction() as tx:
        event = tx.append(KIND, payload, signer)
    return FalseAlarm(finding.id, reason.strip(), who.name, event.time, version.number, version.sha256)


def false_alarms(ledger: Ledger, review: Review) -> dict[str, FalseAlarm]:
    """False alarms recorded on the review's current version, by finding id (latest wins)."""
    out: dict[str, FalseAlarm] = {}
    for ev in ledger.events(kinds=(KIND, "draft_marks_recorded"), review_id=review.id):
        p = ev.payload
        if p.get("document_sha256") != review.current.sha256:
            continue
        if ev.kind == "draft_marks_recorded":  # marked before the review existed (app.review.drafts)
            for m in p.get("marks", []):
                st = m.get("statement", {}) if isinstance(m, dict) else {}
                if st.get("kind") == "false_alarm":
                    out[str(m["finding_id"])] = FalseAlarm(str(m["finding_id"]), str(st.get("reason", "")),
                                                           str(st.get("user", "")), str(st.get("time", ev.time)),
                                                           int(p.get("version", 0)), str(p["document_sha256"]))
            continue
        out[str(p["finding_id"])] = FalseAlarm(str(p["finding_id"]), str(p.get("reason", "")), ev.actor,
                                               ev.time, int(p.get("version", 0)), str(p["document_sha256"]))
    return out
