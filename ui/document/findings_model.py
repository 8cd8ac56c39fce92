"""Findings as a tree: severity → category → finding, with counts in the group rows.

A thin adapter over a DocumentReport and its Dispositions; filtering rebuilds the tree so the
counts shown are the counts of what is listed. The tree is worked out at once (pure Python, a
few milliseconds for thousands of findings) but handed to the view in batches: after a reset
each category shows its first FIRST_ROWS findings, the rest are inserted BATCH_ROWS at a time
from a zero-delay timer (beginInsertRows), so a view never lays out 2,000 rows in one turn.
Group counts are always the full counts; `index_of` shows a finding's row at once when asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont

from app.model import Category, DocumentReport, Finding, Severity
from app.scan import location_label
from ui.document.locations import LocationWords
from ui.review.dispositions import Dispositions, Status, status_name
from ui.shell.labels import SEVERITY_ORDER, category_name, flowing_text, severity_fg, severity_name

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    TEXT = 0
    LOCATION = 1
    RULE = 2
    STATUS = 3


HEADERS = {Column.TEXT: "内容", Column.LOCATION: "位置", Column.RULE: "规则", Column.STATUS: "状态"}

FINDING_ROLE = Qt.ItemDataRole.UserRole + 1     # the Finding (finding rows only)
KIND_ROLE = Qt.ItemDataRole.UserRole + 2        # "severity" | "category" | "finding"
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 3    # Severity of the row's group / finding
COUNT_ROLE = Qt.ItemDataRole.UserRole + 4       # number of findings under a group row


@dataclass
class FindingFilter:
    severities: frozenset[Severity] = frozenset(Severity)
    categories: frozenset[Category] = frozenset(Category)
    query: str = ""
    show_closed: bool = True          # false alarms and waived findings

    def accepts(self, f: Finding, status: Status, where: str = "") -> bool:
        """`where`: the finding's location in the window's words (第3页 第2段), searched too."""
        if f.severity not in self.severities or f.category not in self.categories:
            return False
        if not self.show_closed and status is not Status.OPEN:
            return False
        q = self.query.strip().casefold()
        if q:
            hay = " ".join((f.text, f.context, f.rule, f.rule_name, f.basis, f.message, f.suggestion,
                            category_name(f.category), location_label(f.location),
                            where)).casefold()
            return q in hay
        return True


@dataclass
class _Node:
    kind: str                       # "root" | "severity" | "category" | "finding"
    parent: int
    row: int
    severity: Severity | None = None
    category: Category | None = None
    finding: Finding | None = None
    children: list[int] = field(default_factory=list)
    count: int = 0


_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_GROUP_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_LEAF_FLAGS = _GROUP_FLAGS | Qt.ItemFlag.ItemNeverHasChildren
_COLUMNS = tuple(Column)
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.FontRole, FINDING_ROLE, KIND_ROLE, SEVERITY_ROLE, COUNT_ROLE})

#: finding rows per category shown right after a reset, and rows inserted per timer turn
FIRST_ROWS = 60
BATCH_ROWS = 5000


class FindingsModel(QAbstractItemModel):
    filled = Signal()      # every finding row is in the model (after a reset, once the batches are in)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: DocumentReport | None = None
        self.dispositions: Dispositions | None = None
        self.filter = FindingFilter()
        self.locations = LocationWords(None)
        self._nodes: list[_Node] = [_Node("root", -1, 0)]
        self._by_id: dict[str, int] = {}
        self._shown: dict[int, int] = {}      # category node -> finding rows handed to views so far
        self._fill_timer = QTimer(self)
        self._fill_timer.setInterval(0)
        self._fill_timer.timeout.connect(self._fill_some)

    # --- feeding ------------------------------------------------------------------------
    def set_report(self, report: DocumentReport | None, dispositions: Dispositions | None) -> None:
        if self.dispositions is not None:
            self.dispositions.changed.disconnect(self._disposition_changed)
        self.report = report
        self.dispositions = dispositions
        self.locations = LocationWords(report.document if report is not None else None)
        if dispositions is not None:
            dispositions.changed.connect(self._disposition_changed)
        self._rebuild()

    def set_filter(self, flt: FindingFilter) -> None:
        self.filter = flt
        self._rebuild()

    def _status(self, f: Finding) -> Status:
        return self.dispositions.status(f.id) if self.dispositions else Status.OPEN

    def _rebuild(self) -> None:
        self.beginResetModel()
        nodes = [_Node("root", -1, 0)]
        by_id: dict[str, int] = {}
        findings = self.report.findings if self.report else ()
        searching = bool(self.filter.query.strip())
        status = self._status
        grouped: dict[Severity, dict[Category, list[Finding]]] = {}
        for f in findings:     # one pass, one status look-up per finding
            if self.filter.accepts(f, status(f), self.locations.words(f) if searching else ""):
                grouped.setdefault(f.severity, {}).setdefault(f.category, []).append(f)
        for sev in SEVERITY_ORDER:
            by_cat = grouped.get(sev)
            if not by_cat:
                continue
            sev_id = len(nodes)
            nodes.append(_Node("severity", 0, len(nodes[0].children), severity=sev,
                               count=sum(len(v) for v in by_cat.values())))
            nodes[0].children.append(sev_id)
            for cat in Category:
                of_cat = by_cat.get(cat)
                if not of_cat:
                    continue
                cat_id = len(nodes)
                nodes.append(_Node("category", sev_id, len(nodes[sev_id].children), severity=sev,
                                   category=cat, count=len(of_cat)))
                nodes[sev_id].children.append(cat_id)
                children = nodes[cat_id].children
                for f in of_cat:
                    fid = len(nodes)
                    nodes.append(_Node("finding", cat_id, len(children), severity=sev,
                                       category=cat, finding=f, count=1))
                    children.append(fid)
                    by_id[f.id] = fid
        self._nodes = nodes
        self._by_id = by_id
        self._shown = {i: min(FIRST_ROWS, len(n.children)) for i, n in enumerate(nodes) if n.kind == "category"}
        self.endResetModel()
        if self.is_filled:
            self._fill_timer.stop()
            self.filled.emit()
        else:
            self._fill_timer.start()

    @property
    def is_filled(self) -> bool:
        return all(shown == len(self._nodes[i].children) for i, shown in self._shown.items())

    def _fill_some(self, limit: int = BATCH_ROWS) -> None:
        """Hand the next rows to the views (in tree order)."""
        budget = limit
        for node_id, shown in self._shown.items():
            total = len(self._nodes[node_id].children)
            if shown == total:
                continue
            n = min(budget, total - shown)
            node = self._nodes[node_id]
            self.beginInsertRows(self.createIndex(node.row, 0, node_id), shown, shown + n - 1)
            self._shown[node_id] = shown + n
            self.endInsertRows()
            budget -= n
            if budget <= 0:
                break
        if self.is_filled:
            self._fill_timer.stop()
            self.filled.emit()

    def fill_now(self) -> None:
        """Every row at once (a finding is about to be selected, a test wants the whole tree)."""
        if not self.is_filled:
            self._fill_some(limit=len(self._by_id) + 1)

    def _disposition_changed(self, finding_id: str) -> None:
        if not self.filter.show_closed:
            self._rebuild()
            return
        node_id = self._by_id.get(finding_id)
        if node_id is None:
            return
        node = self._nodes[node_id]
        self.dataChanged.emit(self.createIndex(node.row, 0, node_id),
                              self.createIndex(node.row, len(Column) - 1, node_id))

    # --- queries used by the panel and tests ---------------------------------------------
    def counts(self) -> dict[Severity, int]:
        """Findings listed per severity (after filtering)."""
        return {self._nodes[i].severity: self._nodes[i].count for i in self._nodes[0].children}  # type: ignore[misc]

    def category_counts(self, severity: Severity) -> dict[Category, int]:
        for i in self._nodes[0].children:
            if self._nodes[i].severity is severity:
                return {self._nodes[c].category: self._nodes[c].count for c in self._nodes[i].children}  # type: ignore[misc]
        return {}

    def total(self) -> int:
        return len(self._by_id)

    def ordered_findings(self) -> list[Finding]:
        """Findings in the order the tree lists them (F3 / Shift+F3 walk this)."""
        return [n.finding for n in self._nodes if n.kind == "finding" and n.finding is not None]

    def index_of(self, finding_id: str, column: int = 0) -> QModelIndex:
        node_id = self._by_id.get(finding_id)
        if node_id is None:
            return QModelIndex()
        node = self._nodes[node_id]
        if node.row >= self._shown.get(node.parent, 0):
            self.fill_now()
        return self.createIndex(node.row, column, node_id)

    def finding_at(self, index: Index) -> Finding | None:
        if not index.isValid():
            return None
        return self._nodes[index.internalId()].finding

    # --- QAbstractItemModel ---------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        parent_id = parent.internalId() if parent.isValid() else 0
        children = self._nodes[parent_id].children
        if not (0 <= row < self._shown.get(parent_id, len(children)) and 0 <= column < len(Column)):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._nodes[index.internalId()]
        if node.parent <= 0:
            return QModelIndex()
        return self.createIndex(self._nodes[node.parent].row, 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node_id = parent.internalId() if parent.isValid() else 0
        return self._shown.get(node_id, len(self._nodes[node_id].children))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(HEADERS[Column(section)])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # called for every row on each relayout of the tree: constants, no enum arithmetic
        if not index.isValid():
            return _NO_FLAGS
        return _LEAF_FLAGS if self._nodes[index.internalId()].kind == "finding" else _GROUP_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        col = _COLUMNS[index.column()]
        if role == KIND_ROLE:
            return node.kind
        if role == SEVERITY_ROLE:
            return node.severity
        if role == COUNT_ROLE:
            return node.count
        if role == FINDING_ROLE:
            return node.finding
        if node.kind == "severity":
            return self._group_data(node, col, role, severity_name(node.severity))  # type: ignore[arg-type]
        if node.kind == "category":
            return self._group_data(node, col, role, category_name(node.category))  # type: ignore[arg-type]
        return self._finding_data(node.finding, col, role)  # type: ignore[arg-type]

    def _group_data(self, node: _Node, col: Column, role: int, name: str):
        if role == Qt.ItemDataRole.DisplayRole and col is Column.TEXT:
            return f"{name}（{node.count}）"
        if role == Qt.ItemDataRole.ForegroundRole and node.kind == "severity":
            return QBrush(severity_fg(node.severity))  # type: ignore[arg-type]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _finding_data(self, f: Finding, col: Column, role: int):
        status = self._status(f)
        if role == Qt.ItemDataRole.DisplayRole:
            if col is Column.TEXT:
                text = flowing_text(f.text)      # no stray space where a PDF line broke
                return text if len(text) <= 40 else text[:39] + "…"
            if col is Column.LOCATION:
                where = self.locations.words(f)
                return where if f.count == 1 else f"{where}（共{f.count}处）"
            if col is Column.RULE:
                return f.rule_name
            return status_name(status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.message}\n{self.tr('依据')}：{f.basis}" if f.message else f.basis
        if role == Qt.ItemDataRole.ForegroundRole and status is not Status.OPEN:
            return QBrush(Qt.GlobalColor.gray)
        if role == Qt.ItemDataRole.FontRole and status is not Status.OPEN and col is Column.TEXT:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None
