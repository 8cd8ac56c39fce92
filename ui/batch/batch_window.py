"""Batch review of a folder or a saved website mirror: progress, cancel, summary tables, xlsx."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.model import DocumentReport
from ui.batch.batch_models import REPORT_ROLE, BatchFilesModel, CategoryModel, FileColumn
from ui.shell import worker
from ui.shell.engine import EngineHolder, scan_events
from ui.shell.errors import ErrorSink, friendly_message
from ui.shell.screen_fit import fit_window
from ui.shell.settings import Settings


class BatchWindow(QWidget):
    finished = Signal(bool)
    open_requested = Signal(object)      # DocumentReport

    def __init__(self, engine: EngineHolder, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("batchWindow")
        self.setWindowTitle(self.tr("批量审查"))
        self.engine = engine
        self.settings = settings
        self.errors = ErrorSink(self)
        self.job: worker.Job | None = None
        self.files = BatchFilesModel(parent=self)
        self.categories = CategoryModel(self)
        self.root = ""

        self.choose_button = QPushButton(self.tr("选择文件夹…"), self)
        self.choose_button.clicked.connect(self.ask_folder)
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton(self.tr("导出 xlsx…"), self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.ask_export)
        self.progress = QProgressBar(self)
        self.progress.setFormat(self.tr("%v / %m"))
        self.status = QLabel(self.tr("选择要审查的文件夹（可以是保存的网站镜像）。"), self)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)

        self.file_table = QTableView(self)
        self.file_table.setObjectName("batchFiles")
        self.file_table.setModel(self.files)
        self.file_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.file_table.setSortingEnabled(False)
        self.file_table.horizontalHeader().setSectionResizeMode(FileColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self.file_table.horizontalHeader().setSectionResizeMode(FileColumn.STATUS,
                                                                QHeaderView.ResizeMode.ResizeToContents)
        self.file_table.doubleClicked.connect(self._open_row)
        self.category_table = QTableView(self)
        self.category_table.setObjectName("batchCategories")
        self.category_table.setModel(self.categories)
        self.category_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.file_table)
        split.addWidget(self.category_table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        fit_window(self, QSize(1000, 680))

    @property
    def running(self) -> bool:
        return self.job is not None and not self.job.done

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择文件夹"), self.settings.last_dir)
        if folder:
            self.start([folder])

    def start(self, paths: list[str]) -> bool:
        from app.scan import expand_paths

        if self.running:
            return False
        self.root = paths[0] if len(paths) == 1 and Path(paths[0]).is_dir() else ""
        files = expand_paths(paths)
        self.files.clear(self.root)
        self.categories.clear()
        if not files:
            self.status.setText(self.tr("所选位置没有可审查的文件。"))
            self.finished.emit(True)
            return False
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.status.setText(self.tr("正在审查 {0} 个文件…").format(len(files)))
        holder = self.engine
        ocr = self.settings.ocr_mode
        from app.patrol.batch import pooled_scan_events, use_pool

        if use_pool(len(files)):  # every core: the patrol's worker pool, in every OCR mode
            def events():
                return pooled_scan_events(files, holder.get(), ocr=ocr)
        else:
            def events():
                return scan_events(files, holder, ocr=ocr)
        self.job = worker.run_iter(events, on_item=self._event,
                                   on_done=self._done, on_error=self._failed, name="batch")
        return True

    def _event(self, event) -> None:
        if event.report is None:
            self.status.setText(self.tr("正在审查 {0}（{1}/{2}）").format(Path(event.path).name,
                                                                     event.index + 1, event.total))
            return
        self.progress.setValue(event.index + 1)
        self.files.add(event.report)
        self.categories.add(event.report)

    def _failed(self, exc: BaseException) -> None:
        self.errors.exception(exc)

    def _done(self, ok: bool) -> None:
        self.cancel_button.setEnabled(False)
        self.choose_button.setEnabled(True)
        self.export_button.setEnabled(bool(self.files.reports))
        n = len(self.files.reports)
        findings = sum(len(r.findings) for r in self.files.reports)
        errors = sum(1 for r in self.files.reports if r.error)
        text = self.tr("已审查 {0} 个文件，发现 {1} 处问题，{2} 个文件无法读取。").format(n, findings, errors)
        if not ok:
            text = self.tr("已取消。") + text
        self.status.setText(text)
        self.finished.emit(ok)

    def cancel(self) -> None:
        if self.running and self.job is not None:
            self.job.cancel()
            self.status.setText(self.tr("正在取消…"))

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出 xlsx"), str(Path(self.settings.last_dir or ".")
                                                                            / "批量审查结果.xlsx"),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export(path)

    def export(self, path: str) -> bool:
        from ui.batch.batch_export import export_batch_xlsx

        try:
            out = export_batch_xlsx(self.files.reports, path, self.root)
        except Exception as exc:
            self.errors.show(friendly_message(exc))
            return False
        self.status.setText(self.tr("已导出：{0}").format(out))
        return True

    def _open_row(self, index) -> None:
        report: DocumentReport | None = self.files.data(index, REPORT_ROLE)
        if report is not None and report.document is not None:
            self.open_requested.emit(report)
        elif report is not None and report.error is None:  # scanned by a worker process: read it again here
            holder, path = self.engine, report.path
            worker.run_call(lambda: holder.get().scan_file(path), on_result=self._open_scanned,
                            on_error=self._failed, name="batch-open")

    def _open_scanned(self, report: DocumentReport) -> None:
        if report.document is not None:
            self.open_requested.emit(report)

    def shutdown(self) -> None:
        if self.job is not None:
            self.job.cancel(detach=True)

    def closeEvent(self, event) -> None:
        self.cancel()
        super().closeEvent(event)
