"""Which findings a copy withholds: by id, by category, at or above a severity.

A finding is withheld when its id is named (`ids`), or when it matches the category filter (if
any) and is at or above `min_severity` (if any). With no filter at all, findings at or above
`high` are withheld (`DEFAULT_MIN_SEVERITY`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from app.errors import UsageError
from app.model import Category, Finding, Severity
from app.redact.model import Withheld

if TYPE_CHECKING:
    from app.review.model import FindingRef

DEFAULT_MIN_SEVERITY = Severity.HIGH
CATEGORY_LABELS = {
    "secret_mark": "密级标志", "sensitive_term": "敏感事项", "unpublished_statistic": "未公开统计数据",
    "pending_case": "未结案件", "personal_info": "个人信息", "harmful_content": "有害信息",
    "approval_required": "需审批发布", "wording": "规范表述", "typo": "错别字", "hidden_content": "隐藏内容",
}


def parse_category(value: str) -> str:
    text = value.strip()
    for cat in Category:
        if text.lower() == cat.value or text == CATEGORY_LABELS.get(cat.value):
            return cat.value
    choices = "、".join(f"{k}（{v}）" for k, v in CATEGORY_LABELS.items())
    raise UsageError(f"未知的类别“{value}”，可选：{choices}", code="bad_choice")


def parse_severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError:
        raise UsageError(f"未知的级别“{value}”，可选：block、high、medium、low（禁止发布/高/需核实/提示）",
                         code="bad_choice") from None


def from_finding(f: Finding) -> Withheld:
    return Withheld(f.text, f.id, f.category.value, f.severity.value, f.rule, f.message or f.basis)


def from_ref(f: FindingRef) -> Withheld:
    return Withheld(f.text, f.id, f.category, f.severity.value, f.rule, f.message or f.basis)


def select(items: Sequence[Withheld], *, ids: Iterable[str] = (), categories: Iterable[str] = (),
           min_severity: Severity | None = None) -> list[Withheld]:
    """The items to withhold (see module doc). Unknown ids are an error (a typo must not leave
    something unwithheld silently)."""
    wanted_ids = [i.strip() for i in ids if i.strip()]
    known = {w.finding_id for w in items}
    unknown = [i for i in wanted_ids if i not in known]
    if unknown:
        raise UsageError(f"没有编号为 {'、'.join(unknown)} 的问题（请用 mishen scan 或 review show 查看编号）。",
                         code="unknown_finding")
    cats = {parse_category(c) for c in categories}
    threshold = min_severity
    if not wanted_ids and not cats and threshold is None:
        threshold = DEFAULT_MIN_SEVERITY
    filtered = bool(cats) or threshold is not None
    out = []
    for w in items:
        by_id = w.finding_id in wanted_ids
        by_filter = filtered and (not cats or w.category in cats) and (
            threshold is None or Severity(w.severity).rank >= threshold.rank)
        if (by_id or by_filter) and w.text.strip():
            out.append(w)
    return out
