"""统计: the review work counted from the ledger (app.stats) for a period and a unit, bar charts of
findings by severity and category, dispositions and each level's time to approval, the same
sections as text, and the printable report (docx, PDF, xlsx). The ledger is read in the worker."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.shell.screen_fit import fit_window
from ui.stats.bar_chart import BarChart


def _py(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class StatsWindow(QWidget):
    loaded = Signal(object)     # app.stats.ReviewStats
    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("statsWindow")
        self.setWindowTitle(self.tr("审查工作统计"))
        self.controller = controller
        self.stats: Any = None

        self.use_dates = QCheckBox(self.tr("期间"), self)
        self.use_dates.setChecked(True)
        today = QDate.currentDate()
        self.since = QDateEdit(QDate(today.year(), 1, 1), self)
        self.until = QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.unit = QComboBox(self)
        self.unit.setEditable(True)
        self.unit.addItem(self.tr("全部单位"), "")
        self.refresh_button = QPushButton(self.tr("统计"), self)
        top = QHBoxLayout()
        for w in (self.use_dates, self.since, QLabel(self.tr("至"), self), self.until):
            top.addWidget(w)
        top.addWidget(QLabel(self.tr("报送单位"), self))
        top.addWidget(self.unit, 1)
        top.addWidget(self.refresh_button)

        self.docx_button = QPushButton(self.tr("导出 Word…"), self)
        self.pdf_button = QPushButton(self.tr("导出 PDF…"), self)
        self.xlsx_button = QPushButton(self.tr("导出 Excel…"), self)
        exports = QHBoxLayout()
        for b in (self.docx_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(False)
            exports.addWidget(b)
        exports.addStretch(1)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.summary = QLabel(self)
        self.summary.setObjectName("statsSummary")
        self.summary.setWordWrap(True)
        self.severity_chart = BarChart(self.tr("发现问题（按级别）"), self)
        self.category_chart = BarChart(self.tr("发现问题（按类别）"), self)
        self.disposition_chart = BarChart(self.tr("问题处理与签署决定"), self)
        self.timing_chart = BarChart(self.tr("建立审核单至各级通过的平均用时"), self, unit=self.tr(" 小时"))
        charts = QWidget(self)
        grid = QGridLayout(charts)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        grid.addWidget(self.severity_chart, 1, 0)
        grid.addWidget(self.category_chart, 1, 1)
        grid.addWidget(self.disposition_chart, 2, 0)
        grid.addWidget(self.timing_chart, 2, 1)
        grid.setRowStretch(3, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setObjectName("statsText")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(exports)
        layout.addWidget(self.result)
        layout.addWidget(scroll, 3)
        layout.addWidget(self.text, 2)
        fit_window(self, QSize(1100, 760))

        self.refresh_button.clicked.connect(self.reload)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.docx_button.clicked.connect(lambda: self.ask_export("docx"))
        self.pdf_button.clicked.connect(lambda: self.ask_export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.ask_export("xlsx"))

    def _dates_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)

    def period(self) -> tuple[date | None, date | None, str | None]:
        """(since, until, unit) as chosen; None for no bound / every unit."""
        text = self.unit.currentText().strip()
        unit = None if not text or text == self.unit.itemText(0) else text
        if not self.use_dates.isChecked():
            return None, None, unit
        return _py(self.since.date()), _py(self.until.date()), unit

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        since, until, unit = self.period()
        self.result.setText(self.tr("正在统计…"))

        def work(ledger: Any) -> tuple[Any, list[str]]:
            from app.review.service import list_reviews
            from app.stats import compute_stats

            units = sorted({r.unit for r in list_reviews(ledger) if r.unit})
            return compute_stats(ledger, since=since, until=until, unit=unit), units

        self.controller.run(work, self._loaded, self._error, name="stats")

    def _loaded(self, result: tuple[Any, list[str]]) -> None:
        from app.stats.report import stats_text

        stats, units = result
        self.stats = stats
        known = {self.unit.itemText(i) for i in range(self.unit.count())}
        for u in units:
            if u not in known:
                self.unit.addItem(u, u)
        self.summary.setText(self.tr("{period}：审核文稿 {n} 份，发现问题 {f} 处，签署 {s} 次，退回/修改 {r} 次；"
                                     "征求意见 {c} 次（按期答复 {ok}，逾期答复 {late}，视为同意 {deemed}，待答复 {open}）。")
                             .format(period=stats.period_text, n=stats.reviews, f=stats.findings, s=stats.signoffs,
                                     r=stats.returns, c=stats.consultations, ok=stats.consult_on_time,
                                     late=stats.consult_late, deemed=stats.consult_deemed, open=stats.consult_open))
        self.severity_chart.set_items([(c.label, c.count) for c in stats.findings_by_severity])
        self.category_chart.set_items([(c.label, c.count) for c in stats.findings_by_category])
        self.disposition_chart.set_items([(c.label, c.count) for c in (*stats.dispositions, *stats.decisions)])
        self.timing_chart.set_items([(t.name, t.mean_hours) for t in stats.level_timings])
        self.text.setPlainText(stats_text(stats))
        self.result.setText("")
        for b in (self.docx_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(True)
        self.loaded.emit(stats)

    def _error(self, text: str) -> None:
        self.result.setText(text)
        self.failed.emit(text)

    # --- exports ------------------------------------------------------------------------------
    def ask_export(self, fmt: str) -> None:
        filters = {"docx": self.tr("Word 文档 (*.docx)"), "pdf": self.tr("PDF (*.pdf)"),
                   "xlsx": self.tr("Excel 工作簿 (*.xlsx)")}
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出统计报告"), f"审查工作统计.{fmt}", filters[fmt])
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        stats = self.stats
        if stats is None:
            return

        def work(ledger: Any) -> str:
            from app.stats.report import export_stats

            return str(export_stats(ledger, stats, path))

        def done(out: str) -> None:
            self.result.setText(self.tr("已导出统计报告：{0}").format(out))
            self.exported.emit(out)

        self.controller.run(work, done, self._error, name="stats-export")
