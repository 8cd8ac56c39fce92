"""Working days on the calendar the State Council publishes each year (国务院办公厅关于××年部分节假日
安排的通知): a date is a working day when it is listed as an adjusted working day (调休上班), or it is
a Monday–Friday outside every holiday range. Pure values; the file is read once by `load_calendar`."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.errors import MishenError
from app.paths import lexicons_dir

CALENDAR_FORMAT = "mishen-workday-calendar"
CALENDAR_FILE = Path("calendar") / "cn_workdays.json"
MAX_CALENDAR_BYTES = 1024 * 1024
MAX_SPAN_DAYS = 60     # a holiday range longer than this is a typing error, not a holiday


class CalendarError(MishenError):
    code = "calendar_invalid"


def default_calendar_path() -> Path:
    return lexicons_dir() / CALENDAR_FILE


@dataclass(frozen=True, slots=True)
class WorkdayCalendar:
    holidays: tuple[tuple[date, str], ...]      # every day off by a notice (weekends inside ranges too)
    days_off: frozenset[date]                   # the same days, for lookups
    workdays: frozenset[date]                   # weekends worked (调休上班)
    years: frozenset[int]                       # years whose notice the file holds
    sources: tuple[tuple[int, str], ...]        # (year, the notice it comes from)
    version: str
    path: str

    def holiday_name(self, day: date) -> str | None:
        return dict(self.holidays).get(day)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def covers(self, year: int) -> bool:
        return year in self.years

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (`start` itself is not counted): a request sent on
        `start` and due "within n working days" is due at the end of the returned day."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day, left = start, n
        while left:
            day += timedelta(days=1)
            left -= self.is_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def uncovered_years(self, start: date, end: date) -> tuple[int, ...]:
        """Years between the two dates (inclusive) that the file does not cover."""
        lo, hi = min(start, end).year, max(start, end).year
        return tuple(y for y in range(lo, hi + 1) if y not in self.years)

    def warning(self, start: date, end: date) -> str:
        """A Chinese warning when a span runs into years the file lacks, else ''."""
        missing = self.uncovered_years(start, end)
        if not missing:
            return ""
        years = "、".join(f"{y} 年" for y in missing)
        return (f"注意：工作日历（{self.path}）中没有 {years}的节假日安排，这些日子只按周末计算；"
                "国务院办公厅公布安排后请更新工作日历（随词库更新）。")


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"工作日历 {where}：日期“{value}”格式错误（应为 YYYY-MM-DD）。") from None


def _parse(data: Any, path: Path) -> WorkdayCalendar:
    if not isinstance(data, dict) or data.get("format") != CALENDAR_FORMAT or not isinstance(data.get("years"), dict):
        raise CalendarError(f"{path} 不是密审工作日历文件（format 应为 {CALENDAR_FORMAT}，并有 years）。")
    holidays: dict[date, str] = {}
    workdays: set[date] = set()
    years: set[int] = set()
    sources: list[tuple[int, str]] = []
    for key, entry in data["years"].items():
        try:
            year = int(key)
        except ValueError:
            raise CalendarError(f"工作日历 {path}：年份“{key}”不是数字。") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("holidays"), list) \
                or not isinstance(entry.get("workdays"), list):
            raise CalendarError(f"工作日历 {path}：{year} 年缺少 holidays 或 workdays。")
        where = f"{path} 的 {year} 年"
        for h in entry["holidays"]:
            if not isinstance(h, dict):
                raise CalendarError(f"工作日历 {where}：放假条目格式错误。")
            first, last = _date(h.get("from"), where), _date(h.get("to"), where)
            if last < first or (last - first).days > MAX_SPAN_DAYS:
                raise CalendarError(f"工作日历 {where}：放假起止日期 {first}—{last} 不合理。")
            day = first
            while day <= last:
                holidays[day] = str(h.get("name", "节假日"))
                day += timedelta(days=1)
        for w in entry["workdays"]:
            day = _date(w, where)
            if day.weekday() < 5:
                raise CalendarError(f"工作日历 {where}：调休上班日 {day} 不是周末。")
            workdays.add(day)
        years.add(year)
        sources.append((year, str(entry.get("source", ""))))
    both = sorted(workdays & set(holidays))
    if both:
        raise CalendarError(f"工作日历 {path}：{both[0]} 同时列为放假日和调休上班日。")
    return WorkdayCalendar(tuple(sorted(holidays.items())), frozenset(holidays), frozenset(workdays), frozenset(years),
                           tuple(sorted(sources)), str(data.get("version", "")), str(path))


def parse_calendar(data: Any, name: str = "工作日历") -> WorkdayCalendar:
    """A calendar document already read (e.g. a lexicon pack's `calendar` section, as the editor
    changes it), checked exactly as `load_calendar` checks a file; CalendarError names `name`."""
    return _parse(data, Path(name))


def calendar_for(data_dir: str | os.PathLike[str] | None) -> WorkdayCalendar:
    """The calendar a workstation counts on: `<data dir>/calendar/cn_workdays.json` when the unit
    (or an installed lexicon update) put a newer file there, else the calendar carried by the active
    lexicon packs (app.packs.layers.active_calendar), else the shipped one."""
    if data_dir is not None:
        own = Path(data_dir) / CALENDAR_FILE
        if own.is_file():
            return load_calendar(own)
        from app.packs.layers import active_calendar  # packs import nothing of the calendar

        carried = active_calendar(Path(data_dir))
        if carried is not None:
            return load_calendar(carried.path)
    return load_calendar()


def load_calendar(path: str | os.PathLike[str] | None = None) -> WorkdayCalendar:
    """Read a calendar file (default: the shipped `lexicons/calendar/cn_workdays.json`). Raises
    CalendarError with a Chinese message for a missing, oversized or malformed file."""
    p = Path(path) if path is not None else default_calendar_path()
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_CALENDAR_BYTES + 1)
    except OSError as exc:
        raise CalendarError(f"无法读取工作日历 {p}：{exc.strerror or exc}", code="calendar_missing") from exc
    if len(raw) > MAX_CALENDAR_BYTES:
        raise CalendarError(f"工作日历 {p} 过大（上限 1 MiB）。")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CalendarError(f"工作日历 {p} 不是有效的 UTF-8 JSON：{exc}") from exc
    return _parse(data, p)
