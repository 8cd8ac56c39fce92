"""Rebuild a review from its ledger entries (pure: entries in, frozen Review out)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.errors import MishenError
from app.ledger.model import LedgerEvent
from app.review.model import (
    Decision,
    Disclosure,
    DocumentVersion,
    FindingDecision,
    FindingRef,
    InfoClass,
    Review,
    RevisionCheck,
    SignOff,
    Waiver,
)
from app.review.routes import Route
from app.review.scanning import findings_json

REVIEW_KINDS = ("review_opened", "scan_recorded", "signed", "finding_waived", "package_imported", "revision_checked")


class ReviewError(MishenError):
    """Codes: not_found, unreadable, and every gating code (wrong_role, out_of_order, blocked…)."""

    code = "review_error"


def _signoff(payload: dict[str, Any], seq: int, origin: str, unit: str = "") -> SignOff:
    """`unit`: for another unit's signer, the unit name its 保密管理员 registered (not the signer's claim)."""
    st = payload["statement"]
    return SignOff(str(st["review_id"]), int(st["version"]), int(st["level"]), Decision(st["decision"]),
                   str(st.get("opinion", "")), str(st["signer"]), str(st.get("signer_role", "")),
                   unit or str(st.get("signer_unit", "")), str(st["signer_key"]), str(st["document_sha256"]),
                   str(st["scan_report_sha256"]), str(st["prev_hash"]), str(st["time"]),
                   str(payload["statement_signature"]), seq, origin or str(payload.get("imported_from", "")),
                   tuple(FindingDecision.from_json(d) for d in st.get("dispositions") or () if isinstance(d, dict)))


def _check(payload: dict[str, Any], ev: LedgerEvent) -> RevisionCheck:
    return RevisionCheck(int(payload["from_version"]), int(payload["to_version"]), str(payload["to_sha256"]),
                         bool(payload["passed"]), int(payload["level"]), str(payload.get("approval_signature", "")),
                         tuple(str(x) for x in payload.get("missing") or ()),
                         tuple(str(x) for x in payload.get("new_serious") or ()), ev.time, ev.seq, ev.actor)


def _confirmed(check: RevisionCheck, versions: dict[int, DocumentVersion], signoffs: list[SignOff]) -> RevisionCheck:
    """A recorded "passed" counts only when the ledger's own records agree: the versions follow
    each other, the new one has the recorded hash, the checked approval is in the ledger at that
    level, and on the pinned findings no 须修改 item is left and no new high item appeared. (The
    check that the changed text is gone from the file itself is recorded, not repeated here.)"""
    if not check.passed:
        return check
    from dataclasses import replace

    from app.review.revision import compare_versions

    old, new = versions.get(check.from_version), versions.get(check.to_version)
    approval = next((s for s in signoffs if s.signature == check.approval_signature), None)
    ok = (old is not None and new is not None and check.to_version == check.from_version + 1
          and new.sha256 == check.to_sha256 and approval is not None and approval.level == check.level
          and approval.version == check.from_version)
    if ok and old is not None and new is not None:
        ok = compare_versions("", old, [], new, [], approval).passed
    return check if ok else replace(check, passed=False)


def _waiver(payload: dict[str, Any], seq: int, origin: str) -> Waiver:
    st = payload["statement"]
    return Waiver(str(st["review_id"]), int(st["version"]), str(st["finding_id"]), str(st["reason"]),
                  str(st["signer"]), str(st.get("signer_role", "")), str(st["signer_key"]),
                  str(st["document_sha256"]), str(st["time"]), str(payload["statement_signature"]), seq,
                  origin or str(payload.get("imported_from", "")))


def version_from_payload(payload: dict[str, Any], ev: LedgerEvent) -> DocumentVersion:
    doc, pinned = payload["document"], payload["report"]
    tool = pinned.get("tool") or {}
    return DocumentVersion(
        int(payload["version"]), str(doc["sha256"]), str(doc["name"]), int(doc["size"]), str(doc.get("format") or ""),
        str(doc.get("source_path", "")), str(payload["report_sha256"]), str(tool.get("version", "")),
        tuple(tool.get("lexicons") or ()), tuple(FindingRef.from_report(f) for f in findings_json(pinned)),
        InfoClass(payload["suggested_class"]), InfoClass(payload["info_class"]), ev.time, ev.seq)


def project(review_id: str, events: Iterable[LedgerEvent]) -> Review:
    opened: dict[str, Any] | None = None
    opened_ev: LedgerEvent | None = None
    origin_ledger = ""
    versions: dict[int, DocumentVersion] = {}
    signoffs: list[SignOff] = []
    waivers: list[Waiver] = []
    checks: list[RevisionCheck] = []
    seen: set[str] = set()

    def take(ev: LedgerEvent, origin: str, units: dict[str, str]) -> None:
        nonlocal opened, opened_ev, origin_ledger
        payload = ev.payload
        if payload.get("review_id") != review_id:
            return
        if ev.kind == "review_opened" and opened is None:
            opened, opened_ev = payload, ev
        elif ev.kind == "scan_recorded":
            v = version_from_payload(payload, ev)
            versions.setdefault(v.number, v)
        elif ev.kind == "revision_checked":
            if not any(c.to_version == int(payload["to_version"]) for c in checks):
                checks.append(_check(payload, ev))
        elif ev.kind in ("signed", "finding_waived"):
            sig = str(payload.get("statement_signature"))
            if sig in seen:
                return
            seen.add(sig)
            if ev.kind == "signed":
                unit = str(payload.get("imported_unit") or units.get(str(payload["statement"].get("signer_key")), ""))
                signoffs.append(_signoff(payload, ev.seq, origin, unit if (origin or payload.get("imported_from")) else ""))
            else:
                waivers.append(_waiver(payload, ev.seq, origin))
        elif ev.kind == "package_imported":
            origin_ledger = origin_ledger or str(payload.get("origin_ledger", ""))
            inner = {str(u.get("public_key")): str(u.get("unit_name", "")) for u in payload.get("users", [])
                     if isinstance(u, dict)}
            for raw in payload.get("events", []):
                take(LedgerEvent.from_json(raw), str(payload.get("origin_ledger", "")), inner)

    for ev in events:
        take(ev, "", {})
    if opened is None or opened_ev is None or not versions:
        raise ReviewError(f"审核单 {review_id} 不存在。", code="not_found")
    checks = [_confirmed(c, versions, signoffs) for c in checks]
    return Review(
        id=review_id, title=str(opened.get("title", "")), unit=str(opened.get("unit", "")),
        route=Route.from_json(opened["route"]), disclosure=Disclosure(opened["disclosure"]),
        disclosure_reason=str(opened.get("disclosure_reason", "")), opened_time=opened_ev.time,
        opened_seq=opened_ev.seq, versions=tuple(versions[k] for k in sorted(versions)),
        signoffs=tuple(signoffs), waivers=tuple(waivers), origin_ledger=origin_ledger, checks=tuple(checks))
