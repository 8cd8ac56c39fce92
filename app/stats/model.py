"""The statistics as plain frozen values (they cross into the 统计 window and the exports)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"     # as the forms print dates (no leading zeros)


@dataclass(frozen=True, slots=True)
class Count:
    key: str        # stable code (category, severity, decision…)
    label: str      # Chinese, as printed
    count: int


@dataclass(frozen=True, slots=True)
class LevelTiming:
    """Time from opening a review to the approval (同意 or 报上级审核) at one level."""

    level: int
    name: str
    count: int
    mean_hours: float
    median_hours: float
    max_hours: float


@dataclass(frozen=True, slots=True)
class ReviewStats:
    since: date | None
    until: date | None
    unit: str | None
    generated: str                       # ISO time the numbers were computed
    head_seq: int                        # the ledger entry they reflect (printed as a receipt)
    head_hash: str
    reviews: int                         # reviews opened in the period (the documents reviewed)
    by_status: tuple[Count, ...]
    by_class: tuple[Count, ...]
    by_unit: tuple[Count, ...]           # reviews by 报送单位 (the 考核 counts per department)
    versions: int                        # versions submitted (first drafts and revisions)
    findings: int                        # findings in the first version of each review (送审稿)
    findings_by_severity: tuple[Count, ...]
    findings_by_category: tuple[Count, ...]
    dispositions: tuple[Count, ...]      # 豁免, 误报, 同意公开, 须修改
    decisions: tuple[Count, ...]         # sign-offs by decision
    signoffs: int
    returns: int                         # 退回修改 and 修改后发布 sign-offs, failed revision checks
    level_timings: tuple[LevelTiming, ...]
    consultations: int
    consult_on_time: int
    consult_late: int                    # answered after the due date
    consult_deemed: int                  # no answer: 视为同意
    consult_open: int
    consult_disagreed: int
    answered_for_others: int = 0         # letters from other units this unit answered in the period

    @property
    def period_text(self) -> str:
        a = _day(self.since) if self.since else "台帐开始"
        b = _day(self.until) if self.until else "今"
        return f"{a}至{b}" + (f"，单位：{self.unit}" if self.unit else "")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        return data
