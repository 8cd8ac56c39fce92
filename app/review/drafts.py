"""Marks made before a review (审核单) exists: kept against the document's SHA-256 in the data
directory (`drafts/<sha256>.json`, owner-only), so that they survive closing the window, and
written into the ledger when the review of that document is opened (`draft_marks_recorded`).

Each mark is signed by the user who made it at the time (the window holds the unlocked key from
login), so the ledger entry, signed by whoever opens the review, still names and proves its
author. A mark whose signature does not check out (the file was edited) is not recorded and is
reported to the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.ledger.canonical import canonical_bytes, now_iso
from app.ledger.crypto import KeySigner, verify_signature
from app.ledger.store import Transaction
from app.plain_text import control_problem
from app.review.documents import atomic_write_bytes
from app.review.model import DocumentVersion
from app.review.projection import ReviewError

KIND = "draft_marks_recorded"
MARK_KINDS = {"false_alarm": "误报", "agree": "同意公开", "change": "须修改"}


@dataclass(frozen=True, slots=True)
class DraftMark:
    document_sha256: str
    finding_id: str
    rule: str
    text: str
    severity: str
    kind: str            # false_alarm | agree | change
    reason: str
    user: str
    time: str
    signer_key: str
    signature: str       # the user's signature over `statement()`

    def statement(self) -> dict[str, Any]:
        return {"type": "draft_mark", "document_sha256": self.document_sha256, "finding_id": self.finding_id,
                "rule": self.rule, "text": self.text, "severity": self.severity, "kind": self.kind,
                "reason": self.reason, "user": self.user, "time": self.time, "signer_key": self.signer_key}

    def to_json(self) -> dict[str, Any]:
        return {**self.statement(), "signature": self.signature}

    @staticmethod
    def from_json(data: dict[str, Any]) -> DraftMark:
        return DraftMark(str(data["document_sha256"]), str(data["finding_id"]), str(data.get("rule", "")),
                         str(data.get("text", "")), str(data.get("severity", "")), str(data["kind"]),
                         str(data.get("reason", "")), str(data["user"]), str(data["time"]),
                         str(data["signer_key"]), str(data["signature"]))

    @property
    def valid(self) -> bool:
        return verify_signature(self.signer_key, self.signature, canonical_bytes(self.statement()))

    @property
    def kind_label(self) -> str:
        return MARK_KINDS.get(self.kind, self.kind)


def drafts_file(data_dir: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ReviewError("文稿哈希值无效。", code="bad_hash")
    return Path(data_dir) / "drafts" / f"{sha256}.json"


def load_drafts(data_dir: Path, sha256: str) -> tuple[DraftMark, ...]:
    """The marks kept for this document, latest per finding; unreadable files count as none."""
    path = drafts_file(data_dir, sha256)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, ValueError) as exc:
        raise ReviewError(f"无法读取预先标记的文件 {path}：{exc}", code="bad_drafts") from exc
    marks = [DraftMark.from_json(m) for m in data.get("marks", []) if isinstance(m, dict)]
    latest: dict[str, DraftMark] = {}
    for m in marks:
        latest[m.finding_id] = m
    return tuple(latest.values())


def _write(data_dir: Path, sha256: str, marks: tuple[DraftMark, ...]) -> None:
    text = json.dumps({"document_sha256": sha256, "marks": [m.to_json() for m in marks]}, ensure_ascii=False, indent=1)
    try:  # owner-only, like the document copies (0700 folder, 0600 file)
        atomic_write_bytes(drafts_file(data_dir, sha256), (text + "\n").encode("utf-8"))
    except OSError as exc:
        raise ReviewError(f"无法保存预先标记：{exc}", code="io_error") from exc


def save_mark(data_dir: Path, *, document_sha256: str, finding_id: str, rule: str, text: str, severity: str,
              kind: str, reason: str, signer: KeySigner) -> DraftMark:
    """Keep one mark (replacing an earlier mark of the same finding), signed by `signer`."""
    if kind not in MARK_KINDS:
        raise ReviewError(f"未知的标记“{kind}”。", code="bad_mark")
    if not reason.strip():
        raise ReviewError("须填写理由。", code="reason_required")
    problem = control_problem("理由", reason)
    if problem:
        raise ReviewError(problem, code="control_characters")
    unsigned = DraftMark(document_sha256, finding_id, rule, text, severity, kind, reason.strip(), signer.actor,
                         now_iso(), signer.public_key, "")
    mark = replace(unsigned, signature=signer.sign(canonical_bytes(unsigned.statement())))
    kept = (*tuple(m for m in load_drafts(data_dir, document_sha256) if m.finding_id != finding_id), mark)
    _write(data_dir, document_sha256, kept)
    return mark


def discard_drafts(data_dir: Path, sha256: str) -> None:
    drafts_file(data_dir, sha256).unlink(missing_ok=True)


def keep_only(data_dir: Path, sha256: str, marks: tuple[DraftMark, ...]) -> None:
    """After recording: the file keeps only what was not recorded (nothing: the file goes)."""
    if marks:
        _write(data_dir, sha256, marks)
    else:
        discard_drafts(data_dir, sha256)


def record_drafts(tx: Transaction, review_id: str, v: DocumentVersion, marks: tuple[DraftMark, ...],
                  signer: KeySigner) -> tuple[DraftMark, ...]:
    """Write the valid marks of version `v` into the ledger (one entry) and return the marks that
    were refused (bad signature, another document, no such finding)."""
    by_id = {f.id for f in v.findings}
    by_key = {(f.rule, f.text): f.id for f in v.findings}
    good: list[dict[str, Any]] = []
    refused: list[DraftMark] = []
    for m in marks:
        target = m.finding_id if m.finding_id in by_id else by_key.get((m.rule, m.text))
        if m.document_sha256 != v.sha256 or not m.valid or target is None:
            refused.append(m)
            continue
        good.append({"finding_id": target, "statement": m.statement(), "statement_signature": m.signature})
    if good:
        tx.append(KIND, {"review_id": review_id, "version": v.number, "document_sha256": v.sha256,
                         "marks": good}, signer)
    return tuple(refused)
