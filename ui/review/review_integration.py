"""Wires the review core into the main window: the 审核 dock, login, 建立审核单, signing, the
leader view and the ledger window; false alarms and waivers from the findings panel go to the
ledger through the controller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFrame, QPushButton, QScrollArea

from ui.review.review_controller import ReviewController
from ui.review.review_panel import ReviewPanel

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow


def attach_review(window: MainWindow) -> ReviewIntegration:
    """The integration for `window`; the window keeps it (nothing is set on the window from here)."""
    return ReviewIntegration(window)


class ReviewIntegration(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = ReviewController(window.data_dir, window.engine, self)
        self.panel = ReviewPanel(window)
        self.dock = QDockWidget(self.tr("审核与签署"), window)
        self.dock.setObjectName("reviewDock")
        # the panel scrolls inside its dock: with a large font or a low screen its buttons stay
        # reachable and the dock never forces the window taller than the screen
        scroll = QScrollArea(window)
        scroll.setObjectName("reviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.panel)
        self.dock.setWidget(scroll)
        from ui.shell.main_window import DOCK_FEATURES

        self.dock.setFeatures(DOCK_FEATURES)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.splitDockWidget(window.findings_dock, self.dock, Qt.Orientation.Vertical)
        window.resizeDocks([window.findings_dock, self.dock], [3, 2], Qt.Orientation.Vertical)
        self.toggle_action = self.dock.toggleViewAction()
        self.toggle_action.setText(self.tr("审核与签署面板"))
        window.add_panel_action(self.toggle_action, "view")
        leader = window.leader_action
        self.login_action = window.add_panel_action(
            self._new_action(self.tr("登录…"), self.ask_login, "Ctrl+Shift+U"), before=leader)
        self.sign_action = window.add_panel_action(
            self._new_action(self.tr("签署…"), lambda: self.ask_sign(), "Ctrl+Shift+S"), before=leader)
        self.resubmit_action = window.add_panel_action(
            self._new_action(self.tr("提交修改稿…"), lambda: self.ask_resubmit()), before=leader)
        self.users_action = window.add_panel_action(
            self._new_action(self.tr("用户管理…"), lambda: self.ask_users()), before=leader)
        self.check_action = window.add_panel_action(
            self._new_action(self.tr("核对发布文件…"), lambda: self.ask_check_file()), before=leader)
        self.diff_dialog: Any = None
        self.check_dialog: Any = None
        window.review_menu.insertSeparator(leader)
        self.ledger_window: Any = None
        self.leader_view: Any = None
        self.dialog: Any = None
        self.panel.login_requested.connect(self.ask_login)
        self.panel.logout_requested.connect(self.controller.logout)
        self.panel.open_review_requested.connect(self.ask_open_review)
        self.panel.sign_requested.connect(self.ask_sign)
        self.panel.resubmit_requested.connect(self.ask_resubmit)
        self.panel.leader_view_requested.connect(self.open_leader_view)
        self.panel.consult_requested.connect(window.open_consult)
        # the review collapsed to one line: always in the status bar, a click shows the dock
        self.summary_button = QPushButton(window)
        self.summary_button.setObjectName("reviewSummary")
        self.summary_button.setFlat(True)
        self.summary_button.setToolTip(self.tr("显示审核与签署面板"))
        self.summary_button.clicked.connect(self._show_dock)
        window.add_status_widget(self.summary_button)
        self.controller.changed.connect(self.refresh)
        self.controller.message.connect(window.show_message)
        self.controller.failed.connect(window.errors.show)
        self.controller.decision_failed.connect(self.retry_decision)
        window.findings.set_recorder(self)
        self.controller.load_users()
        self.refresh()

    def _show_dock(self) -> None:
        self.dock.show()
        self.dock.raise_()

    def _new_action(self, text: str, slot: Any, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    # --- page lifecycle -----------------------------------------------------------------------------
    def document_opened(self, page: Any) -> None:
        self.controller.find_review(page)

    def page_changed(self, page: Any) -> None:
        self.refresh()

    def current_page(self) -> Any:
        return self.window.current_page()

    def _show_summary(self) -> None:
        line = self.panel.summary_line()
        self.summary_button.setText(line if len(line) <= 48 else line[:47] + "…")
        self.summary_button.setToolTip(line + "\n" + self.tr("点击显示审核与签署面板"))
        self.summary_button.setVisible(bool(line))

    def _load_consultations(self, page: Any) -> None:
        """The open consultations of the page's review, read in the worker, for the status line."""
        review = getattr(page, "review", None) if page is not None else None
        if review is None:
            return
        rid, sha = review.id, review.current.sha256

        def read(ledger: Any) -> tuple[Any, ...]:
            from app.review.consult import consultations_for

            return tuple(c for c in consultations_for(ledger, rid) if c.document_sha256 == sha)

        def show(items: tuple[Any, ...]) -> None:
            from ui.review.review_controller import is_alive

            if is_alive(self.panel) and is_alive(self.summary_button):   # the window may have closed meanwhile
                self.panel.set_consultations(rid, sha, items)
                self._show_summary()

        self.controller.run(read, show, name="consultations")

    def refresh(self) -> None:
        page = self.current_page()
        session = self.controller.session
        self.panel.set_state(page, session)
        self._show_summary()
        self._load_consultations(page)
        level = 0
        if session is not None:
            from app.review.gating import waiver_roles
            from app.review.routes import load_route

            route = page.review.route if page is not None and page.review is not None else load_route(None)
            level = 3 if session.role in waiver_roles(route) else 1
        self.window.findings.set_user_level(level)
        if self.leader_view is not None and self.leader_view.isVisible():
            self.leader_view.set_page(page)

    def record_decision(self, finding: Any, status: Any, reason: str, password: str) -> None:
        """ui.document.findings_panel.DecisionRecorder: false alarms and waivers go to the ledger."""
        page = self.current_page()
        if page is not None:
            self.controller.record_decision(page, finding, status, reason, password)

    def retry_decision(self, finding: Any, status: Any, reason: str, error: str) -> Any:
        """A waiver or false alarm that failed (wrong password…): the same dialog again, with the
        typed reason kept and the error shown; OK tries again."""
        from ui.review.dispositions import Status
        from ui.review.reason_dialog import ReasonDialog

        page = self.current_page()
        if page is None:
            self.window.errors.show(error)
            return None
        title = self.tr("豁免") if status is Status.WAIVED else self.tr("标为误报")
        dialog = ReasonDialog(title, self.tr("未能记录：请核对后重试。") + f"\n\n“{finding.text}”", self.window,
                              password=status is Status.WAIVED)
        dialog.retry(reason, error)
        dialog.accepted.connect(lambda: self.controller.record_decision(page, finding, status, dialog.reason,
                                                                        dialog.password))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    # --- dialogs ---------------------------------------------------------------------------------------
    def ask_login(self) -> Any:
        from ui.review.review_dialogs import LoginDialog

        self.controller.load_users()
        dialog = LoginDialog(self.controller, self.window)
        self.controller.users_loaded.connect(lambda _users: _refill(dialog, self.controller))
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_open_review(self) -> Any:
        from ui.review.review_dialogs import OpenReviewDialog

        page = self.current_page()
        if page is None:
            return None
        if self.controller.session is None:
            self.window.errors.show(self.tr("请先登录"))
            return None
        dialog = OpenReviewDialog(self.controller, page, self.window)
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_sign(self, level: int | None = None) -> Any:
        from app.review import review_state
        from ui.review.sign_dialog import SignDialog

        page = self.current_page()
        if page is None or page.review is None:
            self.window.errors.show(self.tr("请先打开文稿并建立审核单"))
            return None
        if not level:
            level = review_state(page.review).next_level
        if not level:
            self.window.errors.show(review_state(page.review).message)
            return None
        dialog = SignDialog(self.controller, page, level, self.window)
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_users(self) -> Any:
        from ui.review.users_dialog import UsersDialog

        dialog = UsersDialog(self.controller, self.window)
        from ui.shell.screen_fit import fit_window

        fit_window(dialog, dialog.size())
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_resubmit(self) -> Any:
        from ui.review.resubmit import ResubmitDialog

        page = self.current_page()
        if page is None or page.review is None:
            self.window.errors.show(self.tr("请先打开文稿并建立审核单"))
            return None
        if self.controller.session is None:
            self.window.errors.show(self.tr("请先登录"))
            return None
        dialog = ResubmitDialog(page.review, page, lambda path, done: self._resubmit(page, path, done), self.window)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _resubmit(self, page: Any, path: str, done: Any) -> None:
        from ui.review.resubmit import resubmit

        def finished(ok: bool, text: str, result: Any) -> None:
            if ok:
                self._show_version(page, *result)
            done(ok, text)

        resubmit(self.controller, page, path, finished)

    def _show_version(self, old_page: Any, report: Any, review: Any, decided: Any, diff: Any = None) -> None:
        """Show the new version in a tab of its own file, replacing the old version's tab, and the
        version diff (with the check of a conditional approval) in a dialog."""
        from app.review import review_state
        from ui.review.review_controller import is_alive

        page = self.window.add_report(report)
        page.set_review(review)
        page.dispositions.load(decided)
        if old_page is not page and is_alive(old_page):
            index = self.window.tabs.indexOf(old_page)
            if index >= 0:
                self.window.close_tab(index)
        if diff is not None and diff.level:
            self.controller.message.emit(self.tr("已提交第 {0} 版：{1}").format(review.current.number,
                                                                          review_state(review).message))
        else:
            self.controller.message.emit(self.tr("已提交第 {0} 版，各级签署从第一级重新开始")
                                         .format(review.current.number))
        self.controller.changed.emit()
        if diff is not None:
            from ui.review.version_dialogs import diff_dialog

            self.diff_dialog = diff_dialog(diff, self.window)
            self.diff_dialog.open()

    def ask_check_file(self) -> Any:
        """核对发布文件…: is the file about to be published exactly an approved version?"""
        from ui.review.version_dialogs import ask_check_file

        def show(dialog: Any) -> None:
            self.check_dialog = dialog
            dialog.open()

        return ask_check_file(self.controller, self.window, show)

    def open_leader_view(self) -> Any:
        from ui.review.leader_view import LeaderView

        if self.leader_view is None:
            self.leader_view = LeaderView(self.controller, self.window)
            self.leader_view.signed.connect(self.refresh)
        self.leader_view.set_page(self.current_page())
        self.leader_view.show()
        self.leader_view.raise_()
        return self.leader_view

    def open_ledger(self) -> Any:
        from ui.ledger.ledger_window import LedgerWindow

        if self.ledger_window is None:
            self.ledger_window = LedgerWindow(self.controller, self.window)
        self.ledger_window.show()
        self.ledger_window.raise_()
        self.ledger_window.reload()
        return self.ledger_window

    def shutdown(self) -> None:
        self.controller.shutdown()


def _refill(dialog: Any, controller: Any) -> None:
    try:
        box = dialog.user_box
        if box.count() == 0:
            for u in controller.users:
                box.addItem(f"{u.name}（{u.role.label}）", u.name)
            if controller.users:
                dialog.error.clear()
    except RuntimeError:  # dialog already gone
        pass
