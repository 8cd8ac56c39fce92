"""`mishen review check FILE`: is this file exactly a version a review approved for publication?

The file's SHA-256 is looked up among every version of every review in the ledger. It is an
approved version only when it is the current version of a review whose state is 审核通过 (after a
conditional approval: the verified revised file, never the draft the leader saw).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.ledger.store import Ledger
from app.review.documents import DocumentError, file_sha256
from app.review.gating import review_state
from app.review.model import Decision, Status
from app.review.service import list_reviews


@dataclass(frozen=True, slots=True)
class FileMatch:
    review_id: str
    title: str
    version: int
    approved: bool
    levels: tuple[int, ...]         # levels whose approval covers this version
    signers: tuple[str, ...]
    status: str                     # Chinese state of the review
    verified_revision: bool         # the approved version is a checked revision


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: str
    sha256: str
    matches: tuple[FileMatch, ...]

    @property
    def approved(self) -> FileMatch | None:
        return next((m for m in self.matches if m.approved), None)

    def message(self) -> str:
        ok = self.approved
        if ok is not None:
            levels = "、".join(f"第 {n} 级" for n in ok.levels)
            note = "（核验通过的修改稿）" if ok.verified_revision else ""
            return (f"是经批准发布的版本：审核单 {ok.review_id}（{ok.title}）第 {ok.version} 版{note}，"
                    f"{levels}同意（{'、'.join(ok.signers)}）。SHA-256 {self.sha256}")
        if not self.matches:
            return f"不是任何审核单中的版本：台帐中没有 SHA-256 为 {self.sha256} 的文稿。请勿发布。"
        parts = "；".join(f"审核单 {m.review_id}（{m.title}）第 {m.version} 版：{m.status}" for m in self.matches)
        return f"不是经批准发布的版本（{parts}）。请勿发布。SHA-256 {self.sha256}"


def check_file(ledger: Ledger, path: str | os.PathLike[str]) -> FileCheck:
    try:
        sha = file_sha256(path)
    except OSError as exc:
        raise DocumentError(f"无法读取文件 {path}：{exc.strerror or exc}", code="unreadable") from exc
    matches: list[FileMatch] = []
    for review in list_reviews(ledger):
        for v in review.versions:
            if v.sha256 != sha:
                continue
            state = review_state(review)
            current = v.number == review.current.number
            approved = current and state.status is Status.APPROVED
            covering = [s for s in review.signoffs_of(v.number) if s.decision is Decision.APPROVE]
            check = review.check_into(v.number)
            status = state.message if current else f"已被第 {review.current.number} 版取代（{state.message}）"
            matches.append(FileMatch(review.id, review.title, v.number, approved,
                                     tuple(s.level for s in covering) if approved else (),
                                     tuple(s.signer for s in covering) if approved else (), status,
                                     check is not None and check.passed))
    return FileCheck(str(path), sha, tuple(matches))
