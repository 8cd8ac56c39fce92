"""The review flow through the real window: login, 建立审核单, false alarm and waiver recorded in
the ledger, gating messages, signing levels 1–3 (level 3 in the leader view), and the ledger
window's tables, filters and integrity check."""

from __future__ import annotations

import pytest

from app.model import Severity
from app.review import Decision
from tests import builders
from tests.ui.conftest import PASSWORDS
from ui.review.dispositions import Status
from ui.shell.main_window import MainWindow

WAIT = 30_000
BLOCK_TEXT = "绝密★长期"


@pytest.fixture
def window(qtbot, settings, engine_holder, data_dir):
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(win)
    win.show()
    assert win.review is not None, "the review dock is attached when the review core is present"
    return win


def open_draft(qtbot, window, tmp_path):
    path = tmp_path / "关于统计数据的通知.docx"
    if not path.exists():
        builders.build_simple_docx(path, [BLOCK_TEXT, "关于做好信息公开工作的通知。", "联系人：李四。"])
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    assert page is not None
    return page


def login(qtbot, window, name):
    controller = window.review.controller
    qtbot.waitUntil(lambda: bool(controller.users), timeout=WAIT)
    dialog = window.review.ask_login()
    dialog.user_box.setEditText(name)
    dialog.password.setText(PASSWORDS[name])
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: controller.session is not None and controller.session.name == name, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)


def open_review(qtbot, window, page):
    dialog = window.review.ask_open_review()
    assert dialog is not None
    assert "系统建议" in dialog.info_class.currentText()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.review is not None, timeout=WAIT)


def sign(qtbot, window, page, name, decision=Decision.APPROVE, opinion="同意。"):
    login(qtbot, window, name)
    before = len(page.review.current_signoffs)
    dialog = window.review.ask_sign()
    assert dialog is not None
    summary = dialog.summary.toPlainText()
    assert page.review.current.sha256 in summary          # exactly what is being signed
    dialog.set_decision(decision)
    dialog.opinion.setPlainText(opinion)
    dialog.password.setText(PASSWORDS[name])
    assert dialog.ok_button.isEnabled(), dialog.error.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(page.review.current_signoffs) == before + 1, timeout=WAIT)
    return dialog


def ledger_events(data_dir, kind):
    from app.ledger.store import Ledger

    with Ledger.open(data_dir) as ledger:
        return [e.payload for e in ledger.events(kinds=(kind,))]


def test_full_review_flow(qtbot, window, tmp_path, data_dir):
    page = open_draft(qtbot, window, tmp_path)
    findings = window.findings
    blocks = [f for f in page.report.findings if f.severity is Severity.BLOCK]
    assert blocks, "the draft carries a secrecy mark"
    panel = window.review.panel
    assert "请先登录" in panel.gate_label.text()

    # a false alarm before the review exists is kept and written when the review is opened
    other = next((f for f in page.report.findings if f.severity is not Severity.BLOCK), None)
    login(qtbot, window, "李信息")
    if other is not None:
        findings.select_finding(other.id)
        dialog = findings.ask_false_alarm()
        dialog.edit.setPlainText("公开的联系人，非个人隐私")
        dialog.ok_button.click()
        assert page.dispositions.status(other.id) is Status.FALSE_ALARM
    open_review(qtbot, window, page)
    if other is not None:
        recorded = ledger_events(data_dir, "finding_dismissed")
        assert [p["finding_id"] for p in recorded] == [other.id]
        assert recorded[0]["user"] == "李信息"

    # level 1 may not approve while a block finding is open: the gating says so in Chinese
    qtbot.waitUntil(lambda: "禁止发布的内容未处理" in panel.gate_label.text(), timeout=WAIT)
    assert f"尚有 {len(blocks)} 处禁止发布的内容未处理" in panel.gate_label.text()
    dialog = window.review.ask_sign()
    dialog.set_decision(Decision.APPROVE)
    dialog.password.setText(PASSWORDS["李信息"])
    assert not dialog.ok_button.isEnabled()
    assert f"尚有 {len(blocks)} 处禁止发布的内容未处理" in dialog.error.text()
    dialog.reject()

    # the officer cannot waive; the principal can (with reason and password), recorded in the ledger
    findings.select_finding(blocks[0].id)
    assert not findings.waive_button.isEnabled()
    login(qtbot, window, "赵主要")
    qtbot.waitUntil(lambda: findings.waive_button.isEnabled(), timeout=WAIT)
    for block in blocks:
        findings.select_finding(block.id)
        dialog = findings.ask_waive()
        dialog.edit.setPlainText("该标志为转载的已解密文件原有标志，已核实解密")
        assert not dialog.ok_button.isEnabled()          # password required
        dialog.password_edit.setText(PASSWORDS["赵主要"])
        dialog.ok_button.click()
        qtbot.waitUntil(lambda b=block: page.dispositions.status(b.id) is Status.WAIVED, timeout=WAIT)
    assert len(page.review.current_waivers) == len(blocks)

    # levels 1 and 2
    sign(qtbot, window, page, "李信息", opinion="已核对。")
    sign(qtbot, window, page, "王分管", opinion="同意报主要负责人。")
    qtbot.waitUntil(lambda: "该级审核需由主要负责人签署" in panel.gate_label.text(), timeout=WAIT)
    assert not panel.sign_button.isEnabled()

    # level 3 in the leader view with a 批示
    login(qtbot, window, "赵主要")
    leader = window.open_leader_view()
    assert "前级意见" not in leader.opinions.toPlainText()
    assert "同意报主要负责人" in leader.opinions.toPlainText()
    assert "禁止发布" in leader.digest.toPlainText() or "审查发现" in leader.digest.toPlainText()
    leader.instruction.setPlainText("同意发布。")
    leader.password.setText("wrong-password")
    leader.decide(Decision.APPROVE)
    qtbot.waitUntil(lambda: "密码" in leader.gate.text(), timeout=WAIT)      # wrong password, plain Chinese
    assert len(page.review.current_signoffs) == 2
    leader.password.setText(PASSWORDS["赵主要"])
    with qtbot.waitSignal(leader.signed, timeout=WAIT):
        leader.decide(Decision.APPROVE)
    assert [s.level for s in page.review.current_signoffs] == [1, 2, 3]
    qtbot.waitUntil(lambda: "审核通过" in panel.status.text(), timeout=WAIT)

    # the ledger window: approval ledger, audit trail, filters, integrity
    ledger = window.open_ledger()
    qtbot.waitUntil(lambda: ledger.approval.rowCount() == 1, timeout=WAIT)
    assert ledger.approval_proxy.rowCount() == 1
    assert "同意发布" in " ".join(str(c) for c in ledger.approval.rows[0].cells)
    kinds = {row.cells[3] for row in ledger.audit.rows}
    assert {"建立审核单", "签署", "豁免问题"} <= kinds
    ledger.search.setText("不存在的内容")
    assert ledger.approval_proxy.rowCount() == 0
    ledger.search.setText("同意发布")
    assert ledger.approval_proxy.rowCount() == 1
    ledger.search.clear()
    ledger.unit.setCurrentIndex(ledger.unit.findData("某某市统计局"))
    with qtbot.waitSignal(ledger.verified, timeout=WAIT) as blocker:
        ledger.verify_button.click()
    assert blocker.args == [True]
    assert "台帐完好" in ledger.result.text()
    # exports: 审查单 and 台帐
    with qtbot.waitSignal(ledger.exported, timeout=WAIT):
        ledger.export_sheet(page.review.id, str(tmp_path / "审查单.docx"))
    with qtbot.waitSignal(ledger.exported, timeout=WAIT):
        ledger.export_ledger(str(tmp_path / "台帐.xlsx"))
    assert (tmp_path / "审查单.docx").stat().st_size > 0
    assert (tmp_path / "台帐.xlsx").stat().st_size > 0


def test_review_found_again_on_reopen(qtbot, window, tmp_path):
    page = open_draft(qtbot, window, tmp_path)
    login(qtbot, window, "李信息")
    open_review(qtbot, window, page)
    rid = page.review.id
    window.close_tab(window.tabs.currentIndex())
    page = open_draft(qtbot, window, tmp_path)
    qtbot.waitUntil(lambda: page.review is not None and page.review.id == rid, timeout=WAIT)


def test_wrong_password_at_login_is_a_chinese_message(qtbot, window):
    controller = window.review.controller
    qtbot.waitUntil(lambda: bool(controller.users), timeout=WAIT)
    dialog = window.review.ask_login()
    dialog.user_box.setEditText("李信息")
    dialog.password.setText("not-the-password")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "密码" in dialog.error.text(), timeout=WAIT)
    assert controller.session is None
    dialog.reject()
