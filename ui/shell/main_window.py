"""The workstation window: open drafts, scan them in the background, show each document with its
findings in place, and the findings/review panels beside it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from app.model import DocumentReport, Finding
from ui.document import heap
from ui.document.document_page import DocumentPage
from ui.document.findings_panel import FindingsPanel
from ui.shell import worker
from ui.shell.engine import EngineHolder, default_factory, scan_events
from ui.shell.errors import ErrorSink, friendly_message
from ui.shell.ocr_progress import OcrProgress
from ui.shell.screen_fit import fit_window, keep_inside
from ui.shell.settings import Settings

PREFERRED_SIZE = QSize(1400, 900)
#: docks can be moved, floated and hidden (a dock that cannot close greys out its 查看 toggle)
DOCK_FEATURES = (QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                 | QDockWidget.DockWidgetFeature.DockWidgetClosable)
OPEN_FILTER = ("文稿 (*.docx *.pdf *.txt *.html *.htm *.xlsx *.doc *.wps *.et *.rtf *.odt *.png *.jpg *.jpeg *.tif *.tiff"
               " *.bmp);;所有文件 (*)")


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    report_ready = Signal(object)       # DocumentReport, after its tab is shown
    scan_finished = Signal(bool)        # True when the scan ran to its end
    password_scanned = Signal(object)   # DocumentReport of a PDF opened with a password (or why not)

    def __init__(self, settings: Settings | None = None, engine: EngineHolder | None = None,
                 data_dir: str | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        # Qt appends the application display name (密审) itself: "信息发布保密审查工作站 — 密审"
        self.setWindowTitle(self.tr("信息发布保密审查工作站"))
        self.settings = settings or Settings()
        self.data_dir = data_dir or self.settings.data_dir or None
        self.engine = engine or EngineHolder(default_factory(self.settings.extra_lexicons,
                                                             self.settings.use_default_lexicons, self.data_dir))
        self.errors = ErrorSink(self)
        self.scan_job: worker.Job | None = None
        self._ocr: OcrProgress | None = None          # text recognition progress / cancel (first scan)
        self._queue: list[str] = []
        self._scan_errors: list[str] = []
        self._locked: list[tuple[str, bool]] = []     # encrypted PDFs waiting for a password (path, retry)
        self.password_prompt = None                   # the PasswordPrompt on screen, if any
        self.batch_window = None
        self.ledger_window = None
        self.leader_view = None
        self.stats_window = None
        self.consult_dialog = None
        self.review = None       # ReviewController once the review core is available
        self.lexicon_editor = None

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("documentTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.placeholder = QLabel(self.tr("将文稿拖到此处，或按 Ctrl+O 打开。\n\n支持 docx、pdf、txt、网页（html）、xlsx；"
                                          "doc/wps/et/rtf/odt 需安装 LibreOffice。"), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color:#666; font-size: 14pt;")
        self.tabs.addTab(self.placeholder, self.tr("开始"))   # never closable: no close button to leave behind
        self.setCentralWidget(self.tabs)

        self.findings = FindingsPanel(self)
        self.findings.finding_selected.connect(self._finding_selected)
        self.findings.message.connect(self.show_message)
        self.findings_dock = QDockWidget(self.tr("审查发现"), self)
        self.findings_dock.setObjectName("findingsDock")
        self.findings_dock.setWidget(self.findings)
        self.findings_dock.setFeatures(DOCK_FEATURES)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.findings_dock)

        self.tabs.currentChanged.connect(self._tab_changed)
        self._build_status()
        self._build_actions()
        self._build_review_dock()
        from ui.redact.actions import install_actions  # 区分处理副本, 清理发布稿 (issue 12)

        install_actions(self)
        self.setAcceptDrops(True)
        self.fit_to_screen()
        geometry = self.settings.geometry("main")
        if geometry is not None:
            self.restoreGeometry(geometry)
            keep_inside(self)
        state = self.settings.geometry("main_state")
        self._docks_shared = state is not None      # a saved layout is the user's: keep it
        if state is not None:
            self.restoreState(state)
        self._update_actions()
        from ui.shell.ocr_check import start_model_check  # OCR models checked in the background (issue 12)

        self.ocr_models_check = start_model_check(self.add_status_widget, self.show_message, self)

    # --- construction ------------------------------------------------------------------------
    def fit_to_screen(self, available: QRect | None = None) -> QRect:
        """Size the window from the screen (never larger) and give the docks a share of it."""
        rect = fit_window(self, PREFERRED_SIZE, available)
        self.resizeDocks([self.findings_dock], [max(320, int(rect.width() * 0.4))], Qt.Orientation.Horizontal)
        return rect

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._docks_shared:
            self._docks_shared = True
            self.share_dock_space()

    def share_dock_space(self) -> None:
        """The findings list and its explanation get most of the right-hand column, the review
        panel (which scrolls) the rest."""
        review_dock = self.review.dock if self.review is not None else None
        if review_dock is None or not review_dock.isVisible():
            return
        height = self.findings_dock.height() + review_dock.height()
        self.resizeDocks([self.findings_dock, review_dock], [int(height * 0.7), int(height * 0.3)],
                         Qt.Orientation.Vertical)

    def add_status_widget(self, widget: QWidget) -> None:
        """A panel's permanent entry in the status bar (left of the scan progress)."""
        # Qt's index counts the normal widgets too (here the one status label): the first permanent
        # slot is 1; 0 warns "Index out of range" and appends at the right end instead
        self.statusBar().insertPermanentWidget(1, widget)

    def add_panel_action(self, action: QAction, menu: str = "review", before: QAction | None = None) -> QAction:
        """Put a panel's action in a menu of this window ("review" or "view") with its shortcut
        active window-wide; panels call this instead of reaching into the window's menus."""
        target = self.review_menu if menu == "review" else self.view_menu
        self.addAction(action)
        if before is not None:
            target.insertAction(before, action)
        else:
            target.addAction(action)
        return action

    def _build_status(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(240)
        self.progress.setFormat(self.tr("%v / %m"))
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.setObjectName("cancelScan")
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.cancel_button.hide()
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None,
                tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        tr = self.tr
        self.open_action = self._action(tr("打开文稿…"), self.ask_open, QKeySequence.StandardKey.Open)
        self.close_action = self._action(tr("关闭文稿"), lambda: self.close_tab(self.tabs.currentIndex()),
                                         QKeySequence.StandardKey.Close)
        self.rescan_action = self._action(tr("重新审查"), self.rescan_current, "F5")
        self.batch_action = self._action(tr("批量审查…"), self.open_batch, "Ctrl+B")
        self.ledger_action = self._action(tr("审批台帐与审计记录…"), self.open_ledger, "Ctrl+L")
        self.lexicon_action = self._action(tr("词库管理…"), self.open_lexicon_editor)
        self.stats_action = self._action(tr("审查工作统计…"), self.open_stats)
        self.consult_action = self._action(tr("征求意见…"), self.open_consult)
        self.leader_action = self._action(tr("领导审批视图"), self.open_leader_view, "Ctrl+Shift+L")
        self.settings_action = self._action(tr("设置…"), self.open_settings, "Ctrl+,")
        self.quit_action = self._action(tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        self.next_action = self._action(tr("下一处问题"), lambda: self.step_finding(1), "F3")
        self.prev_action = self._action(tr("上一处问题"), lambda: self.step_finding(-1), "Shift+F3")
        self.find_action = self._action(tr("在文中查找"), self.focus_find, QKeySequence.StandardKey.Find)
        self.zoom_in_action = self._action(tr("放大"), lambda: self.zoom(1), QKeySequence.StandardKey.ZoomIn)
        self.zoom_out_action = self._action(tr("缩小"), lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut)
        self.zoom_reset_action = self._action(tr("适合宽度"), lambda: self.zoom(0), "Ctrl+0")
        self.text_mode_action = self._action(tr("以文字显示 PDF"), self._toggle_text_mode, "Ctrl+T")
        self.text_mode_action.setCheckable(True)
        self.cancel_action = self._action(tr("取消审查"), self.cancel_scan, "Esc")

        menu = self.menuBar()
        file_menu = menu.addMenu(tr("文件(&F)"))
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(tr("最近打开"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        file_menu.addAction(self.close_action)
        file_menu.addAction(self.rescan_action)
        file_menu.addSeparator()
        file_menu.addAction(self.batch_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.quit_action)
        view_menu = menu.addMenu(tr("查看(&V)"))
        for a in (self.next_action, self.prev_action, self.find_action, None, self.zoom_in_action,
                  self.zoom_out_action, self.zoom_reset_action, self.text_mode_action):
            if a is None:
                view_menu.addSeparator()
            else:
                view_menu.addAction(a)
        view_menu.addSeparator()
        view_menu.addAction(self.findings_dock.toggleViewAction())
        self.view_menu = view_menu
        review_menu = menu.addMenu(tr("审核(&R)"))
        review_menu.addAction(self.leader_action)
        review_menu.addAction(self.consult_action)
        review_menu.addAction(self.ledger_action)
        review_menu.addAction(self.lexicon_action)
        review_menu.addAction(self.stats_action)
        self.review_menu = review_menu

        tools = QToolBar(tr("工具栏"), self)
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        tools.addAction(self.open_action)
        tools.addAction(self.batch_action)
        tools.addSeparator()
        tools.addAction(self.prev_action)
        tools.addAction(self.next_action)
        tools.addSeparator()
        tools.addAction(self.zoom_out_action)
        tools.addAction(self.zoom_in_action)
        tools.addAction(self.zoom_reset_action)
        tools.addSeparator()
        tools.addWidget(QLabel(tr(" 页 "), self))
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("pageBox")
        self.page_box.setMinimum(1)
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(self.go_to_page)
        tools.addWidget(self.page_box)
        self.page_total = QLabel("", self)
        tools.addWidget(self.page_total)
        tools.addSeparator()
        self.find_edit = QLineEdit(self)
        self.find_edit.setObjectName("findEdit")
        self.find_edit.setPlaceholderText(tr("查找（Ctrl+F，回车下一个）"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMaximumWidth(260)
        self.find_edit.returnPressed.connect(lambda: self.find_text(self.find_edit.text()))
        tools.addWidget(self.find_edit)
        tools.addSeparator()
        tools.addAction(self.leader_action)
        tools.addAction(self.ledger_action)
        self.addToolBar(tools)
        self.toolbar = tools

    def _build_review_dock(self) -> None:
        """The review panel (route, sign-off) is added by ui.review.review_integration when available."""
        try:
            from ui.review.review_integration import attach_review
        except ImportError:
            return
        self.review = attach_review(self)

    # --- opening and scanning -----------------------------------------------------------------------
    def ask_open(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("打开文稿"), self.settings.last_dir,
                                                self.tr(OPEN_FILTER))
        if paths:
            self.settings.last_dir = str(Path(paths[0]).parent)
            self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        """Open files as documents; a folder goes to the batch window."""
        files: list[str] = []
        for p in paths:
            if os.path.isdir(p):
                self.open_batch(p)
            else:
                files.append(str(Path(p)))
        if not files:
            return
        if self.scan_job is not None and not self.scan_job.done:
            self._queue.extend(files)
            return
        self._start_scan(files)

    def _start_scan(self, files: list[str]) -> None:
        self._scan_errors = []
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.show_message(self.tr("正在加载词库…") if not self.engine.loaded else self.tr("正在审查…"))
        holder = self.engine
        ocr = self._ocr_progress().options(self.settings.ocr_mode)
        heap.hold()           # no collector pauses while the document is read and scanned
        self.scan_job = worker.run_iter(lambda: scan_events(files, holder, prepare_view=True, ocr=ocr),
                                        on_item=self._scan_event,
                                        on_done=self._scan_done, on_error=self._scan_failed, name="scan")
        self._update_actions()

    def _scan_event(self, event) -> None:
        name = Path(event.path).name
        if event.report is None:
            self.show_message(self.tr("正在审查 {0}（{1}/{2}）…").format(name, event.index + 1, event.total))
            return
        self.progress.setValue(event.index + 1)
        report: DocumentReport = event.report
        if report.error_code == "encrypted" and Path(report.path).suffix.lower() == ".pdf":
            self._locked.append((report.path, False))     # asked for its password when the scan ends
            return
        if report.error or report.document is None:
            message = report.error or self.tr("无法读取")
            self._scan_errors.append(self.tr("无法打开“{0}”：{1}").format(name, message))
            return
        self.add_report(report)

    def _scan_failed(self, exc: BaseException) -> None:
        self._scan_errors.append(friendly_message(exc))

    def _scan_done(self, ok: bool) -> None:
        heap.release()
        self.progress.hide()
        self.cancel_button.hide()
        if self._scan_errors:
            self.errors.show("\n".join(self._scan_errors), title=self.tr("无法打开文稿"))
            self.show_message(self._scan_errors[-1])
        elif not ok:
            self.show_message(self.tr("已取消审查"))
        else:  # with a lexicon warning (an expired pack, app.packs.layers.expired) when there is one
            warnings = getattr(self.engine.get(), "warnings", ()) if self.engine.loaded else ()
            self.show_message("；".join((self.tr("审查完成"), *warnings)))
        self.scan_finished.emit(ok)
        self._update_actions()
        self._ask_next_password()
        if self._queue:
            files, self._queue = self._queue, []
            self._start_scan(files)

    # --- password-protected PDFs -----------------------------------------------------------------
    def _ask_next_password(self) -> None:
        from ui.document.pdf_password import PasswordPrompt

        if self.password_prompt is not None or not self._locked:
            return
        path, retry = self._locked.pop(0)
        prompt = PasswordPrompt(path, self, retry=retry)
        prompt.password_entered.connect(self._open_with_password)
        prompt.rejected.connect(self._password_prompt_closed)
        self.password_prompt = prompt
        prompt.open()

    def _password_prompt_closed(self) -> None:
        self.password_prompt = None
        self._ask_next_password()

    def _open_with_password(self, path: str, password: str) -> None:
        from ui.document.pdf_password import scan_with_password

        self.password_prompt = None
        holder = self.engine
        self.show_message(self.tr("正在审查 {0}…").format(Path(path).name))

        def done(report: DocumentReport) -> None:
            if report.error_code == "encrypted":
                self._locked.insert(0, (path, True))            # wrong password: ask again
            elif report.error or report.document is None:
                self.errors.show(self.tr("无法打开“{0}”：{1}").format(Path(path).name, report.error or ""))
            else:
                self.add_report(report, password=password)
                self.show_message(self.tr("审查完成"))
            self.password_scanned.emit(report)
            self._ask_next_password()

        worker.run_call(lambda: scan_with_password(path, password, holder), on_result=done,
                        on_error=lambda exc: self.errors.show(friendly_message(exc)), name="scan-password")

    def _ocr_progress(self) -> OcrProgress:
        """Text recognition reports each page in the status bar; cancelling stops it between pages."""
        if self._ocr is None:
            self._ocr = OcrProgress(self)
            self._ocr.page.connect(lambda done, total, page: self.show_message(
                self.tr("正在文字识别：第 {0} 页（{1}/{2}）…").format(page, done, total)))
        return self._ocr

    def cancel_scan(self) -> None:
        self._queue = []
        if self.scan_job is not None and not self.scan_job.done:
            self.scan_job.cancel()
            self._ocr_progress().cancel()
            self.show_message(self.tr("正在取消（当前文件审查完后停止）…"))

    @property
    def scanning(self) -> bool:
        return self.scan_job is not None and not self.scan_job.done

    def add_report(self, report: DocumentReport, password: str | None = None) -> DocumentPage:
        """Show a scanned document in a tab (replacing an older tab of the same file)."""
        if self.tabs.widget(0) is self.placeholder:
            self.tabs.removeTab(0)
            self.tabs.setTabsClosable(True)
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            if isinstance(page, DocumentPage) and page.path == report.path:
                self.close_tab(i)
                break
        page = DocumentPage(report, self.tabs, password=password)
        page.finding_clicked.connect(self.findings.select_finding)
        index = self.tabs.addTab(page, Path(report.path).name)
        self.tabs.setTabToolTip(index, report.path)
        page.page_changed.connect(self._page_changed)      # PDF pages, docx page markers
        page.layout_ready.connect(self._update_actions)      # PDF or image pages laid out
        self.tabs.setCurrentIndex(index)
        self.settings.add_recent(report.path)
        if self.review is not None:
            self.review.document_opened(page)
        self.report_ready.emit(report)
        return page

    def rescan_current(self) -> None:
        page = self.current_page()
        if page is not None:
            self.open_paths([page.path])

    # --- tabs and panels ------------------------------------------------------------------------
    def current_page(self) -> DocumentPage | None:
        page = self.tabs.currentWidget()
        return page if isinstance(page, DocumentPage) else None

    def pages(self) -> list[DocumentPage]:
        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), DocumentPage)]

    def close_tab(self, index: int) -> None:
        page = self.tabs.widget(index)
        if not isinstance(page, DocumentPage):
            return
        page.shutdown()
        self.tabs.removeTab(index)
        page.deleteLater()
        heap.thaw()
        if self.tabs.count() == 0:
            # not closable *before* the tab exists: a close button made and then removed is only
            # deleted later, and until then it is painted over the title
            self.tabs.setTabsClosable(False)
            self.tabs.addTab(self.placeholder, self.tr("开始"))

    def _tab_changed(self, _index: int) -> None:
        page = self.current_page()
        if self.findings.model.report is not (page.report if page else None):  # addTab + setCurrentIndex
            self.findings.set_report(page.report if page else None, page.dispositions if page else None)
        if self.review is not None:
            self.review.page_changed(page)
        self._update_actions()

    def _update_actions(self) -> None:
        page = self.current_page()
        has = page is not None
        for a in (self.close_action, self.rescan_action, self.next_action, self.prev_action,
                  self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            a.setEnabled(has)
        self.text_mode_action.setEnabled(has and page.has_page_view)
        self.text_mode_action.setChecked(has and page.has_page_view and page.view is page.text_view)
        pages = page.view.page_count() if has else 0
        self.page_box.setEnabled(pages > 0)
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(max(1, pages))
        self.page_box.blockSignals(False)
        self.page_total.setText(self.tr(" / {0} ").format(pages) if pages else "")
        self.cancel_action.setEnabled(self.scanning)

    def _finding_selected(self, f: Finding) -> None:
        page = self.current_page()
        if page is not None:
            page.show_finding(f)

    def step_finding(self, delta: int) -> Finding | None:
        return self.findings.step(delta)

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)

    def go_to_page(self, page: int) -> None:
        current = self.current_page()
        if current is not None:
            current.view.go_to_page(page)

    def zoom(self, steps: int) -> None:
        page = self.current_page()
        if page is not None:
            page.view.zoom(steps)

    def _toggle_text_mode(self, checked: bool) -> None:
        page = self.current_page()
        if page is not None:
            page.show_as_text(checked)
            f = self.findings.current_finding()
            if f is not None:
                page.show_finding(f)
        self._update_actions()

    def focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find_text(self, text: str, backward: bool = False) -> bool:
        page = self.current_page()
        if page is None or not text:
            return False
        found = page.view.find(text, backward)
        if not found:
            self.show_message(self.tr("未找到“{0}”").format(text))
        return found

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    # --- recent files --------------------------------------------------------------------------------
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_paths([p]))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("清除列表"), self.settings.clear_recent)
        else:
            self.recent_menu.addAction(self.tr("（无）")).setEnabled(False)

    # --- drag and drop ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    # --- other windows ---------------------------------------------------------------------------------
    def open_batch(self, folder: str | None = None) -> QWidget:
        from ui.batch.batch_window import BatchWindow

        if self.batch_window is None:
            self.batch_window = BatchWindow(self.engine, self.settings, parent=self)
            self.batch_window.open_requested.connect(self.add_report)
        self.batch_window.show()
        self.batch_window.raise_()
        if isinstance(folder, str) and folder:
            self.batch_window.start([folder])
        return self.batch_window

    def open_ledger(self) -> QWidget | None:
        if self.review is None:
            self.errors.show(self.tr("审核与台帐模块尚不可用。"))
            return None
        return self.review.open_ledger()

    def open_stats(self) -> QWidget | None:
        if self.review is None:
            self.errors.show(self.tr("审核与台帐模块尚不可用。"))
            return None
        from ui.stats.stats_window import StatsWindow

        if self.stats_window is None:
            self.stats_window = StatsWindow(self.review.controller, self)
        self.stats_window.show()
        self.stats_window.raise_()
        self.stats_window.reload()
        return self.stats_window

    def open_consult(self) -> QWidget | None:
        page = self.current_page()
        review = getattr(page, "review", None) if page is not None else None
        if self.review is None or review is None:
            self.errors.show(self.tr("请先打开文稿并建立审核单，再征求意见。"))
            return None
        from ui.review.consult_dialog import ConsultDialog

        self.consult_dialog = ConsultDialog(self.review.controller, review, self)
        self.consult_dialog.sent.connect(lambda _c: self.review.refresh())
        self.consult_dialog.imported.connect(lambda _c: self.review.refresh())
        self.consult_dialog.show()
        self.consult_dialog.reload()
        return self.consult_dialog

    def open_lexicon_editor(self) -> QWidget:
        """审核 → 词库管理 (ui/lexicon): on the review controller's ledger when there is one."""
        from ui.lexicon.editor_window import LexiconEditor

        if self.lexicon_editor is None:
            controller = self.review.controller if self.review is not None else None
            self.lexicon_editor = LexiconEditor(self.data_dir, controller, self)
            self.lexicon_editor.lexicons_changed.connect(self._lexicons_changed)
            self.lexicon_editor.reload()
        self.lexicon_editor.show()
        self.lexicon_editor.raise_()
        return self.lexicon_editor

    def open_leader_view(self) -> QWidget | None:
        if self.review is None:
            self.errors.show(self.tr("审核与台帐模块尚不可用。"))
            return None
        return self.review.open_leader_view()

    def open_settings(self) -> QWidget:
        from ui.shell.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self, data_dir=self.data_dir)
        dialog.lexicons_changed.connect(self._lexicons_changed)
        dialog.open()
        return dialog

    def _lexicons_changed(self) -> None:
        self.engine.reset(default_factory(self.settings.extra_lexicons, self.settings.use_default_lexicons,
                                          self.data_dir))
        self.show_message(self.tr("词库设置已更改，下次审查时生效"))

    # --- closing ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Cancel background work and wait for it (nothing may outlive the window)."""
        self._queue = []
        for page in self.pages():
            page.shutdown()
        if self.batch_window is not None:
            self.batch_window.shutdown()
        if self.review is not None:
            self.review.shutdown()
        worker.cancel_all(detach=True)
        worker.wait_all(15_000)

    def closeEvent(self, event) -> None:
        self.settings.set_geometry("main", self.saveGeometry())
        self.settings.set_geometry("main_state", self.saveState())
        self.settings.sync()
        self.shutdown()
        heap.reset()          # collector back to normal once the window is gone
        super().closeEvent(event)

