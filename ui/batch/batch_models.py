"""Table models for the batch window: one row per file, and totals per category."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from app.model import Category, DocumentReport, Severity
from ui.shell.labels import SEVERITY_ORDER, category_name, severity_bg, severity_name

Index = QModelIndex | QPersistentModelIndex


class FileColumn(IntEnum):
    NAME = 0
    FORMAT = 1
    CHARS = 2
    BLOCK = 3
    HIGH = 4
    MEDIUM = 5
    LOW = 6
    TOTAL = 7
    STATUS = 8


FILE_HEADERS = {FileColumn.NAME: "文件", FileColumn.FORMAT: "格式", FileColumn.CHARS: "字数",
                FileColumn.BLOCK: "禁止发布", FileColumn.HIGH: "高风险", FileColumn.MEDIUM: "需核实",
                FileColumn.LOW: "提示", FileColumn.TOTAL: "合计", FileColumn.STATUS: "状态"}
_SEV_COLUMN = {FileColumn.BLOCK: Severity.BLOCK, FileColumn.HIGH: Severity.HIGH,
               FileColumn.MEDIUM: Severity.MEDIUM, FileColumn.LOW: Severity.LOW}
REPORT_ROLE = Qt.ItemDataRole.UserRole + 1


def severity_counts(report: DocumentReport) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in report.findings:
        counts[f.severity] += 1
    return counts


def file_status(report: DocumentReport) -> str:
    if report.error:
        return report.error
    if any(n.code == "no_text_layer" for n in report.notices):
        return "含无文字层页面，须人工核对"
    worst = report.worst()
    if worst is None:
        return "未发现问题"
    return f"最高：{severity_name(worst)}"


class BatchFilesModel(QAbstractTableModel):
    def __init__(self, root: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.reports: list[DocumentReport] = []
        self._counts: list[dict[Severity, int]] = []

    def clear(self, root: str = "") -> None:
        self.beginResetModel()
        self.root = root
        self.reports = []
        self._counts = []
        self.endResetModel()

    def add(self, report: DocumentReport) -> None:
        row = len(self.reports)
        self.beginInsertRows(QModelIndex(), row, row)
        self.reports.append(report)
        self._counts.append(severity_counts(report))
        self.endInsertRows()

    def display_name(self, report: DocumentReport) -> str:
        if self.root:
            try:
                return str(Path(report.path).relative_to(self.root))
            except ValueError:
                pass
        return Path(report.path).name

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.reports)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FileColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(FILE_HEADERS[FileColumn(section)])
        return None

    def value(self, row: int, col: FileColumn):
        r = self.reports[row]
        counts = self._counts[row]
        if col is FileColumn.NAME:
            return self.display_name(r)
        if col is FileColumn.FORMAT:
            return r.format or ""
        if col is FileColumn.CHARS:
            return r.chars
        if col in _SEV_COLUMN:
            return counts[_SEV_COLUMN[col]]
        if col is FileColumn.TOTAL:
            return len(r.findings)
        return file_status(r)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = FileColumn(index.column())
        r = self.reports[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.value(index.row(), col)
        if role == REPORT_ROLE:
            return r
        if role == Qt.ItemDataRole.ToolTipRole and col is FileColumn.NAME:
            return r.path
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (FileColumn.NAME, FileColumn.STATUS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if col in _SEV_COLUMN and self._counts[index.row()][_SEV_COLUMN[col]]:
                return QBrush(severity_bg(_SEV_COLUMN[col]))
            if col is FileColumn.STATUS and r.error:
                return QBrush(Qt.GlobalColor.lightGray)
        return None


class CategoryModel(QAbstractTableModel):
    """Rows: categories with any finding; columns: category, then one per severity, then total."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._totals: dict[Category, dict[Severity, int]] = {}

    def clear(self) -> None:
        self.beginResetModel()
        self._totals = {}
        self.endResetModel()

    def add(self, report: DocumentReport) -> None:
        self.beginResetModel()
        for f in report.findings:
            row = self._totals.setdefault(f.category, dict.fromkeys(Severity, 0))
            row[f.severity] += 1
        self.endResetModel()

    def categories(self) -> list[Category]:
        return [c for c in Category if c in self._totals]

    def count(self, category: Category, severity: Severity | None = None) -> int:
        row = self._totals.get(category, {})
        return row.get(severity, 0) if severity else sum(row.values())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._totals)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + len(SEVERITY_ORDER)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.tr("类别")
        if section <= len(SEVERITY_ORDER):
            return severity_name(SEVERITY_ORDER[section - 1])
        return self.tr("合计")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        cat = self.categories()[index.row()]
        col = index.column()
        if col == 0:
            return category_name(cat)
        if col <= len(SEVERITY_ORDER):
            return self.count(cat, SEVERITY_ORDER[col - 1])
        return self.count(cat)
