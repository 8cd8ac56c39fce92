"""Opening, signing and waiving: each checks the pure gating rules inside the ledger's write
transaction (so two workstations' clerks cannot both sign level 2) and writes all or nothing."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from app.ledger.canonical import canonical_bytes, now_iso
from app.ledger.crypto import KeySigner
from app.ledger.store import Ledger, Transaction
from app.plain_text import control_problem, printable
from app.review.documents import file_sha256, read_document_bytes, read_stored, store_document
from app.review.gating import (
    Verdict,
    check_disclosure_reason,
    check_sign,
    check_waive,
    review_state,
    suggest_class,
)
from app.review.model import Decision, Disclosure, FindingRef, InfoClass, Review, SignOff, Status, Waiver
from app.review.projection import REVIEW_KINDS, ReviewError, project
from app.review.route_registry import require_registered
from app.review.routes import load_route
from app.review.scanning import Scanner, ScanResult, default_scanner, findings_json
from app.users.service import unlock


def _refuse(verdict: Verdict) -> None:
    if not verdict.allowed:
        raise ReviewError(verdict.reason, code=verdict.code)


def _plain(label: str, text: str, *, multiline: bool = True) -> str:
    """Refuse control characters in text a person typed (they break every later export)."""
    problem = control_problem(label, text, multiline=multiline)
    if problem:
        raise ReviewError(problem, code="control_characters")
    return text


def load_review(ledger: Ledger, review_id: str) -> Review:
    return project(review_id, ledger.events(review_id=review_id.strip()))


def list_reviews(ledger: Ledger) -> list[Review]:
    ids: list[str] = []
    for ev in ledger.events(kinds=("review_opened", "package_imported")):
        rid = ev.review_id
        if rid and rid not in ids:
            ids.append(rid)
    return [load_review(ledger, rid) for rid in ids]


def _scan(path: Path, data: bytes, scanner: Scanner | None, data_dir: Path | None = None) -> ScanResult:
    result = (scanner or default_scanner(data_dir))(path)
    if result.report.error:
        raise ReviewError(f"无法读取文稿 {path}：{result.report.error}", code="unreadable")
    import hashlib

    if result.report.sha256 != hashlib.sha256(data).hexdigest():
        raise ReviewError(f"文稿 {path} 在扫描过程中被修改，请重试。", code="document_changed")
    return result


def _scan_payload(review_id: str, version: int, path: Path, data: bytes, sha: str, result: ScanResult,
                  info_class: InfoClass | None) -> dict[str, Any]:
    findings = [FindingRef.from_report(f) for f in findings_json(result.pinned)]
    suggested = suggest_class(findings)
    chosen = info_class or suggested
    return {"review_id": review_id, "version": version,
            "document": {"sha256": sha, "name": path.name, "size": len(data), "format": result.report.format,
                         "source_path": str(path.resolve())},
            "report_sha256": result.sha256, "report": result.pinned,
            "suggested_class": suggested.value, "info_class": chosen.value,
            "class_overridden": chosen is not suggested}


def _note_lexicons(ledger: Ledger, tx: Transaction, result: ScanResult, signer: KeySigner) -> None:
    """Record `lexicon_changed` when this scan used a different set of lexicons (name, version,
    hash) from the last one recorded, so an inspector sees which lexicons every review ran on."""
    tool = result.pinned.get("tool") if isinstance(result.pinned, dict) else None
    lexicons = tool.get("lexicons", []) if isinstance(tool, dict) else []
    current = sorted(({"name": str(x.get("name")), "version": str(x.get("version")), "sha256": str(x.get("sha256"))}
                      for x in lexicons if isinstance(x, dict)), key=lambda x: (x["name"], x["sha256"]))
    previous = ledger.events(kinds=("lexicon_changed",))
    if previous and previous[-1].payload.get("lexicons") == current:
        return
    tx.append("lexicon_changed", {"lexicons": current,
                                  "previous": previous[-1].payload.get("lexicons") if previous else None}, signer)


def new_review_id() -> str:
    return f"{datetime.now():%Y%m%d}-{uuid.uuid4().hex[:8]}"


def open_review(ledger: Ledger, path: str | os.PathLike[str], *, title: str = "", unit: str = "",
                info_class: InfoClass | None = None, disclosure: Disclosure = Disclosure.PROACTIVE,
                reason: str = "", route: str | None = None, scanner: Scanner | None = None,
                by: KeySigner | None = None) -> Review:
    """Scan the file, keep a content-addressed copy, record `review_opened` and `scan_recorded`,
    signed by `by` (the logged-in officer's unlocked key) or else by the workstation key."""
    _plain("标题", title, multiline=False)
    _plain("报送单位", unit, multiline=False)
    _plain("不公开理由", reason)
    _refuse(check_disclosure_reason(disclosure.value, reason))
    the_route = load_route(route, ledger.data_dir)
    require_registered(ledger, the_route)
    p = Path(path)
    data = read_document_bytes(p)
    result = _scan(p, data, scanner, ledger.data_dir)
    sha, _ = store_document(ledger.data_dir, data)
    review_id = new_review_id()
    signer = by or ledger.workstation_signer()
    with ledger.transaction() as tx:
        _note_lexicons(ledger, tx, result, signer)
        tx.append("review_opened", {"review_id": review_id, "title": title.strip() or printable(p.stem), "unit": unit.strip(),
                                    "route": the_route.to_json(), "disclosure": disclosure.value,
                                    "disclosure_reason": reason.strip()}, signer)
        tx.append("scan_recorded", _scan_payload(review_id, 1, p, data, sha, result, info_class), signer)
    return load_review(ledger, review_id)


def resubmit(ledger: Ledger, review_id: str, path: str | os.PathLike[str], *,
             info_class: InfoClass | None = None, scanner: Scanner | None = None,
             by: KeySigner | None = None) -> Review:
    """A new version (after 退回修改 or 修改后发布, or an edit during review): scanned again, and it
    goes through every level again; earlier sign-offs do not carry over. Signed by `by` (who
    submitted it) or else by the workstation key."""
    p = Path(path)
    data = read_document_bytes(p)
    result = _scan(p, data, scanner, ledger.data_dir)
    sha, _ = store_document(ledger.data_dir, data)
    signer = by or ledger.workstation_signer()
    with ledger.transaction() as tx:
        review = load_review(ledger, review_id)
        state = review_state(review)
        if state.status in (Status.APPROVED, Status.REJECTED):
            raise ReviewError(f"审核单已{state.status.label}，不能再提交新版本；如需发布修改稿请新开审核单。",
                              code="review_closed")
        if sha == review.current.sha256:
            raise ReviewError("文稿与当前版本相同，未作修改。", code="unchanged")
        cls = info_class or (review.current.info_class if review.current.class_overridden else None)
        _note_lexicons(ledger, tx, result, signer)
        tx.append("scan_recorded", _scan_payload(review.id, review.current.number + 1, p, data, sha, result, cls),
                  signer)
    return load_review(ledger, review_id)


def _disk_sha(review: Review) -> str | None:
    src = review.current.source_path
    if not src or not Path(src).is_file():
        return None
    try:
        return file_sha256(src)
    except OSError:
        return None


def _statement_base(tx: Transaction, review: Review, user_role: str, unit: str, signer: KeySigner) -> dict[str, Any]:
    return {"review_id": review.id, "version": review.current.number, "document_sha256": review.current.sha256,
            "scan_report_sha256": review.current.report_sha256, "prev_hash": tx.head.hash, "time": now_iso(),
            "signer": signer.actor, "signer_role": user_role, "signer_unit": unit, "signer_key": signer.public_key}


def outside_blockers(ledger: Ledger, review: Review, level: int) -> list[Verdict]:
    """Refusals from other ledger records that stop a level from approving (hook point: issue 9b
    adds its open-consultation check here). Empty means nothing outside the review blocks."""
    from app.review.consult import consultation_verdicts

    return consultation_verdicts(ledger, review)


def sign_review(ledger: Ledger, review_id: str, *, level: int, user: str, password: str, decision: Decision,
                opinion: str = "") -> SignOff:
    """Sign one level. Raises AuthError (password), ReviewError (a gating code), DocumentError."""
    _plain("签署意见", opinion)
    who, signer = unlock(ledger, user, password, attempt=f"签署审核单 {review_id} 第 {level} 级")
    from app.review.consult import settle_overdue

    settle_overdue(ledger, review_id=review_id)  # 视为同意 after the due date, recorded before the sign-off
    with ledger.transaction() as tx:
        review = load_review(ledger, review_id)
        read_stored(ledger.data_dir, review.current.sha256)
        _refuse(check_sign(review, level, who.role, decision, opinion, _disk_sha(review)))
        if decision in (Decision.APPROVE, Decision.ESCALATE):
            for refusal in outside_blockers(ledger, review, level):
                _refuse(refusal)
        statement = {"type": "signoff", "level": level, "decision": decision.value, "opinion": opinion.strip(),
                     **_statement_base(tx, review, who.role.value, who.unit, signer)}
        tx.append("signed", {"review_id": review.id, "statement": statement,
                             "statement_signature": signer.sign(canonical_bytes(statement))}, signer)
    done = load_review(ledger, review_id)
    return done.signoffs[-1]


def waive_finding(ledger: Ledger, review_id: str, *, finding_id: str, user: str, password: str,
                  reason: str) -> Waiver:
    """Record who waived which block finding and why (level-3-or-higher reviewers only)."""
    if not reason.strip():
        raise ReviewError("豁免须填写理由。", code="reason_required")
    _plain("豁免理由", reason)
    who, signer = unlock(ledger, user, password, attempt=f"豁免审核单 {review_id} 的问题 {finding_id}")
    with ledger.transaction() as tx:
        review = load_review(ledger, review_id)
        _refuse(check_waive(review, finding_id, who.role, reason))
        finding = next(f for f in review.current.findings if f.id == finding_id)
        statement = {"type": "waiver", "finding_id": finding_id, "finding_severity": finding.severity.value,
                     "finding_text": finding.text, "reason": reason.strip(),
                     **_statement_base(tx, review, who.role.value, who.unit, signer)}
        tx.append("finding_waived", {"review_id": review.id, "statement": statement,
                                     "statement_signature": signer.sign(canonical_bytes(statement))}, signer)
    return load_review(ledger, review_id).waivers[-1]


__all__ = ["REVIEW_KINDS", "ReviewError", "list_reviews", "load_review", "open_review", "resubmit",
           "sign_review", "waive_finding"]
