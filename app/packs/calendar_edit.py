"""Editing a draft pack's working-day calendar (the optional `calendar` section: a whole calendar
document in the format of `lexicons/calendar/cn_workdays.json`, which app.calendar reads from the
installed `<version>.calendar.json`) for the lexicon editor's 工作日历 page. Pure functions on the
draft returning a new unsigned draft.

A draft without a `calendar` section uses the calendar shipped with MiShen. Editing it (a year, a
holiday, an adjusted working day) first copies the shipped document into the draft, so the pack
carries every year and the new one. Each year holds, as the shipped file does, its `source` (the
title of the 国务院办公厅 notice), its holidays (name and first/last day; a 元旦 range may start in
December of the year before) and its adjusted working days (调休上班: weekends). Every change is
checked as app.calendar reads a file, and more (dates in that year, a day not both off and worked,
holiday ranges not overlapping); a refusal raises CalendarEditError in Chinese, nothing changes."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from app.packs.errors import PackInputError
from app.packs.format import Pack

BUNDLED, OWN = "bundled", "pack"
SOURCE_LABELS = {BUNDLED: "使用内置日历", OWN: "本词库包自带"}
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_SOURCE_CHARS = 500
MAX_NAME_CHARS = 40


class CalendarEditError(PackInputError):
    code = "calendar_invalid"


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    first: date
    last: date

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1))


@dataclass(frozen=True, slots=True)
class CalendarYear:
    year: int
    source: str                       # the notice (title, URL) the year's days come from
    holidays: tuple[Holiday, ...]     # by first day
    workdays: tuple[date, ...]        # adjusted working days (调休上班), sorted


@cache
def _bundled_text() -> str:
    from app.calendar import default_calendar_path

    return default_calendar_path().read_text("utf-8-sig")


def bundled_calendar() -> dict[str, Any]:
    """The calendar document shipped with MiShen (a fresh copy)."""
    data = json.loads(_bundled_text())
    if not isinstance(data, dict):
        raise CalendarEditError("内置工作日历格式错误。")
    return data


def calendar_source(pack: Pack) -> str:
    return OWN if pack.calendar is not None else BUNDLED


def calendar_document(pack: Pack) -> dict[str, Any]:
    """The calendar this draft would count on (its own, or the shipped one), as a fresh copy."""
    return copy.deepcopy(pack.calendar) if pack.calendar is not None else bundled_calendar()


def _day(value: object) -> date:
    return date.fromisoformat(str(value))


def calendar_years(pack: Pack) -> tuple[CalendarYear, ...]:
    """The years of the draft's calendar, in order."""
    out = []
    for key, entry in calendar_document(pack).get("years", {}).items():
        holidays = tuple(sorted((Holiday(str(h.get("name", "")), _day(h["from"]), _day(h["to"]))
                                 for h in entry.get("holidays", [])), key=lambda h: h.first))
        out.append(CalendarYear(int(key), str(entry.get("source", "")), holidays,
                                tuple(sorted(_day(w) for w in entry.get("workdays", [])))))
    return tuple(sorted(out, key=lambda y: y.year))


def calendar_year(pack: Pack, year: int) -> CalendarYear:
    for y in calendar_years(pack):
        if y.year == year:
            return y
    raise CalendarEditError(f"工作日历中没有 {year} 年。")


#: The note an edited calendar carries: which years are missing is said at run time (app.calendar).
MISSING_YEARS_NOTE = ("对本文件未收录的年份，程序只按周末计算工作日，并给出提示。国务院办公厅发布当年节假日安排的通知后，"
                      "请在词库管理的“工作日历”中录入并随词库包下发。")


def parse_day(text: str) -> date:
    """'2027-02-06' (also 2027/2/6, 2027.2.6) → date; CalendarEditError otherwise."""
    t = text.strip().replace("/", "-").replace(".", "-")
    try:
        parts = [int(p) for p in t.split("-")]
        if len(parts) != 3:
            raise ValueError(t)
        return date(*parts)
    except ValueError:
        raise CalendarEditError(f"日期“{text.strip()}”格式错误（应为 YYYY-MM-DD）。") from None


def _year_json(y: CalendarYear) -> dict[str, Any]:
    return {"source": y.source,
            "holidays": [{"name": h.name, "from": h.first.isoformat(), "to": h.last.isoformat()} for h in y.holidays],
            "workdays": [d.isoformat() for d in y.workdays]}


def _with_years(pack: Pack, years: list[CalendarYear]) -> Pack:
    """The draft whose calendar holds `years` (the rest of the document as it was), checked as
    app.calendar reads a calendar file."""
    from app.calendar import CalendarError, parse_calendar

    doc = calendar_document(pack)
    doc["years"] = {str(y.year): _year_json(y) for y in sorted(years, key=lambda y: y.year)}
    # the shipped note names the year it lacked (2027); an edited calendar may hold it now
    doc["updated"] = date.today().isoformat()
    doc["missing_years_note"] = MISSING_YEARS_NOTE
    try:
        parse_calendar(doc, "词库包草稿的工作日历")
    except CalendarError as exc:
        raise CalendarEditError(exc.message) from None
    return replace(pack, calendar=doc, signature=None, sha256="", raw_body=None)


def _others(pack: Pack, year: int) -> tuple[list[CalendarYear], CalendarYear]:
    years = list(calendar_years(pack))
    this = calendar_year(pack, year)
    return [y for y in years if y.year != year], this


def _days_off(years: list[CalendarYear]) -> dict[date, str]:
    return {d: h.name for y in years for h in y.holidays for d in h.days}


def add_year(pack: Pack, year: int, source: str) -> Pack:
    """The draft's calendar with a new, empty year and the notice it comes from."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarEditError(f"年份 {year} 不合理（{MIN_YEAR}–{MAX_YEAR}）。")
    source = source.strip()
    if not source:
        raise CalendarEditError("请填写该年安排的来源（国务院办公厅通知的标题或网址）。")
    if len(source) > MAX_SOURCE_CHARS:
        raise CalendarEditError(f"来源过长（不超过 {MAX_SOURCE_CHARS} 字）。")
    years = list(calendar_years(pack))
    if any(y.year == year for y in years):
        raise CalendarEditError(f"工作日历中已有 {year} 年。")
    return _with_years(pack, [*years, CalendarYear(year, source, (), ())])


def set_source(pack: Pack, year: int, source: str) -> Pack:
    others, this = _others(pack, year)
    source = source.strip()
    if not source or len(source) > MAX_SOURCE_CHARS:
        raise CalendarEditError(f"来源不能为空，且不超过 {MAX_SOURCE_CHARS} 字。")
    return _with_years(pack, [*others, replace(this, source=source)])


def remove_year(pack: Pack, year: int) -> Pack:
    others, _ = _others(pack, year)
    return _with_years(pack, others)


def add_holiday(pack: Pack, year: int, name: str, first: date, last: date | None = None) -> Pack:
    """A holiday (a day or a range, weekends inside included, as the notice lists 放假调休) in `year`."""
    from app.calendar.workdays import MAX_SPAN_DAYS

    others, this = _others(pack, year)
    last = last or first
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise CalendarEditError(f"请填写节日名称（不超过 {MAX_NAME_CHARS} 字）。")
    if last < first:
        raise CalendarEditError(f"放假结束日 {last} 早于开始日 {first}。")
    if (last - first).days > MAX_SPAN_DAYS:
        raise CalendarEditError(f"放假 {first}—{last} 超过 {MAX_SPAN_DAYS} 天，请检查日期。")
    if year not in (first.year, last.year):
        raise CalendarEditError(f"放假 {first}—{last} 不在 {year} 年。")
    new = Holiday(name, first, last)
    off = _days_off([*others, this])
    clash = next((d for d in new.days if d in off), None)
    if clash is not None:
        raise CalendarEditError(f"{clash} 已是放假日（{off[clash]}），放假安排不能重叠。")
    worked = {d for y in (*others, this) for d in y.workdays}
    clash = next((d for d in new.days if d in worked), None)
    if clash is not None:
        raise CalendarEditError(f"{clash} 已列为调休上班日，不能同时是放假日。")
    return _with_years(pack, [*others, replace(this, holidays=tuple(sorted((*this.holidays, new),
                                                                             key=lambda h: h.first)))])


def remove_holiday(pack: Pack, year: int, first: date) -> Pack:
    """The draft without the holiday of `year` that starts on `first`."""
    others, this = _others(pack, year)
    kept = tuple(h for h in this.holidays if h.first != first)
    if len(kept) == len(this.holidays):
        raise CalendarEditError(f"{year} 年没有从 {first} 开始的放假安排。")
    return _with_years(pack, [*others, replace(this, holidays=kept)])


def add_workday(pack: Pack, year: int, day: date) -> Pack:
    """An adjusted working day (调休上班, a Saturday or Sunday) in `year`."""
    others, this = _others(pack, year)
    if day.year != year:
        raise CalendarEditError(f"{day} 不在 {year} 年。")
    if day.weekday() < 5:
        raise CalendarEditError(f"{day} 不是周末：调休上班日应为周六或周日。")
    if any(day in y.workdays for y in (*others, this)):
        raise CalendarEditError(f"{day} 已是调休上班日。")
    off = _days_off([*others, this])
    if day in off:
        raise CalendarEditError(f"{day} 已是放假日（{off[day]}），不能同时是调休上班日。")
    return _with_years(pack, [*others, replace(this, workdays=tuple(sorted((*this.workdays, day))))])


def remove_workday(pack: Pack, year: int, day: date) -> Pack:
    others, this = _others(pack, year)
    if day not in this.workdays:
        raise CalendarEditError(f"{year} 年没有调休上班日 {day}。")
    return _with_years(pack, [*others, replace(this, workdays=tuple(d for d in this.workdays if d != day))])


def own_from_bundled(pack: Pack) -> Pack:
    """The draft carrying the shipped calendar as its own (to edit it)."""
    return replace(pack, calendar=bundled_calendar(), signature=None, sha256="", raw_body=None)


def use_bundled(pack: Pack) -> Pack:
    """The draft without its own calendar: the shipped one applies again."""
    return replace(pack, calendar=None, signature=None, sha256="", raw_body=None)


def due_date(pack: Pack, start: date, working_days: int) -> tuple[date, str]:
    """The `working_days`-th working day after `start` on the draft's calendar (as a consultation's
    due date is counted, app.review.consult) and the calendar's warning for years it lacks."""
    from app.calendar import parse_calendar

    cal = parse_calendar(calendar_document(pack), "词库包草稿的工作日历")
    due = cal.add_working_days(start, working_days)
    return due, cal.warning(start, due)
