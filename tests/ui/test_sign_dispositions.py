"""The sign dialog lists every open item and refuses approval at a deciding level until each high
item is decided; a conditional approval goes to 待核验修改稿, the revised file is checked with a
version diff and 核对发布文件 accepts exactly it; a wrong password keeps the typed reason; marks
made before a review survive closing the window; exports carry the logged-in user; the ledger's
date filter uses the local calendar."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QDate

from app.review import Decision, review_state
from app.review.model import DispositionKind, Status
from tests.ui.conftest import PASSWORDS
from tests.ui.flow import WAIT, login, open_file, open_review, sign
from ui.shell.main_window import MainWindow

ID_NUMBER = "11010519491231002X"
DRAFT = "关于开展安全生产检查的通知\n联系人身份证号11010519491231002X。\n请各单位于本月底前报送检查情况。\n"
CLEAN = "关于开展安全生产检查的通知\n请各单位于本月底前报送检查情况。\n"


@pytest.fixture
def window(qtbot, settings, engine_holder, data_dir):
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(win)
    win.show()
    return win


def _to_level3(qtbot, window, path):
    page = open_file(qtbot, window, path)
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)
    dialog = sign(qtbot, window, page, Decision.APPROVE, "已核对。", PASSWORDS["李信息"])
    login(qtbot, window, "王分管", PASSWORDS["王分管"])
    window.review.panel.sign_button.click()
    dialog = window.review.dialog
    assert dialog.opinion.toPlainText() == "经审核，同意。"     # levels 1–2: the short default, shown
    dialog.password.setText(PASSWORDS["王分管"])
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(page.review.current_signoffs) == 2, timeout=WAIT)
    assert page.review.current_signoffs[-1].opinion == "经审核，同意。"
    return page


def test_sign_dialog_lists_items_and_refuses_an_undecided_high_item(qtbot, window, tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text(DRAFT, encoding="utf-8")
    page = _to_level3(qtbot, window, path)
    login(qtbot, window, "赵主要", PASSWORDS["赵主要"])
    dialog = window.review.ask_sign()
    assert dialog.deciding and page.review.current.sha256 in dialog.summary.toPlainText()
    assert ID_NUMBER in dialog.items.item_texts()
    row = dialog.items.row_of(page.review.current.findings[0].id)
    assert dialog.items.item(row, 0).text() == "高风险" and "身份证" in dialog.items.item(row, 1).text()
    assert dialog.items.item(row, 3).text().startswith("正文")
    dialog.set_decision(Decision.APPROVE)
    dialog.opinion.setPlainText("同意，删除身份证号后发布。")
    dialog.password.setText(PASSWORDS["赵主要"])
    assert not dialog.ok_button.isEnabled() and "尚有 1 处未处理" in dialog.error.text()
    fid = page.review.current.findings[0].id
    # typed but closed without signing: kept (against the document hash) and offered again
    dialog.items.set_choice(fid, DispositionKind.AGREE, "本人已同意公开")
    dialog.reject()
    qtbot.waitUntil(lambda: bool(list((window.review.controller.data_path / "drafts").glob("*.json"))),
                    timeout=WAIT)
    dialog = window.review.ask_sign()
    assert dialog.items.decisions() == [(fid, DispositionKind.AGREE, "本人已同意公开")]
    dialog.set_decision(Decision.APPROVE)
    dialog.opinion.setPlainText("同意，删除身份证号后发布。")
    dialog.password.setText(PASSWORDS["赵主要"])
    dialog.items.set_choice(fid, DispositionKind.CHANGE, "")
    assert not dialog.ok_button.isEnabled() and "须修改的内容" in dialog.error.text()
    dialog.items.set_choice(fid, DispositionKind.CHANGE, "删除联系人身份证号")
    assert dialog.ok_button.isEnabled(), dialog.error.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(page.review.current_signoffs) == 3, timeout=WAIT)
    assert review_state(page.review).status is Status.AWAITING_VERIFICATION
    (d,) = page.review.current_signoffs[-1].dispositions
    assert (d.kind, d.text) == (DispositionKind.CHANGE, "删除联系人身份证号")
    assert not list((window.review.controller.data_path / "drafts").glob("*.json"))   # signed: proposals gone

    # the officer submits the revised file; the version diff shows; the review can be published
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    panel = window.review.panel
    qtbot.waitUntil(lambda: panel.resubmit_button.isVisible(), timeout=WAIT)
    clean = tmp_path / "通知-定稿.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    panel.resubmit_button.click()
    resubmit = window.review.dialog
    assert "有条件同意" in resubmit.note.text()
    resubmit.path.setText(str(clean))
    resubmit.ok_button.click()
    qtbot.waitUntil(lambda: window.review.diff_dialog is not None, timeout=WAIT)
    diff_text = window.review.diff_dialog.text.toPlainText()
    assert "核验通过" in diff_text and ID_NUMBER in diff_text
    page = window.current_page()
    assert review_state(page.review).status is Status.APPROVED
    qtbot.waitUntil(lambda: "可以发布" in panel.status.text(), timeout=WAIT)

    # 核对发布文件 in the ledger window: exactly the clean file
    ledger = window.open_ledger()
    with qtbot.waitSignal(ledger.checked, timeout=WAIT) as ok:
        ledger.check_file(str(clean))
    assert ok.args == [True] and "第 2 版" in ledger.result.text()
    ledger.check_dialog.close()
    with qtbot.waitSignal(ledger.checked, timeout=WAIT) as no:
        ledger.check_file(str(path))
    assert no.args == [False] and "不是经批准发布的版本" in ledger.result.text()
    ledger.check_dialog.close()
    window.review.diff_dialog.close()


def test_wrong_password_keeps_the_typed_waiver_reason(qtbot, window, tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text("本件属绝密★长期文件。\n请各单位按时报送。\n", encoding="utf-8")
    page = open_file(qtbot, window, path)
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)
    login(qtbot, window, "赵主要", PASSWORDS["赵主要"])
    findings = window.findings
    block = page.report.findings[0]
    findings.select_finding(block.id)
    qtbot.waitUntil(lambda: findings.waive_button.isEnabled(), timeout=WAIT)
    dialog = findings.ask_waive()
    reason = "转载的已解密文件原有标志，已向原定密机关核实解密"
    dialog.edit.setPlainText(reason)
    dialog.password_edit.setText("wrong-password")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: getattr(window.review.dialog, "objectName", lambda: "")() == "reasonDialog"
                    and window.review.dialog.isVisible(), timeout=WAIT)
    retry = window.review.dialog
    assert retry.reason == reason and "密码" in retry.error.text()
    assert retry.password == ""
    retry.password_edit.setText(PASSWORDS["赵主要"])
    retry.ok_button.click()
    qtbot.waitUntil(lambda: len(page.review.current_waivers) == 1, timeout=WAIT)
    assert page.review.current_waivers[0].reason == reason


def test_false_alarm_before_a_review_survives_closing_the_window(qtbot, settings, engine_holder, data_dir, tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text("请联系13912345678报名。\n", encoding="utf-8")
    first = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(first)
    first.show()
    page = open_file(qtbot, first, path)
    login(qtbot, first, "李信息", PASSWORDS["李信息"])
    f = page.report.findings[0]
    first.findings.select_finding(f.id)
    dialog = first.findings.ask_false_alarm()
    dialog.edit.setPlainText("系单位公开的报名电话")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.dispositions.get(f.id).recorded, timeout=WAIT)
    assert list((data_dir / "drafts").glob("*.json"))
    first.close()
    first.review.shutdown()

    second = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(second)
    second.show()
    page = open_file(qtbot, second, path)
    qtbot.waitUntil(lambda: page.dispositions.get(f.id).reason == "系单位公开的报名电话", timeout=WAIT)
    assert page.dispositions.get(f.id).who == "李信息"
    login(qtbot, second, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, second, page)
    from app.ledger.store import Ledger
    from app.review.false_alarms import false_alarms

    with Ledger.open(data_dir, read_only=True) as ledger:
        marks = false_alarms(ledger, page.review)
    assert marks[f.id].user == "李信息" and marks[f.id].reason == "系单位公开的报名电话"


def test_exports_are_recorded_as_the_logged_in_user(qtbot, window, data_dir, tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text(CLEAN, encoding="utf-8")
    page = open_file(qtbot, window, path)
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)
    login(qtbot, window, "赵主要", PASSWORDS["赵主要"])
    ledger = window.open_ledger()
    with qtbot.waitSignal(ledger.exported, timeout=WAIT):
        ledger.export_sheet(page.review.id, str(tmp_path / "审查单.docx"))
    from app.ledger.store import Ledger

    with Ledger.open(data_dir, read_only=True) as led:
        (entry,) = led.events(kinds=("exported",))
    assert entry.actor == "赵主要"


def test_ledger_date_filter_uses_local_dates(monkeypatch):
    from ui.ledger.ledger_models import local_day

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert local_day("2026-12-01T20:05:00.000+00:00") == QDate(2026, 12, 2)
        assert local_day("2026-12-01T15:59:00.000+00:00") == QDate(2026, 12, 1)
        from ui.ledger.ledger_models import Row, RowFilter, RowsModel

        model = RowsModel(("时间",))
        model.set_rows([Row(("2026年12月2日 04:05",), "2026-12-01T20:05:00.000+00:00", "", "")])
        proxy = RowFilter()
        proxy.setSourceModel(model)
        proxy.set_filter(since=QDate(2026, 12, 2), until=QDate(2026, 12, 2))
        assert proxy.rowCount() == 1            # the 2nd in Beijing, though the 1st in UTC
        proxy.set_filter(since=QDate(2026, 12, 1), until=QDate(2026, 12, 1))
        assert proxy.rowCount() == 0
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
