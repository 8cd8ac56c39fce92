"""`ledger verify`'s checks of the workstation clock. Entries are appended one after another, so
their times never go backwards on an honest clock; an entry's time is whatever the clock said.

- A step back of more than `CLOCK_SLACK` is a note: the clock was set back (or had been ahead), and
  the times of the entries around it are not reliable.
- A 视为同意 (`consultation_deemed_agreed`) entry is a problem when its own time is before its
  deemed date, or when a later entry has an earlier time than it (beyond the slack): consent was
  recorded on a clock set ahead — setting the clock forward to let a consultation lapse, then back.

What cannot be seen here: a clock set ahead and left there. Receipts kept on paper, checkpoints and
the peers' signed letters bound that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta

#: Clock corrections smaller than this are not reported.
CLOCK_SLACK = timedelta(minutes=10)
DEEMED = "consultation_deemed_agreed"
_SHOWN = 3

Finding = tuple[str, str, int]          # (code, Chinese message, seq)


def clock_checks(rows: Iterable[tuple[int, str, str, str]]) -> tuple[list[Finding], list[str]]:
    """`rows`: (seq, kind, time, payload JSON) in sequence order. Returns (problems, notes)."""
    problems: list[Finding] = []
    steps: list[str] = []
    latest: tuple[datetime, int] | None = None
    deemed: list[tuple[datetime, int]] = []
    flagged: set[int] = set()
    for seq, kind, time, payload in rows:
        moment = _local(time)
        if moment is None:
            continue
        if latest is not None and moment < latest[0] - CLOCK_SLACK:
            steps.append(f"第 {seq} 条（{_show(moment)}）早于第 {latest[1]} 条（{_show(latest[0])}）")
            for when, dseq in deemed:
                if dseq not in flagged and moment < when - CLOCK_SLACK:
                    flagged.add(dseq)
                    problems.append(("clock", f"第 {dseq} 条“视为同意”记录的时间（{_show(when)}）晚于其后第 {seq} 条记录的"
                                              f"时间（{_show(moment)}）：记录视为同意时本机时钟超前，征求意见的答复期限"
                                              f"当时可能尚未届满", dseq))
        if kind == DEEMED:
            day = _deemed_day(payload)
            if day is not None and moment.date() < day:
                problems.append(("clock", f"第 {seq} 条“视为同意”记录于 {_show(moment)}，早于视为同意之日 {day.isoformat()}"
                                          f"（答复期限尚未届满）", seq))
                flagged.add(seq)
            deemed.append((moment, seq))
        if latest is None or moment > latest[0]:
            latest = (moment, seq)
    notes: list[str] = []
    if steps:
        more = f"等 {len(steps)} 处" if len(steps) > _SHOWN else ""
        notes.append(f"台帐记录的时间曾倒退（本机时钟被调回或此前走快）：{'；'.join(steps[:_SHOWN])}{more}。"
                     f"这些记录前后的时间不可作准，请核对本机时钟。")
    return problems, notes


def _local(time: str) -> datetime | None:
    """An entry's time as local wall-clock time (naive), None when it is no time."""
    try:
        moment = datetime.fromisoformat(time.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return (moment.astimezone() if moment.tzinfo is not None else moment).replace(tzinfo=None)


def _deemed_day(payload: str) -> date | None:
    try:
        return date.fromisoformat(str(json.loads(payload).get("deemed_date")))
    except (ValueError, TypeError, AttributeError):
        return None


def _show(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
