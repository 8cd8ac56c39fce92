"""Recording a partial-disclosure copy in the ledger against its review: what was withheld, why,
by whom, and the copy's hash (one `document_redacted` entry, signed by the user)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.ledger.crypto import KeySigner
from app.ledger.model import LedgerEvent
from app.ledger.store import Ledger
from app.redact.model import RedactionResult
from app.review.model import Review
from app.review.projection import ReviewError
from app.users.service import require_user

KIND = "document_redacted"


def check_review_document(review: Review, source_sha256: str) -> None:
    """The document must be the review's current version (else its findings do not apply)."""
    version = review.current
    if version.sha256 != source_sha256:
        raise ReviewError(f"文件与审核单 {review.id} 第 {version.number} 版的文稿不一致（SHA-256 不同），"
                          "不能按该审核单制作区分处理副本。请使用审核单中的文稿，或先提交新版本。",
                          code="document_mismatch")


def redaction_payload(review: Review, result: RedactionResult, user: str, output_name: str) -> dict[str, Any]:
    return {"review_id": review.id, "version": review.current.number, "document_sha256": result.source_sha256,
            "output_sha256": result.output_sha256, "output_name": output_name, "format": result.format,
            "withheld": [w.to_json() for w in result.withheld],
            "actions": sorted({a.code for a in result.actions}), "rasterised_pages": list(result.rasterised),
            "user": user}


def record_redaction(ledger: Ledger, review: Review, result: RedactionResult, *, user: str,
                     signer: KeySigner, output: Path) -> LedgerEvent:
    who = require_user(ledger, user)
    if signer.actor != who.name:
        raise ReviewError(f"签名密钥不属于用户“{who.name}”。", code="key_mismatch")
    check_review_document(review, result.source_sha256)
    payload = redaction_payload(review, result, who.name, output.name)
    with ledger.transaction() as tx:
        return tx.append(KIND, payload, signer)


def redactions(ledger: Ledger, review_id: str) -> list[LedgerEvent]:
    return ledger.events(kinds=(KIND,), review_id=review_id)


def redaction_lines(ledger: Ledger, review_id: str) -> list[str]:
    """`review show` lines for the copies recorded against the review (none: no lines)."""
    events = redactions(ledger, review_id)
    if not events:
        return []
    out = ["  区分处理副本："]
    for ev in events:
        p = ev.payload
        withheld = p.get("withheld") or []
        raster = p.get("rasterised_pages") or []
        note = f"，第 {'、'.join(str(x) for x in raster)} 页转为图像" if raster else ""
        out.append(f"    第 {p.get('version')} 版 → {p.get('output_name')}：不予公开 {len(withheld)} 项{note} — "
                   f"{ev.actor} {ev.time[:16].replace('T', ' ')}  SHA-256 {p.get('output_sha256')}")
    return out
