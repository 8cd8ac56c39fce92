"""A workbook as its sheets: one tab per sheet with the cells in a grid (QTableView), the cells
holding findings coloured by severity with the findings in their tooltip, comment cells marked,
hidden sheets, rows and columns greyed; a last tab with all of the text (comments, properties)
for findings outside the grid."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView, QTabWidget, QVBoxLayout, QWidget

from app.model import DocumentReport, Finding, Part
from app.structure import SheetShape
from ui.document.document_view import TextDocumentView
from ui.document.text_offsets import display_text
from ui.review.dispositions import Dispositions
from ui.shell.labels import DISMISSED_BG, SEVERITY_BG

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("sheet_view", text)


def column_name(col: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    name = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


class SheetModel(QAbstractTableModel):
    """The cells of one sheet: text, findings (worst severity paints the cell), comments."""

    def __init__(self, shape: SheetShape, parent=None) -> None:
        super().__init__(parent)
        self.shape = shape
        self.text: dict[tuple[int, int], str] = {}
        self.segment: dict[tuple[int, int], int] = {}
        self.hidden: set[tuple[int, int]] = set()
        self.comments: dict[tuple[int, int], str] = {}
        self.findings: dict[tuple[int, int], list[Finding]] = {}
        self.dispositions: Dispositions | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(self.shape.rows, 1)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(self.shape.cols, 1)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return column_name(section + 1) if orientation == Qt.Orientation.Horizontal else str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = (index.row() + 1, index.column() + 1)
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.text.get(key)
            return display_text(text).replace("\n", " ⏎ ") if text else None
        if role == Qt.ItemDataRole.BackgroundRole:
            found = self.findings.get(key)
            if found:
                worst = max(found, key=lambda f: f.severity.rank)
                is_open = self.dispositions is None or any(self.dispositions.is_open(f.id) for f in found)
                return QBrush(QColor(SEVERITY_BG[worst.severity] if is_open else DISMISSED_BG))
            if key in self.comments:
                return QBrush(QColor("#fff8d6"))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and (key in self.hidden or self.shape.hidden):
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{column_name(key[1])}{key[0]}"]
            if key in self.hidden or self.shape.hidden:
                lines.append(_tr("隐藏的单元格（页面上看不到，文件中可读出）"))
            lines += [f"• {f.rule_name}：{f.text}" for f in self.findings.get(key, ())]
            if key in self.comments:
                lines.append(_tr("批注：") + self.comments[key])
            return "\n".join(lines) if len(lines) > 1 else None
        return None

    def refresh(self) -> None:
        if self.findings:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))


class SheetView(QWidget):
    """Sheets as grids; `show_finding` selects a finding's cell (or shows it in the text tab)."""

    finding_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabPosition(QTabWidget.TabPosition.South)   # like a spreadsheet's sheet tabs
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.models: list[SheetModel] = []
        self.tables: list[QTableView] = []
        self.text = TextDocumentView(self)
        self.text.finding_clicked.connect(self.finding_clicked)
        self.report: DocumentReport | None = None
        self._where: dict[int, tuple[int, tuple[int, int]]] = {}   # segment -> (sheet tab, cell)
        self._comments: set[int] = set()                           # segments that are cell comments
        self._current: str | None = None
        self._zoom = 0

    def set_report(self, report: DocumentReport, dispositions: Dispositions) -> None:
        assert report.document is not None and report.document.structure is not None
        self.report = report
        structure = report.document.structure
        segs = report.document.segments
        tab_of: dict[str, int] = {}
        for shape in structure.sheets:
            model = SheetModel(shape, self)
            model.dispositions = dispositions
            tab_of[shape.name] = len(self.models)
            self.models.append(model)
        for b in structure.blocks:
            if b.sheet not in tab_of or b.row is None or b.col is None:
                continue
            tab = tab_of[b.sheet]
            model = self.models[tab]
            key = (b.row, b.col)
            if b.kind == "comment":
                model.comments[key] = segs[b.segment].text
                self._comments.add(b.segment)
            else:
                model.text[key] = segs[b.segment].text
                model.segment[key] = b.segment
                if segs[b.segment].location.part is Part.HIDDEN:
                    model.hidden.add(key)
            self._where[b.segment] = (tab, key)
        for f in report.findings:
            where = self._where.get(f.segment)
            if where is not None:
                self.models[where[0]].findings.setdefault(where[1], []).append(f)
        for model in self.models:
            table = QTableView(self)
            table.setModel(model)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setWordWrap(False)
            table.horizontalHeader().setDefaultSectionSize(110)
            table.clicked.connect(lambda index, m=model: self._clicked(m, index))
            self.tables.append(table)
            count = sum(len(v) for v in model.findings.values())
            title = model.shape.name + (_tr("（隐藏）") if model.shape.hidden else "")
            self.tabs.addTab(table, f"{title}（{count}）" if count else title)
        self.tabs.addTab(self.text, _tr("全部文字"))
        self.text.set_report(report, dispositions)
        dispositions.changed.connect(lambda _fid: [m.refresh() for m in self.models])

    def _clicked(self, model: SheetModel, index: QModelIndex) -> None:
        found = model.findings.get((index.row() + 1, index.column() + 1))
        if found:
            self.finding_clicked.emit(found[0].id)

    # --- the view interface of DocumentPage ---------------------------------------------
    def show_finding(self, f: Finding) -> None:
        self._current = f.id
        where = self._where.get(f.segment)
        if where is None:
            self.tabs.setCurrentWidget(self.text)
            self.text.show_finding(f)
            return
        tab, (row, col) = where
        self.tabs.setCurrentIndex(tab)
        table = self.tables[tab]
        index = self.models[tab].index(row - 1, col - 1)
        table.setCurrentIndex(index)
        table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def cell_of(self, f: Finding) -> tuple[str, str] | None:
        """(sheet name, cell text) where `f` is shown in a grid; None when it is not in a cell."""
        where = self._where.get(f.segment)
        if where is None:
            return None
        model = self.models[where[0]]
        text = model.comments.get(where[1]) if f.segment in self._comments else model.text.get(where[1])
        return (model.shape.name, text) if text is not None else None

    def current_finding(self) -> str | None:
        return self._current

    def find(self, text: str, backward: bool = False) -> bool:
        self.tabs.setCurrentWidget(self.text)
        return self.text.find(text, backward)

    def zoom(self, steps: int) -> None:
        self.text.zoom(steps)
        self._zoom = self.text.zoom_steps
        for table in self.tables:
            font = table.font()
            font.setPointSizeF(max(6.0, self.font().pointSizeF() + self._zoom))
            table.setFont(font)

    @property
    def zoom_steps(self) -> int:
        return self._zoom

    def page_count(self) -> int:
        return 0

    def go_to_page(self, page: int) -> None:
        pass

    def shutdown(self) -> None:
        self.text.shutdown()
