"""The findings list: counts per severity, filters, the selected finding's explanation, and the
reviewer's actions (false alarm, waiver, copy suggestion)."""

from __future__ import annotations

import contextlib
import html
from typing import Protocol

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.model import Category, DocumentReport, Finding, Severity
from ui.document.finding_navigation import StepOrder, navigation_order, step_target
from ui.document.findings_model import Column, FindingFilter, FindingsModel
from ui.review.dispositions import Dispositions, Status, status_name
from ui.review.reason_dialog import ReasonDialog
from ui.shell.errors import friendly_message
from ui.shell.labels import SEVERITY_BG, SEVERITY_ORDER, category_name, flowing_text, severity_name
from ui.shell.notices import attention_lines

WAIVE_MIN_LEVEL = 3


class DecisionRecorder(Protocol):
    """Who records a reviewer's decision (the review integration writes it to the ledger)."""

    def record_decision(self, finding: Finding, status: Status, reason: str, password: str) -> None: ...


class FindingsPanel(QWidget):
    finding_selected = Signal(object)       # Finding
    message = Signal(str)                   # status text for the window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsPanel")
        self.model = FindingsModel(self)
        self.report: DocumentReport | None = None
        self.dispositions: Dispositions | None = None
        self.user_level = 0
        self.reason_dialog: ReasonDialog | None = None
        self._quiet = False
        self._recorder: DecisionRecorder | None = None
        self._filters: dict[str, FindingFilter] = {}     # each document keeps its own filter
        self.step_order = StepOrder.READING

        self.attention = QLabel(self)
        self.attention.setObjectName("attention")
        self.attention.setWordWrap(True)
        self.attention.setStyleSheet("QLabel#attention { background: #fde2e1; color: #8a1c1c;"
                                     " border: 1px solid #e3a1a0; padding: 6px; }")
        self.attention.hide()
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)

        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("筛选：文字、规则、依据…"))
        self.query.setClearButtonEnabled(True)
        self.severity_box = QComboBox(self)
        self.severity_box.addItem(self.tr("全部级别"), None)
        for sev in SEVERITY_ORDER:
            self.severity_box.addItem(severity_name(sev), sev)
        self.category_box = QComboBox(self)
        self.category_box.addItem(self.tr("全部类别"), None)
        for cat in Category:
            self.category_box.addItem(category_name(cat), cat)
        self.show_closed = QCheckBox(self.tr("显示已处理"), self)
        self.show_closed.setChecked(True)
        self.order_box = QComboBox(self)
        self.order_box.setObjectName("stepOrder")
        self.order_box.setToolTip(self.tr("F3 / Shift+F3 定位下一处、上一处问题的顺序"))
        for order in StepOrder:
            self.order_box.addItem(self.tr(order.label), order.value)
        self.order_box.currentIndexChanged.connect(
            lambda _i: self.set_step_order(StepOrder(self.order_box.currentData())))
        filters = QHBoxLayout()
        filters.addWidget(self.severity_box)
        filters.addWidget(self.category_box)
        filters.addWidget(self.show_closed)
        filters.addWidget(self.order_box)

        self.tree = QTreeView(self)
        self.tree.setObjectName("findingsTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        for col in (Column.LOCATION, Column.RULE, Column.STATUS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # size the content columns from the first rows only: measuring all of them asks the model
        # for every cell of every finding on each relayout (13,000 calls for 200 findings)
        header.setResizeContentsPrecision(40)
        self.tree.setColumnHidden(Column.RULE, True)

        self.detail = QTextBrowser(self)
        self.detail.setObjectName("findingDetail")
        self.detail.setOpenLinks(False)

        self.false_alarm_button = QPushButton(self.tr("标为误报…"), self)
        self.waive_button = QPushButton(self.tr("豁免…"), self)
        self.copy_button = QPushButton(self.tr("复制建议"), self)
        self.reopen_button = QPushButton(self.tr("撤销处理"), self)
        self.reopen_button.hide()   # decisions are recorded in the ledger; not undone silently
        actions = QHBoxLayout()
        for b in (self.false_alarm_button, self.waive_button, self.copy_button):
            actions.addWidget(b)
        actions.addStretch(1)

        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail)
        lower_layout.addLayout(actions)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tree)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.attention)
        layout.addWidget(self.summary)
        layout.addWidget(self.query)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        self.query.textChanged.connect(self._filter_changed)
        self.severity_box.currentIndexChanged.connect(self._filter_changed)
        self.category_box.currentIndexChanged.connect(self._filter_changed)
        self.show_closed.toggled.connect(self._filter_changed)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.false_alarm_button.clicked.connect(self.ask_false_alarm)
        self.waive_button.clicked.connect(self.ask_waive)
        self.copy_button.clicked.connect(self.copy_suggestion)
        self.model.modelReset.connect(self._after_reset)
        self._update_actions()

    # --- content ---------------------------------------------------------------------------
    def set_report(self, report: DocumentReport | None, dispositions: Dispositions | None) -> None:
        if self.dispositions is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.dispositions.changed.disconnect(self._disposition_changed)
        if self.report is not None:
            self._filters[self.report.path] = self.model.filter
        self.report = report
        self.dispositions = dispositions
        if dispositions is not None:
            dispositions.changed.connect(self._disposition_changed)
        flt = self._filters.get(report.path, FindingFilter()) if report is not None else FindingFilter()
        self._show_filter(flt)
        self.model.filter = flt          # the document's own filter, applied by the one rebuild below
        self.model.set_report(report, dispositions)
        lines = attention_lines(report) if report else []
        self.attention.setText("\n".join(f"⚠ {line}" for line in lines))
        self.attention.setVisible(bool(lines))
        self._show_detail(None)

    def set_recorder(self, recorder: DecisionRecorder | None) -> None:
        """Decisions go to `recorder` (the ledger) instead of the local dispositions."""
        self._recorder = recorder

    def set_user_level(self, level: int) -> None:
        self.user_level = level
        self._update_actions()

    def _after_reset(self) -> None:
        # groups only: the finding rows are leaves (expandAll would lay out every row at once)
        model = self.model
        for r in range(model.rowCount()):
            severity = model.index(r, 0)
            self.tree.setExpanded(severity, True)
            for c in range(model.rowCount(severity)):
                self.tree.setExpanded(model.index(c, 0, severity), True)
        self._update_summary()

    def _update_summary(self) -> None:
        if self.report is None:
            self.summary.setText(self.tr("尚未打开文稿"))
            return
        if self.report.error:
            self.summary.setText(html.escape(self.report.error))
            return
        total = len(self.report.findings)
        open_count = (len(self.dispositions.open_findings(self.report.findings))
                      if self.dispositions else total)
        counts: dict[Severity, int] = {}
        for f in self.report.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        if total == 0:
            self.summary.setText(self.tr("未发现问题。请仍按规定进行人工审核。"))
            return
        chips = " ".join(
            f'<span style="background:{SEVERITY_BG[s]};">&nbsp;{severity_name(s)} {counts[s]}&nbsp;</span>'
            for s in SEVERITY_ORDER if counts.get(s))
        self.summary.setText(self.tr("共 {0} 处，待处理 {1} 处：").format(total, open_count) + chips)

    def _show_filter(self, flt: FindingFilter) -> None:
        """Put `flt` in the filter widgets without triggering a rebuild."""
        widgets = (self.query, self.severity_box, self.category_box, self.show_closed)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.query.setText(flt.query)
            for box, chosen in ((self.severity_box, flt.severities), (self.category_box, flt.categories)):
                index = 0
                if len(chosen) == 1:
                    (only,) = tuple(chosen)
                    index = next((i for i in range(box.count()) if box.itemData(i) == only), 0)
                box.setCurrentIndex(index)
            self.show_closed.setChecked(flt.show_closed)
        finally:
            for w in widgets:
                w.blockSignals(False)

    def filter_for(self, path: str) -> FindingFilter | None:
        """The filter remembered for another document (None: never filtered)."""
        if self.report is not None and self.report.path == path:
            return self.model.filter
        return self._filters.get(path)

    def set_step_order(self, order: StepOrder) -> None:
        self.step_order = order
        index = self.order_box.findData(order.value)
        if index != self.order_box.currentIndex():
            self.order_box.setCurrentIndex(index)

    def _filter_changed(self) -> None:
        sev = self.severity_box.currentData()
        cat = self.category_box.currentData()
        current = self.current_finding()
        self.model.set_filter(FindingFilter(
            severities=frozenset({sev}) if sev else frozenset(Severity),
            categories=frozenset({cat}) if cat else frozenset(Category),
            query=self.query.text(), show_closed=self.show_closed.isChecked()))
        if current is None or not self.select_finding(current.id, emit=False):
            # the selected finding is filtered out: its explanation goes with it
            self.tree.selectionModel().clear()
            self.tree.setCurrentIndex(QModelIndex())
            self._show_detail(None)

    def _disposition_changed(self, finding_id: str) -> None:
        self._update_summary()
        current = self.current_finding()
        if current is not None and current.id == finding_id:
            self._show_detail(current)

    # --- selection and navigation ---------------------------------------------------------------
    def current_finding(self) -> Finding | None:
        return self.model.finding_at(self.tree.currentIndex())

    def select_finding(self, finding_id: str, *, emit: bool = True) -> bool:
        index = self.model.index_of(finding_id)
        if not index.isValid():
            return False
        self._quiet = not emit
        try:
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        finally:
            self._quiet = False
        self.tree.scrollTo(index)
        if not emit:
            self._show_detail(self.model.finding_at(index))
        return True

    def _current_changed(self, current, _previous) -> None:
        f = self.model.finding_at(current)
        self._show_detail(f)
        if f is not None and not self._quiet:
            self.finding_selected.emit(f)

    def step(self, delta: int) -> Finding | None:
        """Select the next (delta=1) or previous (-1) listed finding, wrapping, in reading order
        (or the list's severity order, `step_order`)."""
        ordered = navigation_order(self.model.ordered_findings(), self.step_order)
        current = self.current_finding()
        target = step_target(ordered, current.id if current is not None else None, delta)
        if target is None:
            self.message.emit(self.tr("没有可定位的问题"))
            return None
        self.select_finding(target.id)
        return target

    def _show_detail(self, f: Finding | None) -> None:
        self._update_actions()
        if f is None:
            self.detail.setHtml(f"<p style='color:#777'>{self.tr('选择一处问题查看依据和修改建议。')}</p>")
            return
        d = self.dispositions.get(f.id) if self.dispositions else None
        esc = html.escape
        rows = [
            (self.tr("级别"), f"{severity_name(f.severity)} · {category_name(f.category)}"),
            (self.tr("原文"), f"<b>{esc(flowing_text(f.text))}</b>"),
            (self.tr("位置"), esc(self.model.locations.words(f))),
            (self.tr("上下文"), esc(f.context).replace(esc(f.text), f"<u><b>{esc(f.text)}</b></u>", 1)),
            (self.tr("说明"), esc(f.message)),
            (self.tr("依据"), esc(f.basis)),
            (self.tr("建议"), esc(f.suggestion) or "—"),
            (self.tr("规则"), f"{esc(f.rule_name)} <code>{esc(f.rule)}</code>"),
        ]
        if d is not None:
            state = status_name(d.status)
            if d.status is not Status.OPEN:
                state += f"（{esc(d.reason)}；{esc(d.who)} {esc(d.when)}）"
            rows.append((self.tr("状态"), state))
        body = "".join(f"<tr><td style='color:#555;white-space:nowrap;padding-right:8px'>{k}</td>"
                       f"<td>{v}</td></tr>" for k, v in rows if v)
        self.detail.setHtml(f"<table cellspacing='2'>{body}</table>")

    def _update_actions(self) -> None:
        f = self.current_finding()
        is_open = f is not None and (self.dispositions is None or self.dispositions.is_open(f.id))
        self.false_alarm_button.setEnabled(is_open)
        can_waive = is_open and self.user_level >= WAIVE_MIN_LEVEL
        self.waive_button.setEnabled(can_waive)
        self.waive_button.setToolTip("" if self.user_level >= WAIVE_MIN_LEVEL
                                     else self.tr("豁免须由三级（分管负责人）及以上审核人操作"))
        self.copy_button.setEnabled(f is not None and bool(f.suggestion))

    # --- actions -------------------------------------------------------------------------------
    def ask_false_alarm(self) -> ReasonDialog | None:
        return self._ask(Status.FALSE_ALARM, self.tr("标为误报"),
                         self.tr("请说明为什么这不是问题（将记入审查记录）："))

    def ask_waive(self) -> ReasonDialog | None:
        if self.user_level < WAIVE_MIN_LEVEL:
            self.message.emit(self.tr("豁免须由三级（分管负责人）及以上审核人操作"))
            return None
        return self._ask(Status.WAIVED, self.tr("豁免"),
                         self.tr("请说明豁免理由（将以您的名义记入审查记录和台帐）："))

    def _ask(self, status: Status, title: str, prompt: str) -> ReasonDialog | None:
        f = self.current_finding()
        if f is None or self.dispositions is None:
            return None
        dialog = ReasonDialog(title, f"{prompt}\n\n“{f.text}”", self, password=status is Status.WAIVED)
        dialog.accepted.connect(lambda: self.decide(f, status, dialog.reason, dialog.password))
        dialog.finished.connect(dialog.deleteLater)
        self.reason_dialog = dialog
        dialog.open()
        return dialog

    def decide(self, f: Finding, status: Status, reason: str, password: str = "") -> bool:
        """Record a decision: through the review controller when one is attached (it writes the
        ledger in the background and applies the decision when that succeeded), else locally."""
        if self.dispositions is None:
            return False
        if not reason.strip():
            self.message.emit(self.tr("请填写理由"))
            return False
        if self._recorder is not None:
            self._recorder.record_decision(f, status, reason, password)
            return True
        try:
            self.dispositions.set(f, status, reason)
        except Exception as exc:
            self.message.emit(friendly_message(exc))
            return False
        self.message.emit(self.tr("已记录：{0}“{1}”").format(status_name(status), f.text[:20]))
        return True

    def copy_suggestion(self) -> None:
        f = self.current_finding()
        if f is not None and f.suggestion:
            QGuiApplication.clipboard().setText(f.suggestion)
            self.message.emit(self.tr("已复制修改建议"))
