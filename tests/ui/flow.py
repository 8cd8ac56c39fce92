"""Steps shared by the window tests: open a draft, log in through the login dialog, 建立审核单,
sign through the sign dialog. Every wait is bounded (waitUntil / waitSignal)."""

from __future__ import annotations

from pathlib import Path

from app.review import Decision

WAIT = 30_000


def open_file(qtbot, window, path: Path):
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    assert page is not None, window.errors.last
    return page


def login(qtbot, window, name: str, password: str) -> None:
    controller = window.review.controller
    qtbot.waitUntil(lambda: any(u.name == name for u in controller.users), timeout=WAIT)
    dialog = window.review.ask_login()
    dialog.user_box.setEditText(name)
    dialog.password.setText(password)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: controller.session is not None and controller.session.name == name, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)


def open_review(qtbot, window, page) -> None:
    window.review.panel.open_button.click()
    dialog = window.review.dialog
    assert "系统建议" in dialog.info_class.currentText()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.review is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)


def sign(qtbot, window, page, decision=Decision.APPROVE, opinion: str = "同意。", password: str = ""):
    """Sign the next level as the logged-in user from the panel's 签署… button."""
    before = len(page.review.current_signoffs)
    assert window.review.panel.sign_button.isEnabled(), window.review.panel.gate_label.text()
    window.review.panel.sign_button.click()
    dialog = window.review.dialog
    assert page.review.current.sha256 in dialog.summary.toPlainText()
    dialog.set_decision(decision)
    dialog.opinion.setPlainText(opinion)
    dialog.password.setText(password)
    assert dialog.ok_button.isEnabled(), dialog.error.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: len(page.review.current_signoffs) == before + 1, timeout=WAIT)
    return dialog


def open_lexicon_editor(qtbot, home: Path):
    """The 词库管理 window on data directory `home`, shown and loaded."""
    from ui.lexicon.editor_window import LexiconEditor

    editor = LexiconEditor(home)
    qtbot.addWidget(editor)
    editor.show()
    editor.reload()
    qtbot.waitUntil(lambda: editor.idle, timeout=20000)
    return editor
