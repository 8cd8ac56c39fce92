"""Dispositions of open items at the deciding levels (同意公开 / 须修改) and conditional approvals.

At a level the route marks as deciding (levels 3 and 4 by default, `Level.decides`), every `high`
item of the current version needs an explicit disposition before that level may approve. The
dispositions are signed inside the sign-off statement. An approval with any 须修改 item, or whose
批示 asks for changes (`asks_for_changes`), is conditional: the review waits for the revised file
(待核验修改稿), which `app.review.revision` checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.model import Severity
from app.review.model import Decision, DispositionKind, FindingDecision, FindingRef, Review, SignOff
from app.review.projection import ReviewError

#: A 批示 asks for changes when it names a change and then publication: “删除身份证号后发布”,
#: “修改第三段后公开”, “同意修改后发布”. Kept deliberately simple (documented in
#: docs/review-and-ledger.md); when in doubt the leader marks the item 须修改 explicitly.
CHANGE_REQUEST = re.compile(r"(删除|删去|删掉|去掉|隐去|修改|修正|更正|改正|删改|改为|替换)[^。；;]*?后[再方]?(发布|公开|印发|上网)")


def asks_for_changes(opinion: str) -> bool:
    return bool(CHANGE_REQUEST.search(opinion))


def is_conditional(signoff: SignOff) -> bool:
    """An approval that holds only for a revised file."""
    return signoff.decision is Decision.APPROVE and (bool(signoff.changes) or asks_for_changes(signoff.opinion))


def needs_disposition(review: Review) -> tuple[FindingRef, ...]:
    """The items a deciding level must decide one by one: every `high` item of the current version."""
    return tuple(f for f in review.current.findings if f.severity is Severity.HIGH)


def deciding(review: Review, level: int) -> bool:
    lv = review.route.level(level)
    return lv is not None and lv.decides


def undecided(review: Review, decisions: Mapping[str, FindingDecision]) -> tuple[FindingRef, ...]:
    return tuple(f for f in needs_disposition(review) if f.id not in decisions)


def decisions_for(review: Review, items: Iterable[tuple[str, DispositionKind, str]]) -> dict[str, FindingDecision]:
    """(finding id, kind, text) → FindingDecision pinned to the current version's item (severity,
    text and rule copied so that the ledger entry stands on its own). Unknown ids and empty
    reasons are refused in Chinese."""
    by_id = {f.id: f for f in review.current.findings}
    out: dict[str, FindingDecision] = {}
    for fid, kind, text in items:
        f = by_id.get(fid.strip())
        if f is None:
            raise ReviewError(f"当前版本（第 {review.current.number} 版）中没有编号为 {fid} 的问题"
                              "（mishen review show 列出问题编号）。", code="no_such_finding")
        if not text.strip():
            what = "同意公开的理由" if kind is DispositionKind.AGREE else "须修改的内容"
            raise ReviewError(f"问题 {f.id}（“{f.text[:20]}”）须写明{what}。", code="reason_required")
        if f.id in out:
            raise ReviewError(f"问题 {f.id} 的处理意见给出了两次。", code="duplicate_disposition")
        out[f.id] = FindingDecision(f.id, kind, text.strip(), f.severity.value, f.text, f.rule)
    return out


def parse_decide(spec: str) -> tuple[str, DispositionKind, str]:
    """`FINDING_ID=agree:REASON` or `FINDING_ID=change:WHAT` (同意公开/须修改 accepted too)."""
    fid, sep, rest = spec.partition("=")
    kind_text, sep2, text = rest.partition(":")
    if not sep2:
        kind_text, sep2, text = rest.partition("：")
    if not sep or not sep2 or not fid.strip():
        raise ReviewError(f"处理意见“{spec}”格式错误，应为 问题编号=agree:理由 或 问题编号=change:须修改的内容。",
                          code="bad_disposition")
    return fid.strip(), DispositionKind.parse(kind_text), text.strip()


def parse_decide_file(path: str | Path) -> list[tuple[str, DispositionKind, str]]:
    """A small file of dispositions: JSON `{"ID": {"kind": "agree", "text": "…"}, …}` (or a list of
    such objects with "finding_id"), or one `ID=agree:理由` per line (# starts a comment)."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"无法读取处理意见文件 {p}：{exc}", code="bad_disposition") from exc
    stripped = raw.strip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise ReviewError(f"处理意见文件 {p} 不是有效的 JSON：{exc}", code="bad_disposition") from exc
        entries = ([dict(v, finding_id=k) for k, v in data.items()] if isinstance(data, dict) else data)
        out = []
        for e in entries:
            if not isinstance(e, dict) or "finding_id" not in e or "kind" not in e:
                raise ReviewError(f"处理意见文件 {p} 中的条目须有 finding_id、kind 和 text。", code="bad_disposition")
            out.append((str(e["finding_id"]), DispositionKind.parse(str(e["kind"])), str(e.get("text", ""))))
        return out
    return [parse_decide(line.strip()) for line in raw.splitlines() if line.strip() and not line.strip().startswith("#")]


def _about(d: FindingDecision, s: SignOff, f: FindingRef, current: int) -> bool:
    """Is disposition `d` (made in sign-off `s`) about item `f` of the current version? A sign-off
    carried over from a checked earlier version names that version's item: the same item here."""
    if d.finding_id == f.id:
        return True
    from app.review.revision import same_item

    return s.version != current and same_item(d.rule, d.finding_text, f.rule, f.text)


def disposition_of(review: Review, finding_id: str) -> tuple[FindingDecision, SignOff] | None:
    """The latest disposition of an item of the current version and the sign-off that made it."""
    f = next((x for x in review.current.findings if x.id == finding_id), None)
    if f is None:
        return None
    found: tuple[FindingDecision, SignOff] | None = None
    for s in review.signoffs_of(review.current.number):
        for d in s.dispositions:
            if _about(d, s, f, review.current.number):
                found = (d, s)
    return found


def effective_dispositions(review: Review) -> dict[str, FindingDecision]:
    """The latest disposition of each item of the current version, by its id there."""
    out: dict[str, FindingDecision] = {}
    for f in review.current.findings:
        found = disposition_of(review, f.id)
        if found is not None:
            out[f.id] = found[0]
    return out


def pending_condition(review: Review) -> SignOff | None:
    """The conditional approval of the current version still waiting for its revised file."""
    checked = {c.approval_signature for c in review.checks if c.passed}
    own = [s for s in review.current_signoffs if s.version == review.current.number]
    last = own[-1] if own else None
    if last is not None and is_conditional(last) and last.signature not in checked:
        return last
    return None
