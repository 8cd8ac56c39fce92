"""The lexicon editor's 规则词表 and 工作日历 tabs driven like the bureau would: a new gambling spam
morpheme and the 2027 holiday notice go into the draft through the pages' fields and buttons, the
draft is built, signed and installed into a real data directory, then a real scan with that data
directory flags the text only the new morpheme makes spam, and a consultation's due date counted
by app.calendar skips the new holiday."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from app.scan import Engine
from tests.stations import KEY_PASSWORD, bureau_station
from tests.ui.flow import open_lexicon_editor

SPAM_TEXT = "抢庄牛牛_棋牌_盘口_赔率\n"     # 棋牌, 盘口, 赔率 are weak: without a strong morpheme no spam


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A data directory with its 保密管理员 that trusts the bureau's key (tests/stations.py)."""
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    return bureau_station(tmp_path)


def _harmful(home: Path, text: str, tmp_path: Path) -> list[str]:
    doc = tmp_path / "page.txt"
    doc.write_text(text, encoding="utf-8")
    report = Engine.load(data_dir=home).scan_file(doc)
    return [f.text for f in report.findings if f.category.value == "harmful_content"]


def test_new_spam_morpheme_and_2027_holiday_built_installed_and_used(qtbot, station, tmp_path: Path) -> None:
    from app.calendar import calendar_for
    from app.review.consult_model import WORKING_DAYS

    home, key = station
    assert _harmful(home, SPAM_TEXT, tmp_path) == []           # the bundled morphemes: not spam
    sent = date(2027, 2, 4)                                    # a Thursday; 2027 not in the shipped calendar
    assert calendar_for(home).add_working_days(sent, WORKING_DAYS) == date(2027, 2, 11)

    editor = open_lexicon_editor(qtbot, home)
    rules, cal = editor.rules_page, editor.calendar_page
    editor.show_page(rules)

    # 规则词表: the spam morphemes, with group and weight; add the new one through the fields
    rules.choose("spam_morphemes")
    assert rules.source_label.text() == "本词库包自带"          # the first pack spells out the bundled ones
    total = len(rules.words)
    rules.set_filter(group="gamble")
    assert rules.visible_words() and all(w.group == "gamble" for w in rules.visible_words())
    rules.term.setText("抢庄牛牛")
    rules.group.setCurrentIndex(rules.group.findData("gamble"))
    rules.weight.setValue(3)
    rules.add_button.click()
    assert rules.problem.text() == "" and "抢庄牛牛" in editor.status.text()
    rules.set_filter(query="牛牛")
    assert [(w.term, w.group, w.weight) for w in rules.visible_words()] == [("抢庄牛牛", "gamble", 3)]
    assert len(rules.words) == total + 1
    assert any(m.term == "抢庄牛牛" for m in editor.draft.rules.spam_morphemes)   # in the window's draft
    # refused: a duplicate (after normalisation), an unknown group, nothing changes
    rules.term.setText("抢莊牛牛")
    rules.add_button.click()
    assert "已在垃圾信息词素中" in rules.problem.text() and len(rules.words) == total + 1
    assert "抢庄牛牛" in editor.status.text() and editor.status.styleSheet()          # shown as a failure

    # 工作日历: the shipped calendar; a 2027 year with its notice, 春节, an adjusted working day
    editor.show_page(cal)
    assert cal.source_label.text() == "使用内置日历" and 2027 not in [y.year for y in cal.years]
    cal.new_year.setValue(2027)
    cal.new_source.setText("国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）")
    cal.add_year_button.click()
    assert cal.current_year == 2027 and cal.source_label.text() == "本词库包自带"
    assert cal.notice.text().startswith("国务院办公厅关于2027年")
    cal.holiday_name.setText("春节")
    cal.holiday_from.setDate(QDate(2027, 2, 5))
    cal.holiday_to.setDate(QDate(2027, 2, 11))
    cal.add_holiday_button.click()
    cal.workday.setDate(QDate(2027, 2, 14))
    cal.add_workday_button.click()
    assert cal.problem.text() == ""
    assert [(h.name, h.first, h.last) for h in cal.holidays.rows] == [("春节", date(2027, 2, 5), date(2027, 2, 11))]
    assert cal.workdays.rows == [date(2027, 2, 14)]
    # refused: a holiday on the working day, a working day on a weekday, a date of another year
    for first, last in ((date(2027, 2, 13), date(2027, 2, 14)), (date(2026, 5, 1), date(2026, 5, 3))):
        assert not cal.add_holiday("劳动节", first, last)
    assert "调休上班日" in cal.problem.text() or "不在 2027 年" in cal.problem.text()
    assert not cal.add_workday(date(2027, 2, 15)) and "不是周末" in cal.problem.text()
    assert cal.compute_due(sent, WORKING_DAYS) == date(2027, 2, 17)
    assert "2027-02-17" in cal.trial_result.text()

    # build, sign, install: both changes travel in the pack
    editor.m_issuer.setText("市保密局")
    editor.key_file.setText(str(key))
    editor.key_password.setText(KEY_PASSWORD)
    editor.output.setText(str(tmp_path / "bureau-1.signed.json"))
    editor.build_button.click()
    qtbot.waitUntil(lambda: editor.idle, timeout=30000)
    assert editor.built is not None and editor.built.exists(), editor.status.text()
    with qtbot.waitSignal(editor.lexicons_changed, timeout=30000):
        editor.install_button.click()
    qtbot.waitUntil(lambda: editor.idle, timeout=30000)
    assert [(i.version, i.active) for i in editor.installed.rows] == [("1", True)], editor.status.text()

    assert _harmful(home, SPAM_TEXT, tmp_path) == ["抢庄牛牛_棋牌_盘口_赔率"]   # a real scan, the new morpheme
    assert _harmful(home, "棋牌_盘口_赔率\n", tmp_path) == []
    installed = calendar_for(home)                                             # what consultations count on
    assert installed.covers(2027) and installed.holiday_name(date(2027, 2, 8)) == "春节"
    assert installed.add_working_days(sent, WORKING_DAYS) == date(2027, 2, 17)
    assert installed.warning(sent, date(2027, 2, 17)) == ""
    # the reloaded draft is the installed pack: its own vocabulary and calendar
    assert rules.source_label.text() == "本词库包自带" and cal.source_label.text() == "本词库包自带"
    assert 2027 in [y.year for y in cal.years]


def test_back_to_bundled_and_start_from_bundled(qtbot, station) -> None:
    home, _ = station
    editor = open_lexicon_editor(qtbot, home)
    rules = editor.rules_page
    rules.choose("prohibitive_words")
    bundled = list(rules.words)
    assert bundled and rules.source_label.text() == "本词库包自带"
    assert rules.back_to_bundled()
    assert rules.source_label.text() == "使用内置词表" and editor.draft.rules.prohibitive_words is None
    assert rules.words == tuple(bundled) and rules.own_button.isEnabled() and not rules.bundled_button.isEnabled()
    # editing a bundled vocabulary copies it first: nothing bundled is lost
    rules.set_filter(query=bundled[0].term)
    rules.view.setCurrentIndex(rules.model.index(0, 0))
    assert rules.term.text() == bundled[0].term
    rules.term.setText("严禁外传")
    assert rules.edit_selected()
    assert rules.source_label.text() == "本词库包自带"
    assert list(editor.draft.rules.prohibitive_words) == ["严禁外传", *(w.term for w in bundled[1:])]
    rules.set_filter(query="严禁外传")
    rules.view.setCurrentIndex(rules.model.index(0, 0))
    assert rules.delete_selected() and len(editor.draft.rules.prohibitive_words) == len(bundled) - 1
    rules.choose("indicators")
    rules.term.setText("x" * 65)
    assert not rules.add() and "过长" in rules.problem.text()
    # the whole calendar back to the shipped one
    cal = editor.calendar_page
    assert cal.add_year(2027, "国务院办公厅关于2027年部分节假日安排的通知")
    assert editor.draft.calendar is not None
    cal.bundled_button.click()
    assert editor.draft.calendar is None and cal.source_label.text() == "使用内置日历"
    assert not cal.add_year(2027, "") and "来源" in cal.problem.text()
