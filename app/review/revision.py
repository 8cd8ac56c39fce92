"""The version diff of a revised file, and the check of a conditional approval.

After a conditional approval (须修改 items, or a 批示 asking for changes) the officer submits the
revised file. `compare_versions` is pure: the paragraphs (segments) of both versions and their
findings in, a frozen `VersionDiff` out. The check passes when none of the 须修改 items is present
any more (neither found again by the same rule with the same text, nor its text still in the
document) and no new finding at `high` or above appeared.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.model import Severity
from app.review.documents import read_stored
from app.review.model import DocumentVersion, FindingDecision, FindingRef, Review, SignOff

#: Paragraphs listed in a diff at most (the counts are always exact).
MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class VersionDiff:
    review_id: str
    from_version: int
    to_version: int
    from_sha256: str
    to_sha256: str
    added: tuple[str, ...]              # paragraphs only in the new version (at most MAX_LISTED)
    removed: tuple[str, ...]            # paragraphs only in the old version (at most MAX_LISTED)
    added_count: int
    removed_count: int
    findings_gone: tuple[FindingRef, ...]     # old version's items not found any more
    findings_new: tuple[FindingRef, ...]      # new version's items not in the old one
    findings_kept: tuple[FindingRef, ...]     # new version's items also in the old one
    changes_required: tuple[FindingDecision, ...]   # the 须修改 items of the conditional approval
    changes_missing: tuple[FindingDecision, ...]    # … still present in the new version
    level: int = 0                      # the deciding level whose approval is checked (0: none)

    @property
    def new_serious(self) -> tuple[FindingRef, ...]:
        return tuple(f for f in self.findings_new if f.severity.rank >= Severity.HIGH.rank)

    @property
    def passed(self) -> bool:
        return not self.changes_missing and not self.new_serious

    def summary(self) -> str:
        """Chinese, one paragraph: what changed and the outcome of the check."""
        head = (f"第 {self.from_version} 版 → 第 {self.to_version} 版：增加 {self.added_count} 段、删除 "
                f"{self.removed_count} 段；问题消失 {len(self.findings_gone)} 处、新出现 {len(self.findings_new)} 处。")
        if not self.level:
            return head
        if self.passed:
            return head + f"须修改的 {len(self.changes_required)} 处均已修改，未出现新的高风险问题：核验通过。"
        why = []
        if self.changes_missing:
            why.append("仍含须修改的内容：" + "、".join(f"“{d.finding_text[:20]}”" for d in self.changes_missing))
        if self.new_serious:
            why.append("新出现高风险及以上问题：" + "、".join(f"“{f.text[:20]}”" for f in self.new_serious))
        return head + "核验未通过（" + "；".join(why) + f"），退回第 {self.level} 级重新审核。"


def same_item(rule_a: str, text_a: str, rule_b: str, text_b: str) -> bool:
    """The same item in two versions: the same rule, and the same text — or one text inside the
    other (an edit next to an item widens or narrows the span the rule reports, e.g. 反映的问题
    正在核查中 → 投诉人王某某反映的问题正在核查中 once the parenthesis between them is deleted)."""
    if rule_a != rule_b:
        return False
    if text_a == text_b:
        return True
    short, long_ = sorted((text_a, text_b), key=len)
    return len(short) >= 4 and short in long_


def _in(f: FindingRef, others: Sequence[FindingRef]) -> bool:
    return any(same_item(f.rule, f.text, o.rule, o.text) for o in others)


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> tuple[list[str], list[str]]:
    """(added, removed) paragraphs, in document order."""
    added: list[str] = []
    removed: list[str] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            removed.extend(old[i1:i2])
        if op in ("replace", "insert"):
            added.extend(new[j1:j2])
    return added, removed


def compare_versions(review_id: str, old: DocumentVersion, old_text: Sequence[str], new: DocumentVersion,
                     new_text: Sequence[str], approval: SignOff | None = None) -> VersionDiff:
    """Pure: both versions' paragraphs and findings → the diff (and, given the conditional
    `approval`, which of its 须修改 items are still present)."""
    added, removed = diff_paragraphs(old_text, new_text)
    joined = "\n".join(new_text)
    required = approval.changes if approval is not None else ()
    missing = tuple(d for d in required
                    if any(same_item(d.rule, d.finding_text, f.rule, f.text) for f in new.findings)
                    or (len(d.finding_text) >= 2 and d.finding_text in joined))
    return VersionDiff(
        review_id, old.number, new.number, old.sha256, new.sha256, tuple(added[:MAX_LISTED]),
        tuple(removed[:MAX_LISTED]), len(added), len(removed),
        tuple(f for f in old.findings if not _in(f, new.findings)),
        tuple(f for f in new.findings if not _in(f, old.findings)),
        tuple(f for f in new.findings if _in(f, old.findings)), required, missing,
        approval.level if approval is not None else 0)


def paragraphs_of_file(path: Path) -> list[str]:
    from app.readers import read_document

    return [s.text for s in read_document(path).segments]


def stored_paragraphs(data_dir: Path, version: DocumentVersion) -> list[str]:
    """The paragraphs of a version, read from its content-addressed copy (under its own name, so
    that the reader sees the right kind of file)."""
    data = read_stored(data_dir, version.sha256)
    with tempfile.TemporaryDirectory(prefix="mishen-diff-") as tmp:
        path = Path(tmp) / (Path(version.name).name or "document")
        path.write_bytes(data)
        return paragraphs_of_file(path)


def version_diff(data_dir: Path, review: Review, from_version: int, to_version: int) -> VersionDiff:
    """The diff between two recorded versions of a review (both read from the data directory),
    checked against the conditional approval that the later one answered, if any."""
    from app.review.projection import ReviewError

    old, new = review.version(from_version), review.version(to_version)
    if old is None or new is None:
        raise ReviewError(f"审核单 {review.id} 没有第 {from_version if old is None else to_version} 版。",
                          code="no_such_version")
    check = review.check_into(to_version)
    approval = None
    if check is not None and check.from_version == from_version:
        approval = next((s for s in review.signoffs if s.signature == check.approval_signature), None)
    return compare_versions(review.id, old, stored_paragraphs(data_dir, old), new,
                            stored_paragraphs(data_dir, new), approval)
