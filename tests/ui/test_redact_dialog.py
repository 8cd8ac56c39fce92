"""The 区分处理 dialog: a preview of what will be withheld (preset high and above), confirm makes
the copy in the worker (gates included); the two actions sit in the 审核 menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.redact_docs import ID_NUMBER, PHONE, build_redact_docx, build_redact_pdf


def _report(shared_engine, path: Path):
    report = shared_engine.scan_file(path)
    assert report.error is None
    return report


def test_dialog_previews_and_makes_the_copy(qtbot, shared_engine, tmp_path: Path) -> None:
    from ui.redact.redact_dialog import RedactDialog

    src = build_redact_pdf(tmp_path / "notice.pdf")
    dialog = RedactDialog(_report(shared_engine, src))
    qtbot.addWidget(dialog)
    checked = {f.text for f in dialog.chosen()}
    assert ID_NUMBER in checked and PHONE not in checked          # the phone is "需核实": not preset
    assert ID_NUMBER in dialog.preview.toPlainText()
    for i in range(dialog.tree.topLevelItemCount()):               # tick the phone too
        item = dialog.tree.topLevelItem(i)
        if item.text(0) == PHONE:
            item.setCheckState(0, Qt.CheckState.Checked)
    assert PHONE in dialog.preview.toPlainText()
    out = tmp_path / "public.pdf"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.finished_copy, timeout=30_000) as blocker:
        dialog.confirm.click()
    result = blocker.args[0]
    assert out.is_file() and result.output_sha256
    assert "复查通过" in dialog.preview.toPlainText() and "未记入台帐" in dialog.preview.toPlainText()
    from app.readers import read_document

    text = read_document(out).text
    assert ID_NUMBER not in text and PHONE not in text
    qtbot.waitUntil(lambda: dialog.job is None)


def test_dialog_shows_a_gate_failure_and_writes_nothing(qtbot, shared_engine, tmp_path: Path) -> None:
    from tests.redact_docs import add_zip_member
    from ui.redact.redact_dialog import RedactDialog

    src = add_zip_member(build_redact_docx(tmp_path / "n.docx"), "word/embeddings/x.bin",
                         ID_NUMBER.encode("utf-16-le"))
    dialog = RedactDialog(_report(shared_engine, src))
    qtbot.addWidget(dialog)
    out = tmp_path / "o.docx"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.failed, timeout=30_000) as blocker:
        dialog.confirm.click()
    assert "未生成文件" in blocker.args[0] and not out.exists()
    qtbot.waitUntil(lambda: dialog.job is None)


def test_actions_are_in_the_review_menu(qtbot, settings, engine_holder) -> None:
    from ui.shell.main_window import MainWindow

    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    names = {a.objectName() for a in win.review_menu.actions()}
    assert {"redactAction", "sanitizeAction"} <= names


def test_dialog_records_the_copy_against_the_review(qtbot, shared_engine, engine_holder, tmp_path: Path,
                                                    monkeypatch) -> None:
    """A document with a 审核单 and a logged-in user: the copy is signed into the ledger."""
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    import hashlib

    from app.ledger import Ledger, verify_ledger
    from app.ledger.store import ledger_path
    from app.review import open_review
    from app.users import Role
    from tests.people import add_people
    from ui.redact.redact_dialog import RedactDialog
    from ui.review.review_controller import ReviewController

    data = tmp_path / "data"
    src = build_redact_pdf(tmp_path / "notice.pdf")
    with Ledger.open(data) as ledger:
        add_people(ledger, {"officer1": Role.OFFICER}, "officer-pass-1")
        review = open_review(ledger, src, title="联系人通知")
    controller = ReviewController(str(data), engine_holder)
    logged: list[bool] = []
    controller.login("officer1", "officer-pass-1", lambda ok, _msg: logged.append(ok))
    qtbot.waitUntil(lambda: logged == [True], timeout=10_000)
    dialog = RedactDialog(_report(shared_engine, src), review=review, controller=controller)
    qtbot.addWidget(dialog)
    assert dialog.record.isEnabled() and dialog.record.isChecked()
    out = tmp_path / "public.pdf"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.finished_copy, timeout=30_000):
        dialog.confirm.click()
    qtbot.waitUntil(lambda: dialog.job is None)
    assert dialog.recorded_seq is not None and "已记入台帐" in dialog.preview.toPlainText()
    controller.shutdown()
    with Ledger.open(data) as ledger:
        (event,) = ledger.events(kinds=("document_redacted",), review_id=review.id)
    assert event.actor == "officer1"
    assert event.payload["output_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert verify_ledger(ledger_path(data)).ok


def test_sanitize_action_cleans_reports_and_opens_the_result(qtbot, settings, engine_holder, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.redact.actions import open_sanitize
    from ui.shell.main_window import MainWindow

    src = build_redact_pdf(tmp_path / "draft.pdf")
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.scan_finished, timeout=60_000):
        win.open_paths([str(src)])
    out = tmp_path / "draft-clean.pdf"
    with qtbot.waitSignal(win.scan_finished, timeout=60_000):
        job = open_sanitize(win, output=str(out))
        assert job is not None
    assert out.is_file()
    box = win.findChild(QMessageBox, "sanitizeReport")
    assert box is not None and "已删除文档信息" in box.text() and "已删除注释" in box.text()
    box.close()
    assert win.current_page() is not None and win.current_page().path == str(out)
