"""The working-day calendar: State Council holidays and adjusted working days (调休)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.calendar import CalendarError, default_calendar_path, load_calendar


def test_shipped_file_covers_2020_to_2026_with_sources() -> None:
    cal = load_calendar()
    assert Path(cal.path) == default_calendar_path()
    assert set(range(2020, 2027)) <= cal.years
    assert all(src.startswith("国务院办公厅关于") for _y, src in cal.sources)


def test_spring_festival_2026_with_adjusted_saturday() -> None:
    cal = load_calendar()
    assert cal.holiday_name(date(2026, 2, 17)) == "春节"
    assert cal.is_working_day(date(2026, 2, 14))        # Saturday worked (调休)
    assert not cal.is_working_day(date(2026, 2, 16))    # Monday off
    # sent Thu 12 Feb: Fri 13, Sat 14 (调休), [15–23 春节], Tue 24, Wed 25, Thu 26
    assert cal.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5


def test_national_day_2026_ends_on_an_adjusted_saturday() -> None:
    cal = load_calendar()
    # sent Mon 28 Sep: Tue 29, Wed 30, [1–7 Oct 国庆], Thu 8, Fri 9, Sat 10 (调休)
    assert cal.add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)
    assert cal.warning(date(2026, 9, 28), date(2026, 10, 10)) == ""


def test_year_not_in_file_falls_back_to_weekends_with_warning() -> None:
    cal = load_calendar()
    assert not cal.covers(2027)
    due = cal.add_working_days(date(2026, 12, 30), 5)      # Thu 31, [Jan 1 元旦? unknown] Fri 1, Mon 4 …
    assert due == date(2027, 1, 6)
    assert "2027 年" in cal.warning(date(2026, 12, 30), due)


def test_override_file_and_bad_files(tmp_path: Path) -> None:
    own = tmp_path / "cal.json"
    own.write_text(json.dumps({"format": "mishen-workday-calendar", "version": "t", "years": {
        "2027": {"source": "测试", "holidays": [{"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}],
                 "workdays": ["2027-02-13"]}}}), encoding="utf-8")
    cal = load_calendar(own)
    assert cal.covers(2027) and not cal.covers(2026)
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)
    assert cal.add_working_days(date(2027, 2, 12), 1) == date(2027, 2, 13)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "mishen-workday-calendar", "years": {
        "2027": {"holidays": [], "workdays": ["2027-02-10"]}}}), encoding="utf-8")
    with pytest.raises(CalendarError, match="不是周末"):
        load_calendar(bad)
    with pytest.raises(CalendarError, match="无法读取"):
        load_calendar(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    with pytest.raises(CalendarError, match="JSON"):
        load_calendar(tmp_path / "x.json")


def test_data_directory_calendar_overrides_the_shipped_one(tmp_path: Path) -> None:
    from app.calendar import calendar_for

    assert calendar_for(tmp_path).path == str(default_calendar_path())
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "cn_workdays.json").write_text(json.dumps({
        "format": "mishen-workday-calendar", "version": "2027.1", "years": {"2027": {
            "source": "国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
            "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}], "workdays": []}}}),
        encoding="utf-8")
    cal = calendar_for(tmp_path)
    assert cal.version == "2027.1" and cal.covers(2027)
