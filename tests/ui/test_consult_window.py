"""征求意见 from the main window (审核 → 征求意见…): the letter for the open review, a sign-off
refused in the window while the consultation is open, allowed once the answer is imported."""

from __future__ import annotations

import pytest

from app.ledger import Ledger
from app.peers import add_peer, export_identity, read_identity, unlock_unit
from app.review import Decision, review_state
from app.review.consult import consultations_for, reply_consultation
from app.review.consult_model import ConsultDecision
from app.users import Role, add_user
from tests import builders
from tests.people import ADMIN, ADMIN_PASSWORD
from tests.ui.conftest import PASSWORDS
from tests.ui.flow import WAIT, login, open_file, open_review
from ui.shell.main_window import MainWindow


@pytest.fixture
def police(data_dir, tmp_path, monkeypatch):
    """A second unit's workstation; both 保密管理员 register each other's identity."""
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    other = tmp_path / "police"
    with Ledger.open(other) as ledger:
        add_user(ledger, "qian", Role.SECRECY_ADMIN, ADMIN_PASSWORD, unit="某某市公安局")
        unlock_unit(ledger, "qian", ADMIN_PASSWORD)
        export_identity(ledger, tmp_path / "police.id")
    with Ledger.open(data_dir) as ledger:
        unlock_unit(ledger, ADMIN, ADMIN_PASSWORD)
        export_identity(ledger, tmp_path / "home.id")
        add_peer(ledger, read_identity(tmp_path / "police.id"), ADMIN, ADMIN_PASSWORD)
    with Ledger.open(other) as ledger:
        add_peer(ledger, read_identity(tmp_path / "home.id"), "qian", ADMIN_PASSWORD)
    return other


def test_sign_waits_for_the_consultation(qtbot, settings, engine_holder, data_dir, police, tmp_path):
    draft = tmp_path / "联合检查通报.docx"
    builders.build_simple_docx(draft, ["关于联合执法检查的情况通报。", "请各单位做好配合。"])
    window = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(window)
    window.show()
    assert window.consult_action in window.review_menu.actions()
    window.consult_action.trigger()                       # no review yet: a clear message
    assert "建立审核单" in (window.errors.last or "")
    page = open_file(qtbot, window, draft)
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)

    panel = window.review.panel
    assert panel.consult_button.isVisible()
    panel.consult_button.click()                         # the panel's 征求意见… (same as the menu)
    dialog = window.consult_dialog
    qtbot.waitUntil(lambda: dialog.to_unit.count() == 1, timeout=WAIT)
    dialog.password.setText(ADMIN_PASSWORD)
    letter = tmp_path / "函.mishen"
    dialog.output.setText(str(letter))
    with qtbot.waitSignal(dialog.sent, timeout=WAIT):
        dialog.send_button.click()
    # the status line says ahead of time that approval waits for the answer
    with Ledger.open(data_dir) as ledger:
        (sent,) = consultations_for(ledger, page.review.id)
        due = sent.due_date
    note = f"征求意见中：某某市公安局，答复期限 {due.year}年{due.month}月{due.day}日；答复前不能同意发布"
    qtbot.waitUntil(lambda: note in panel.status.text(), timeout=WAIT)
    assert panel.status.text().startswith(review_state(page.review).message)
    assert "征求意见中" in window.review.summary_button.toolTip()

    results: list[tuple[bool, str]] = []
    controller = window.review.controller
    controller.sign(page, level=1, decision=Decision.APPROVE, opinion="", password=PASSWORDS["李信息"],
                    on_done=lambda ok, text: results.append((ok, text)))
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT)
    assert results[0][0] is False and "正在征求某某市公安局（答复期限" in results[0][1]
    assert not page.review.current_signoffs

    with Ledger.open(police) as ledger:
        reply_consultation(ledger, letter, decision=ConsultDecision.AGREE, opinion="", output=tmp_path / "答复.mishen",
                           admin="qian", password=ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        dialog.import_from(tmp_path / "答复.mishen")
    dialog.close()
    qtbot.waitUntil(lambda: "征求意见中" not in panel.status.text(), timeout=WAIT)   # answered: the note goes
    controller.sign(page, level=1, decision=Decision.APPROVE, opinion="", password=PASSWORDS["李信息"],
                    on_done=lambda ok, text: results.append((ok, text)))
    qtbot.waitUntil(lambda: len(results) == 2, timeout=WAIT)
    assert results[1] == (True, "") and [s.level for s in page.review.current_signoffs] == [1]
