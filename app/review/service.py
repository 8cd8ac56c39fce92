"""Opening, signing and waiving: each checks the pure gating rules inside the ledger's write
transaction (so two workstations' clerks cannot both sign level 2) and writes all or nothing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
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
from app.review.model import (
    Decision,
    Disclosure,
    DispositionKind,
    FindingRef,
    InfoClass,
    Review,
    SignOff,
    Status,
    Waiver,
)
from app.review.projection import REVIEW_KINDS, ReviewError, project, version_from_payload
from app.review.revision import VersionDiff
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
    from app.review.drafts import keep_only, load_drafts, record_drafts

    drafts = load_drafts(ledger.data_dir, sha)
    with ledger.transaction() as tx:
        _note_lexicons(ledger, tx, result, signer)
        tx.append("review_opened", {"review_id": review_id, "title": title.strip() or printable(p.stem), "unit": unit.strip(),
                                    "route": the_route.to_json(), "disclosure": disclosure.value,
                                    "disclosure_reason": reason.strip()}, signer)
        scan_ev = tx.append("scan_recorded", _scan_payload(review_id, 1, p, data, sha, result, info_class), signer)
        refused = record_drafts(tx, review_id, version_from_payload(scan_ev.payload, scan_ev), drafts, signer)
    if drafts:  # marks made before the review are in the ledger now; on disk stay the refused ones and
        # the 同意公开/须修改 proposals, which the deciding level's sign dialog pre-fills
        keep_only(ledger.data_dir, sha, tuple(m for m in drafts if m in refused or m.kind != "false_alarm"))
    return load_review(ledger, review_id)


def resubmit(ledger: Ledger, review_id: str, path: str | os.PathLike[str], *,
             info_class: InfoClass | None = None, scanner: Scanner | None = None,
             by: KeySigner | None = None) -> Review:
    """A new version (after 退回修改 or 修改后发布, or an edit during review): scanned again, and it
    goes through every level again; earlier sign-offs do not carry over — except after a
    conditional approval (待核验修改稿), see `submit_revision`. Signed by `by` (who submitted it)
    or else by the workstation key."""
    return submit_revision(ledger, review_id, path, info_class=info_class, scanner=scanner, by=by)[0]


def submit_revision(ledger: Ledger, review_id: str, path: str | os.PathLike[str], *,
                    info_class: InfoClass | None = None, scanner: Scanner | None = None,
                    by: KeySigner | None = None) -> tuple[Review, VersionDiff]:
    """Record the revised file as the next version and return it with the version diff. When the
    review waits for the revision of a conditional approval, the diff is also the check
    (`revision_checked`, in the same transaction): passed — the approvals carry over to the new
    version (可以发布 when no level is left); failed — the review goes back to the deciding level."""
    from app.review.dispositions import pending_condition
    from app.review.revision import compare_versions, stored_paragraphs

    p = Path(path)
    data = read_document_bytes(p)
    result = _scan(p, data, scanner, ledger.data_dir)
    sha, _ = store_document(ledger.data_dir, data)
    signer = by or ledger.workstation_signer()
    new_text = ([s.text for s in result.report.document.segments] if result.report.document is not None else [])
    before = load_review(ledger, review_id)
    # the old version's text is read before the write lock is taken (a large document takes a while)
    old_text = stored_paragraphs(ledger.data_dir, before.current)
    with ledger.transaction() as tx:
        review = load_review(ledger, review_id)
        if review.current.number != before.current.number:
            raise ReviewError("审核单刚被另一处更新（已有新版本），请重新提交。", code="concurrent_update")
        state = review_state(review)
        if state.status in (Status.APPROVED, Status.REJECTED):
            raise ReviewError(f"审核单已{state.status.label}，不能再提交新版本；如需发布修改稿请新开审核单。",
                              code="review_closed")
        if sha == review.current.sha256:
            raise ReviewError("文稿与当前版本相同，未作修改。", code="unchanged")
        old = review.current
        approval = pending_condition(review)
        cls = info_class or (old.info_class if old.class_overridden else None)
        _note_lexicons(ledger, tx, result, signer)
        scan_ev = tx.append("scan_recorded", _scan_payload(review.id, old.number + 1, p, data, sha, result, cls),
                            signer)
        diff = compare_versions(review.id, old, old_text, version_from_payload(scan_ev.payload, scan_ev), new_text,
                                approval)
        if approval is not None:
            tx.append("revision_checked", {
                "review_id": review.id, "from_version": old.number, "to_version": old.number + 1,
                "from_sha256": old.sha256, "to_sha256": sha, "level": approval.level,
                "approval_signature": approval.signature, "approval_signer": approval.signer,
                "passed": diff.passed, "required": [d.finding_id for d in diff.changes_required],
                "missing": [d.finding_text for d in diff.changes_missing],
                "new_serious": [f.text for f in diff.new_serious],
                "added": diff.added_count, "removed": diff.removed_count,
                "findings_gone": len(diff.findings_gone), "findings_new": len(diff.findings_new)}, signer)
    return load_review(ledger, review_id), diff


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


#: The short opinion recorded at a level that does not require one when none was typed (the
#: sign dialog shows it pre-filled; `review sign` prints it).
DEFAULT_OPINIONS = {Decision.APPROVE: "经审核，同意。", Decision.REVISE: "经审核，修改后发布。",
                    Decision.RETURN: "经审核，退回修改。", Decision.REJECT: "经审核，不予发布。",
                    Decision.ESCALATE: "经审核，报上级审核。"}


def default_opinion(review: Review, level: int, decision: Decision) -> str:
    """"" where the level requires an opinion (批示), else the short default."""
    lv = review.route.level(level)
    return "" if lv is None or lv.opinion_required else DEFAULT_OPINIONS[decision]


def outside_blockers(ledger: Ledger, review: Review, level: int) -> list[Verdict]:
    """Refusals from other ledger records that stop a level from approving (hook point: issue 9b
    adds its open-consultation check here). Empty means nothing outside the review blocks."""
    from app.review.consult import consultation_verdicts

    return consultation_verdicts(ledger, review)


def sign_review(ledger: Ledger, review_id: str, *, level: int, user: str, password: str, decision: Decision,
                opinion: str = "", decisions: Iterable[tuple[str, DispositionKind, str]] = ()) -> SignOff:
    """Sign one level. `decisions`: (finding id, 同意公开/须修改, reason or what to change) for the
    items this level decides (required for every high item at a deciding level before 同意); they
    are signed inside the statement. Raises AuthError (password), ReviewError (a gating code),
    DocumentError."""
    from app.review.dispositions import decisions_for

    _plain("签署意见", opinion)
    items = list(decisions)
    for _fid, _kind, text in items:
        _plain("处理意见", text)
    who, signer = unlock(ledger, user, password, attempt=f"签署审核单 {review_id} 第 {level} 级")
    from app.review.consult import settle_overdue

    settle_overdue(ledger, review_id=review_id)  # 视为同意 after the due date, recorded before the sign-off
    with ledger.transaction() as tx:
        review = load_review(ledger, review_id)
        read_stored(ledger.data_dir, review.current.sha256)
        decided = decisions_for(review, items)
        text = opinion.strip() or default_opinion(review, level, decision)
        _refuse(check_sign(review, level, who.role, decision, text, _disk_sha(review), decided,
                           outside_blockers(ledger, review, level)))
        statement = {"type": "signoff", "level": level, "decision": decision.value, "opinion": text,
                     **_statement_base(tx, review, who.role.value, who.unit, signer)}
        if decided:
            statement["dispositions"] = [d.to_json() for d in decided.values()]
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


__all__ = ["REVIEW_KINDS", "ReviewError", "default_opinion", "list_reviews", "load_review", "open_review",
           "outside_blockers", "resubmit", "sign_review", "submit_revision", "waive_finding"]
