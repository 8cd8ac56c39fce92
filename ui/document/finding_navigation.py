"""The order F3 / Shift+F3 walk the findings: reading order (where they stand in the document) by
default, or the list's severity groups. Pure functions over the findings the list shows."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from app.model import Finding


class StepOrder(Enum):
    READING = "reading"        # as the document reads: page 1 before page 2, whatever the severity
    SEVERITY = "severity"      # the list's order: 禁止发布 first, then 高风险…

    @property
    def label(self) -> str:
        return {StepOrder.READING: "按阅读顺序", StepOrder.SEVERITY: "按级别顺序"}[self]


def navigation_order(listed: Sequence[Finding], order: StepOrder = StepOrder.READING) -> list[Finding]:
    """`listed` (the findings the list shows, in its order) in the order F3 visits them."""
    if order is StepOrder.SEVERITY:
        return list(listed)
    return sorted(listed, key=lambda f: (f.start, f.end, f.id))


def step_target(ordered: Sequence[Finding], current_id: str | None, delta: int) -> Finding | None:
    """The finding after (delta=1) or before (-1) `current_id` in `ordered`, wrapping; the first
    (or last) one when nothing listed is selected."""
    if not ordered:
        return None
    ids = [f.id for f in ordered]
    if current_id is None or current_id not in ids:
        return ordered[0] if delta > 0 else ordered[-1]
    return ordered[(ids.index(current_id) + delta) % len(ordered)]
