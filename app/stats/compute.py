"""Counting the review work from the ledger (read only; nothing is recorded).

A review counts in the period when it was opened in it (local dates, both ends included); every
number is about those reviews, with everything recorded for them up to now (later sign-offs,
replies). Findings are those of each review's first version (the draft as submitted). Imported
reviews (another unit's draft at the 市政府办公室) count where they were imported."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime

from app.errors import UsageError
from app.exports.labels import SEVERITY_NAMES, category_name
from app.exports.timefmt import local_datetime
from app.ledger.canonical import now_iso
from app.ledger.store import Ledger
from app.review.consult_model import ANSWERED, CONSULT_KINDS, ConsultStatus, project_consultations
from app.review.gating import review_state
from app.review.model import DECISION_LABELS, Decision, Review
from app.review.service import list_reviews
from app.stats.model import Count, LevelTiming, ReviewStats

DISPOSITION_NAMES = {"waived": "豁免（禁止发布）", "false_alarm": "标为误报", "agree": "同意公开", "change": "须修改"}
SEVERITY_ORDER = ("block", "high", "medium", "low")


def parse_day(value: str | None, what: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{what}“{value}”格式错误，应为 YYYY-MM-DD（如 2026-01-01）。", code="bad_date") from None


def _day(iso: str) -> date | None:
    moment = local_datetime(iso)
    return moment.date() if moment else None


def _hours(start: str, end: str) -> float | None:
    a, b = local_datetime(start), local_datetime(end)
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds() / 3600)


def _selected(review: Review, since: date | None, until: date | None, unit: str | None) -> bool:
    day = _day(review.opened_time)
    if day is None or (since and day < since) or (until and day > until):
        return False
    return not unit or review.unit == unit


def _counts(counter: Counter[str], labels: dict[str, str], order: tuple[str, ...] = ()) -> tuple[Count, ...]:
    keys = [k for k in order if k in counter] + sorted(k for k in counter if k not in order)
    return tuple(Count(k, labels.get(k, k), counter[k]) for k in keys)


def compute_stats(ledger: Ledger, *, since: date | None = None, until: date | None = None, unit: str | None = None,
                  now: datetime | None = None) -> ReviewStats:
    if since and until and since > until:
        raise UsageError(f"起始日期 {since} 晚于截止日期 {until}。", code="bad_period")
    reviews = [r for r in list_reviews(ledger) if _selected(r, since, until, unit)]
    ids = {r.id for r in reviews}
    status: Counter[str] = Counter()
    status_labels: dict[str, str] = {}
    classes: Counter[str] = Counter()
    units: Counter[str] = Counter(r.unit or "（未填报送单位）" for r in reviews)
    class_labels: dict[str, str] = {}
    severity: Counter[str] = Counter()
    category: Counter[str] = Counter()
    decisions: Counter[str] = Counter()
    dispositions: Counter[str] = Counter()
    timings: dict[int, list[float]] = {}
    level_names: dict[int, str] = {}
    versions = returns = signoffs = 0
    for r in reviews:
        st = review_state(r).status
        status[st.value] += 1
        status_labels[st.value] = st.label
        classes[r.current.info_class.value] += 1
        class_labels[r.current.info_class.value] = r.current.info_class.label
        versions += len(r.versions)
        for f in r.versions[0].findings:
            severity[f.severity.value] += 1
            category[f.category] += 1
        dispositions["waived"] += len(r.waivers)
        last_pass: dict[int, str] = {}
        for s in r.signoffs:
            signoffs += 1
            decisions[s.decision.value] += 1
            if s.decision in (Decision.RETURN, Decision.REVISE):
                returns += 1
            if s.decision in (Decision.APPROVE, Decision.ESCALATE):
                last_pass[s.level] = s.time
        for level, when in last_pass.items():
            hours = _hours(r.opened_time, when)
            if hours is not None:
                timings.setdefault(level, []).append(hours)
                lv = r.route.level(level)
                level_names.setdefault(level, lv.name if lv else f"第 {level} 级")
    for ev in ledger.events(kinds=("finding_dismissed", "signed", "revision_checked")):
        if ev.review_id not in ids:
            continue
        p = ev.payload
        if ev.kind == "finding_dismissed":
            dispositions["false_alarm"] += 1
        elif ev.kind == "revision_checked":
            returns += p.get("passed") is False
        else:
            statement = p.get("statement")
            items: list[object] = list(statement.get("dispositions") or []) if isinstance(statement, dict) else []
            for item in items:
                if isinstance(item, dict) and item.get("kind") in ("agree", "change"):
                    dispositions[str(item["kind"])] += 1
    consult = [c for c in project_consultations(ledger.events(kinds=CONSULT_KINDS)) if c.review_id in ids]
    answered = 0
    for ev in ledger.events(kinds=(ANSWERED,)):
        day = _day(ev.time)
        if day is not None and not (since and day < since) and not (until and day > until) and not unit:
            answered += 1
    head = ledger.head()
    level_timings = tuple(
        LevelTiming(level, level_names[level], len(v), round(statistics.fmean(v), 1), round(statistics.median(v), 1),
                    round(max(v), 1)) for level, v in sorted(timings.items()))
    return ReviewStats(
        since=since, until=until, unit=unit or None,
        generated=now.astimezone().isoformat(timespec="seconds") if now else now_iso(),
        head_seq=head.seq, head_hash=head.hash, reviews=len(reviews),
        by_status=_counts(status, status_labels), by_class=_counts(classes, class_labels,
                                                                   ("critical", "important", "general")),
        by_unit=tuple(sorted(_counts(units, {}), key=lambda c: (-c.count, c.key))),
        versions=versions, findings=sum(severity.values()),
        findings_by_severity=_counts(severity, SEVERITY_NAMES, SEVERITY_ORDER),
        findings_by_category=tuple(sorted(_counts(category, {k: category_name(k) for k in category}),
                                          key=lambda c: (-c.count, c.key))),
        dispositions=_counts(+dispositions, DISPOSITION_NAMES, tuple(DISPOSITION_NAMES)),
        decisions=_counts(decisions, {d.value: DECISION_LABELS[d] for d in Decision}, tuple(d.value for d in Decision)),
        signoffs=signoffs, returns=returns, level_timings=level_timings,
        consultations=len(consult),
        consult_on_time=sum(1 for c in consult if c.status is ConsultStatus.REPLIED and c.on_time),
        consult_late=sum(1 for c in consult if c.status is ConsultStatus.REPLIED and not c.on_time),
        consult_deemed=sum(1 for c in consult if c.status is ConsultStatus.DEEMED),
        consult_open=sum(1 for c in consult if c.status is ConsultStatus.OPEN),
        consult_disagreed=sum(1 for c in consult if c.objects), answered_for_others=answered)
