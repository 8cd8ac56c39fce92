"""The 征求意见 dialog on two real units (registered with each other): the peers offered, a wrong
password keeps what was typed, the letter sent with its due date, the reply imported, an overdue
consultation recorded as 视为同意 when the dialog opens, and the audit view's Chinese words."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import load_review, open_review, scanning
from app.review.consult import reply_consultation, send_consultation
from app.review.consult_model import ConsultDecision
from app.users import Role
from tests.app.test_package_trust import ADMIN, make_unit, register
from tests.app.test_review_helpers import PASSWORD, real_scanner, write_doc
from tests.ui.flow import WAIT
from ui.ledger.ledger_models import audit_table
from ui.review.consult_dialog import ConsultDialog
from ui.review.review_controller import ReviewController


@pytest.fixture
def two_units(tmp_path, monkeypatch):
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])
    a = make_unit(tmp_path / "a", "市应急局", {"xiao_li": Role.OFFICER})
    b = make_unit(tmp_path / "b", "市公安局", {})
    register(a, b)
    register(b, a)
    doc = write_doc(tmp_path, "通报.txt", "关于联合执法检查的情况通报。\n")
    with Ledger.open(a) as ledger:
        rid = open_review(ledger, doc, title="联合执法通报", unit="市应急局").id
        review = load_review(ledger, rid)
    return a, b, review


def test_send_wrong_password_reply_and_audit(qtbot, two_units, tmp_path):
    a, b, review = two_units
    controller = ReviewController(str(a), None)
    dialog = ConsultDialog(controller, review)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        dialog.reload()
    assert dialog.to_unit.count() == 1 and "市公安局" in dialog.to_unit.currentText()
    assert dialog.admin.text() == ADMIN and "尚未征求意见" in dialog.list.item(0).text()

    letter = tmp_path / "函.mishen"
    dialog.output.setText(str(letter))
    dialog.opinion.setPlainText("拟于下周公开，涉及贵局执法数据。")
    dialog.password.setText("wrong-password")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT):
        dialog.send_button.click()
    assert "密码" in dialog.result.text() and not letter.exists()
    assert dialog.opinion.toPlainText() == "拟于下周公开，涉及贵局执法数据。"     # nothing typed is lost
    assert dialog.send_button.isEnabled()

    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.sent, timeout=WAIT) as sent:
        dialog.send_button.click()
    c = sent.args[0]
    assert letter.exists() and c.to_unit == "市公安局" and f"{c.due_date:%Y-%m-%d}" in dialog.result.text()
    qtbot.waitUntil(lambda: "待答复" in dialog.list.item(0).text(), timeout=WAIT)
    assert dialog.print_button.isEnabled()
    with qtbot.waitSignal(dialog.printed, timeout=WAIT) as printed:
        dialog.print_to(tmp_path / "纸面函.docx")
    assert printed.args == [str(tmp_path / "纸面函.docx")] and (tmp_path / "纸面函.docx").stat().st_size > 0

    with Ledger.open(b) as ledger:
        reply_consultation(ledger, letter, decision=ConsultDecision.DISAGREE, opinion="执法数据尚未核定",
                           output=tmp_path / "答复.mishen", admin=ADMIN, password=PASSWORD)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT) as got:
        dialog.import_from(tmp_path / "答复.mishen")
    assert got.args[0].state_text == "已答复：不同意公开"
    qtbot.waitUntil(lambda: "执法数据尚未核定" in dialog.list.item(0).text(), timeout=WAIT)
    assert "第十四条" in dialog.list.item(1).text()          # disagreement goes to the same-level government
    dialog.close()
    controller.shutdown()

    with Ledger.open(a) as ledger:
        rows = audit_table(ledger.events(), {})
    words = [(r.cells[3], r.cells[5]) for r in rows if str(r.cells[3]).startswith(("发出征求", "记录外单位"))]
    assert words[0][0] == "发出征求意见函" and "征求市公安局意见，答复期限" in words[0][1]
    assert words[1] == ("记录外单位答复", "市公安局答复：不同意公开，执法数据尚未核定")
    assert any(r.cells[3] == "输出文件" and "纸面征求意见函 纸面函.docx" in r.cells[5] for r in rows)
    assert verify_ledger(ledger_path(a)).ok


def test_opening_records_deemed_consent(qtbot, two_units, tmp_path):
    a, _b, review = two_units
    with Ledger.open(a) as ledger:
        send_consultation(ledger, review.id, to="市公安局", output=tmp_path / "old.mishen", admin=ADMIN,
                          password=PASSWORD, now=datetime(2026, 2, 12, 10, 0, tzinfo=timezone(timedelta(hours=8))))
    controller = ReviewController(str(a), None)
    dialog = ConsultDialog(controller, review)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT) as got:
        dialog.reload()
    (c,) = got.args[0]
    assert c.state_text == "期满（2026-02-26）未答复，视为同意"
    assert "视为同意" in dialog.result.text()
    dialog.close()
    controller.shutdown()
