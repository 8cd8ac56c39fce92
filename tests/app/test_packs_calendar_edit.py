"""Editing a draft's working-day calendar (app.packs.calendar_edit): the 2027 notice added as a
year with its holidays and 调休 working days, built, signed and installed into a real data
directory, and a consultation's due date counted by app.calendar over it; what is refused; the
shipped calendar copied before an edit and given back; the diff lists the days."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.packs.calendar_edit import (
    BUNDLED,
    OWN,
    CalendarEditError,
    add_holiday,
    add_workday,
    add_year,
    bundled_calendar,
    calendar_source,
    calendar_year,
    calendar_years,
    due_date,
    parse_day,
    remove_holiday,
    remove_workday,
    remove_year,
    set_source,
    use_bundled,
)
from app.packs.editor import build_signed, bundled_pack
from app.packs.format import Manifest, read_pack
from tests.stations import KEY_PASSWORD, bureau_station

FIRST = Manifest("bureau", "1", "市保密局")
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）"
SENT = date(2027, 2, 4)           # a Thursday


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A data directory with its 保密管理员 that trusts the bureau's key (tests/stations.py)."""
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    return bureau_station(tmp_path)


def _spring_2027():
    draft = add_year(bundled_pack(FIRST), 2027, NOTICE)
    draft = add_holiday(draft, 2027, "春节", date(2027, 2, 5), date(2027, 2, 11))
    return add_workday(draft, 2027, date(2027, 2, 14))


def test_2027_notice_built_signed_installed_and_counted_by_consultations(station, tmp_path: Path) -> None:
    from app.calendar import calendar_for
    from app.packs.diff import diff_lines, diff_packs
    from app.packs.service import install
    from app.review.consult_model import WORKING_DAYS

    home, key = station
    assert calendar_for(home).add_working_days(SENT, WORKING_DAYS) == date(2027, 2, 11)   # weekends only
    assert calendar_for(home).warning(SENT, date(2027, 2, 11))                             # 2027 missing
    first = bundled_pack(FIRST)
    assert calendar_source(first) == BUNDLED and first.calendar is None
    draft = _spring_2027()
    assert calendar_source(draft) == OWN and draft.calendar is not None
    assert draft.calendar["format"] == "mishen-workday-calendar"                 # the shipped file's format
    assert draft.calendar["years"]["2027"] == {
        "source": NOTICE, "holidays": [{"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}],
        "workdays": ["2027-02-14"]}
    shipped = bundled_calendar()["years"]
    assert all(draft.calendar["years"][y] == shipped[y] for y in shipped)        # every shipped year kept
    assert "2027" not in draft.calendar["missing_years_note"]                   # no longer says 2027 is missing
    assert "2027" in bundled_calendar()["missing_years_note"]
    assert due_date(draft, SENT, WORKING_DAYS) == (date(2027, 2, 17), "")

    out = tmp_path / "bureau-1.signed.json"
    list(build_signed(draft, key, KEY_PASSWORD, out, home))
    signed = read_pack(out)
    assert signed.calendar == draft.calendar
    with Ledger.open(home) as ledger:
        install(ledger, out.read_bytes(), home)
    cal = calendar_for(home)
    assert json.loads(Path(cal.path).read_text("utf-8")) == draft.calendar
    assert cal.covers(2027) and cal.holiday_name(date(2027, 2, 6)) == "春节"
    assert cal.is_working_day(date(2027, 2, 14)) and not cal.is_working_day(date(2027, 2, 8))
    assert cal.add_working_days(SENT, WORKING_DAYS) == date(2027, 2, 17)
    assert cal.warning(SENT, date(2027, 2, 17)) == ""
    assert dict(cal.sources)[2027] == NOTICE

    lines = diff_lines(first, signed, diff_packs(first, signed))
    assert "~ 工作日历（calendar）有变化" in lines and "  ~ 使用内置日历 → 本词库包自带" in lines
    assert any(line.startswith("  + 新增 2027 年（国务院办公厅关于2027年") for line in lines)
    later = remove_workday(add_holiday(signed, 2027, "清明节", date(2027, 4, 5)), 2027, date(2027, 2, 14))
    lines = diff_lines(signed, later, diff_packs(signed, later))
    assert "  ~ 2027 年" in lines and "    + 放假 清明节 2027-04-05—2027-04-05" in lines
    assert "    - 调休上班 2027-02-14" in lines


def test_refusals_are_in_chinese_and_change_nothing() -> None:
    draft = _spring_2027()
    refused = [
        (lambda: add_year(draft, 2027, NOTICE), "已有 2027 年"),
        (lambda: add_year(draft, 2028, "  "), "请填写该年安排的来源"),
        (lambda: add_year(draft, 1999, NOTICE), "不合理"),
        (lambda: add_holiday(draft, 2027, "劳动节", date(2026, 5, 1), date(2026, 5, 3)), "不在 2027 年"),
        (lambda: add_holiday(draft, 2027, "劳动节", date(2027, 5, 5), date(2027, 5, 1)), "早于开始日"),
        (lambda: add_holiday(draft, 2027, "长假", date(2027, 6, 1), date(2027, 8, 30)), "超过 60 天"),
        (lambda: add_holiday(draft, 2027, "元宵", date(2027, 2, 11), date(2027, 2, 12)), "已是放假日（春节）"),
        (lambda: add_holiday(draft, 2027, "补休", date(2027, 2, 14)), "已列为调休上班日"),
        (lambda: add_holiday(draft, 2027, "", date(2027, 5, 1)), "节日名称"),
        (lambda: add_holiday(draft, 2028, "元旦", date(2028, 1, 1)), "没有 2028 年"),
        (lambda: add_workday(draft, 2027, date(2027, 2, 15)), "不是周末"),
        (lambda: add_workday(draft, 2027, date(2027, 2, 6)), "已是放假日（春节）"),
        (lambda: add_workday(draft, 2027, date(2026, 2, 14)), "不在 2027 年"),
        (lambda: add_workday(draft, 2027, date(2027, 2, 14)), "已是调休上班日"),
        (lambda: remove_holiday(draft, 2027, date(2027, 3, 1)), "没有从 2027-03-01 开始"),
        (lambda: remove_workday(draft, 2027, date(2027, 2, 13)), "没有调休上班日"),
        (lambda: set_source(draft, 2027, ""), "来源不能为空"),
        (lambda: parse_day("2027-02-30"), "格式错误"),
    ]
    for change, message in refused:
        with pytest.raises(CalendarEditError, match=message):
            change()
    assert calendar_year(draft, 2027) == calendar_year(_spring_2027(), 2027)    # untouched
    # a 元旦 range starting in December belongs to the new year, as the shipped file keeps it
    with_new_year = add_holiday(add_year(draft, 2028, "国务院办公厅关于2028年部分节假日安排的通知"), 2028, "元旦",
                                date(2027, 12, 30), date(2028, 1, 1))
    assert calendar_year(with_new_year, 2028).holidays[0].first == date(2027, 12, 30)
    assert parse_day("2027/2/6") == date(2027, 2, 6)


def test_remove_and_back_to_the_shipped_calendar() -> None:
    draft = _spring_2027()
    draft = remove_holiday(draft, 2027, date(2027, 2, 5))
    assert calendar_year(draft, 2027).holidays == ()
    draft = set_source(draft, 2027, "国务院办公厅关于2027年部分节假日安排的通知 https://www.gov.cn/")
    assert calendar_year(draft, 2027).source.endswith("www.gov.cn/")
    draft = remove_year(draft, 2027)
    assert 2027 not in [y.year for y in calendar_years(draft)] and calendar_source(draft) == OWN
    back = use_bundled(draft)
    assert back.calendar is None and "calendar" not in back.body() and calendar_source(back) == BUNDLED
    assert [y.year for y in calendar_years(back)] == sorted(int(y) for y in bundled_calendar()["years"])
