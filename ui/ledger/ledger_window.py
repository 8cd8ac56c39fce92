"""审批台帐与审计记录: the leaders' approval ledger and the full audit trail as tables with search
and date/unit filters, "核验台帐" with a clear result, and exports (审查单, 台帐)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.ledger.ledger_models import (
    APPROVAL_HEADERS,
    AUDIT_HEADERS,
    ROW_ROLE,
    RowFilter,
    RowsModel,
    approval_table,
    audit_table,
)
from ui.shell.screen_fit import fit_window


def load_tables(ledger: Any) -> dict[str, Any]:
    """Everything the window shows, read in the worker."""
    from app.exports.approval_ledger import approval_rows
    from app.review.service import list_reviews

    reviews = list_reviews(ledger)
    units = {r.id: r.unit for r in reviews}
    return {"approval": approval_table(approval_rows(ledger)), "audit": audit_table(ledger.events(), units),
            "units": sorted({u for u in units.values() if u}), "reviews": [(r.id, r.title) for r in reviews]}


class LedgerWindow(QWidget):
    loaded = Signal()
    verified = Signal(bool)
    exported = Signal(str)
    checked = Signal(bool)         # 核对发布文件: True when the file is exactly an approved version

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("ledgerWindow")
        self.setWindowTitle(self.tr("领导审批台帐与审计记录"))
        self.controller = controller
        self.approval = RowsModel(APPROVAL_HEADERS, self)
        self.audit = RowsModel(AUDIT_HEADERS, self)
        self.approval_proxy = RowFilter(self)
        self.approval_proxy.setSourceModel(self.approval)
        self.audit_proxy = RowFilter(self)
        self.audit_proxy.setSourceModel(self.audit)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("搜索：标题、签署人、意见、编号…"))
        self.search.setClearButtonEnabled(True)
        self.use_dates = QCheckBox(self.tr("期间"), self)
        self.since = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.until = QDateEdit(QDate.currentDate(), self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.unit = QComboBox(self)
        self.unit.addItem(self.tr("全部单位"), "")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since)
        filters.addWidget(QLabel(self.tr("至"), self))
        filters.addWidget(self.until)
        filters.addWidget(self.unit, 1)

        self.verify_button = QPushButton(self.tr("核验台帐完整性"), self)
        self.verify_button.setObjectName("verifyLedger")
        self.refresh_button = QPushButton(self.tr("刷新"), self)
        self.sheet_button = QPushButton(self.tr("导出审查单…"), self)
        self.ledger_button = QPushButton(self.tr("导出台帐…"), self)
        self.check_button = QPushButton(self.tr("核对发布文件…"), self)
        self.check_button.setObjectName("checkFile")
        self.check_button.setToolTip(self.tr("核对准备发布的文件是否正是经批准的版本（与 mishen review check 相同）"))
        self.check_dialog: Any = None
        actions = QHBoxLayout()
        for b in (self.verify_button, self.refresh_button, self.sheet_button, self.ledger_button, self.check_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.result = QLabel(self)
        self.result.setObjectName("verifyResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget(self)
        self.approval_view = self._table(self.approval_proxy, "approvalTable")
        self.audit_view = self._table(self.audit_proxy, "auditTable")
        self.tabs.addTab(self.approval_view, self.tr("领导审批台帐"))
        self.tabs.addTab(self.audit_view, self.tr("审计记录（全部）"))

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addWidget(self.tabs, 1)
        fit_window(self, QSize(1300, 760))

        self.search.textChanged.connect(self.apply_filter)
        self.use_dates.toggled.connect(self.apply_filter)
        self.since.dateChanged.connect(self.apply_filter)
        self.until.dateChanged.connect(self.apply_filter)
        self.unit.currentIndexChanged.connect(self.apply_filter)
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button.clicked.connect(self.reload)
        self.sheet_button.clicked.connect(self.ask_export_sheet)
        self.ledger_button.clicked.connect(self.ask_export_ledger)
        self.check_button.clicked.connect(self.ask_check_file)
        self.reviews: list[tuple[str, str]] = []

    def _table(self, model: Any, name: str) -> QTableView:
        view = QTableView(self)
        view.setObjectName(name)
        view.setModel(model)
        view.setSortingEnabled(True)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setWordWrap(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        view.verticalHeader().hide()
        return view

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        self.controller.run(load_tables, self._loaded, self._error, name="ledger-load")

    def _loaded(self, data: dict[str, Any]) -> None:
        self.approval.set_rows(data["approval"])
        self.audit.set_rows(data["audit"])
        self.reviews = data["reviews"]
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(self.tr("全部单位"), "")
        for u in data["units"]:
            self.unit.addItem(u, u)
        self.unit.setCurrentIndex(max(0, self.unit.findData(current)))
        self.unit.blockSignals(False)
        for view in (self.approval_view, self.audit_view):
            view.resizeColumnsToContents()
            for col in range(view.model().columnCount()):
                view.setColumnWidth(col, min(view.columnWidth(col), 320))
        self.apply_filter()
        self.loaded.emit()

    def _error(self, text: str) -> None:
        self.result.setStyleSheet("color:#c00000;")
        self.result.setText(text)

    def apply_filter(self) -> None:
        since = self.since.date() if self.use_dates.isChecked() else None
        until = self.until.date() if self.use_dates.isChecked() else None
        for proxy in (self.approval_proxy, self.audit_proxy):
            proxy.set_filter(self.search.text(), since, until, self.unit.currentData() or "")

    # --- verify ---------------------------------------------------------------------------------
    def verify(self) -> None:
        self.result.setStyleSheet("")
        self.result.setText(self.tr("正在核验…"))
        self.controller.verify(self._verified, self._verify_error)

    def _verified(self, result: Any) -> None:
        if result.ok:
            self.result.setStyleSheet("color:#1a7f37; font-weight:bold;")
            lines = [self.tr("✔ 台帐完好：共 {0} 条记录，末条第 {1} 条，哈希 {2}")
                     .format(result.entries, result.head_seq, result.head_hash)]
            lines.extend(self.tr("提示：{0}").format(note) for note in result.notes)
            self.result.setText("\n".join(lines))
        else:
            clock_only = all(p.code == "clock" for p in result.problems)
            lines = [self.tr("✘ 台帐记录的时间不可信！") if clock_only else self.tr("✘ 台帐已被篡改！")]
            if result.first_bad is not None:
                lines.append(self.tr("第一处异常：第 {0} 条记录").format(result.first_bad))
            lines.extend(p.message for p in result.problems[:5])
            lines.extend(self.tr("提示：{0}").format(note) for note in result.notes)
            self.result.setStyleSheet("color:#c00000; font-weight:bold;")
            self.result.setText("\n".join(lines))
        self.verified.emit(bool(result.ok))

    def _verify_error(self, text: str) -> None:
        self._error(text)
        self.verified.emit(False)

    # --- exports ------------------------------------------------------------------------------
    def selected_review(self) -> str | None:
        view = self.tabs.currentWidget()
        if isinstance(view, QTableView):
            index = view.currentIndex()
            if index.isValid():
                row = view.model().data(index, ROW_ROLE)
                if row is not None and row.review_id:
                    return str(row.review_id)
        return self.reviews[-1][0] if self.reviews else None

    def ask_export_sheet(self) -> None:
        rid = self.selected_review()
        if rid is None:
            self._error(self.tr("台帐中还没有审核单"))
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出保密审查单"), f"保密审查单-{rid}.docx",
                                              self.tr("Word 文档 (*.docx);;PDF (*.pdf)"))
        if path:
            self.export_sheet(rid, path)

    def export_sheet(self, review_id: str, path: str) -> None:
        from app.exports.review_sheet import export_review_sheet

        by = self._exporter()
        self.controller.run(lambda ledger: export_review_sheet(ledger, review_id, path, by=by),
                            self._exported, self._error, name="export-sheet")

    def _exporter(self) -> Any:
        """The logged-in user's key: exports are recorded as theirs (the workstation only when
        nobody is logged in)."""
        session = self.controller.session
        return session.signer if session is not None else None

    def ask_export_ledger(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出领导审批台帐"), "领导审批台帐.xlsx",
                                              self.tr("Excel (*.xlsx);;CSV (*.csv);;PDF (*.pdf);;Word (*.docx)"))
        if path:
            self.export_ledger(path)

    def export_ledger(self, path: str) -> None:
        from app.exports.approval_ledger import export_approval_ledger

        since = self.since.date().toString("yyyy-MM-dd") if self.use_dates.isChecked() else None
        until = self.until.date().toString("yyyy-MM-dd") if self.use_dates.isChecked() else None
        unit = self.unit.currentData() or None
        by = self._exporter()
        self.controller.run(lambda ledger: export_approval_ledger(ledger, path, since=since, until=until, unit=unit,
                                                                  by=by)[0],
                            self._exported, self._error, name="export-ledger")

    def ask_check_file(self) -> Any:
        """核对发布文件…: is the file about to be published exactly an approved version?"""
        from ui.review.version_dialogs import ask_check_file

        return ask_check_file(self.controller, self, self._show_check)

    def check_file(self, path: str) -> Any:
        from ui.review.version_dialogs import TextResultDialog, check_file, check_html

        def done(result: Any, error: str) -> None:
            self.result.setStyleSheet("" if result is not None and result.approved else "color:#c00000;")
            self.result.setText(result.message() if result is not None else error)
            if result is not None:
                self._show_check(TextResultDialog(self.tr("核对发布文件"), check_html(result), self, "fileCheckDialog"))
            self.checked.emit(result is not None and result.approved is not None)

        return check_file(self.controller, path, done)

    def _show_check(self, dialog: Any) -> None:
        self.check_dialog = dialog
        dialog.open()

    def _exported(self, out: Any) -> None:
        self.result.setStyleSheet("")
        self.result.setText(self.tr("已导出：{0}").format(Path(str(out))))
        self.exported.emit(str(out))
        self.reload()
