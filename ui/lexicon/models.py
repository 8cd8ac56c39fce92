"""Table models of the lexicon editor: entries (filtered through app.packs.editor.EntryIndex),
test vectors, installed packs and their ledger history. Thin adapters with named columns."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.model import Category, Severity
from app.packs.editor import BUREAU, LOCAL, EditorEntry, EntryIndex
from app.packs.format import Vector
from ui.shell.labels import category_name, severity_name

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
LAYER_LABELS = {BUREAU: "保密局词库包", LOCAL: "本单位词库"}


def category_label(value: str) -> str:
    try:
        return str(category_name(Category(value)))
    except ValueError:
        return value


def severity_label(value: str) -> str:
    try:
        return str(severity_name(Severity(value)))
    except ValueError:
        return value


class EntryColumn(IntEnum):
    LAYER = 0
    TERM = 1
    CATEGORY = 2
    SEVERITY = 3
    ALLOW = 4
    BASIS = 5
    SUGGESTION = 6
    NOTE = 7
    OPTIONS = 8
    ID = 9


ENTRY_HEADERS = ("层", "词条", "类别", "级别", "白名单", "依据", "建议", "说明/理由", "选项", "编号")


class TableModel(QAbstractTableModel):
    """Rows of any value; `cells(row)` gives the display strings."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def cells(self, row: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.headers[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(row)[index.column()]
        if role == ROW_ROLE:
            return row
        return None


class EntriesModel(TableModel):
    """The entries that pass the filter (app.packs.editor.EntryIndex: a search over 100,000
    entries as the user types takes milliseconds, on the GUI thread, with no proxy model)."""

    headers = ENTRY_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.index_of = EntryIndex(())
        self.filter: tuple[str, str, str, str] = ("", "", "", "")

    @property
    def total(self) -> int:
        return len(self.index_of)

    def set_rows(self, rows: list[Any]) -> None:
        self.index_of = EntryIndex(rows)
        self._select()

    def set_filter(self, query: str = "", category: str = "", severity: str = "", layer: str = "") -> None:
        self.filter = (query.strip(), category, severity, layer)
        self._select()

    def _select(self) -> None:
        rows = self.index_of.rows
        self.beginResetModel()
        self.rows = [rows[i] for i in self.index_of.select(*self.filter)]
        self.endResetModel()

    def cells(self, row: EditorEntry) -> tuple[str, ...]:
        e = row.entry
        return (LAYER_LABELS.get(row.layer, row.layer), e.term, category_label(e.category),
                severity_label(e.severity), "是" if e.allow else "", e.basis, e.suggestion, e.reason or e.note,
                " ".join(e.options), e.id)


VECTOR_HEADERS = ("类型", "句子", "类别", "最低级别")


class VectorsModel(TableModel):
    """Rows: (must_flag: bool, Vector)."""

    headers = VECTOR_HEADERS

    def cells(self, row: tuple[bool, Vector]) -> tuple[str, ...]:
        flag, v = row
        return ("应检出" if flag else "不应检出", v.text, category_label(v.category) if v.category else "",
                severity_label(v.min_severity) if v.min_severity else "")


INSTALLED_HEADERS = ("编号", "版本", "发布单位", "启用", "SHA-256")


class InstalledModel(TableModel):
    """Rows: app.packs.service.InstalledPack."""

    headers = INSTALLED_HEADERS

    def cells(self, row: Any) -> tuple[str, ...]:
        return (row.id, row.version, row.issuer, "启用中" if row.active else "", row.sha256)


HISTORY_HEADERS = ("序号", "操作", "词库包", "经办", "说明")
HISTORY_KINDS = {"lexicon_key_trusted": "信任签发密钥", "lexicon_pack_installed": "安装",
                 "lexicon_pack_activated": "启用", "lexicon_pack_refused": "拒绝",
                 "lexicon_pack_rolled_back": "回退", "lexicon_local_changed": "本单位词库变更"}


class HistoryModel(TableModel):
    """Rows: (seq, kind, actor, payload) as app.packs.service.history gives them."""

    headers = HISTORY_HEADERS

    def cells(self, row: tuple[int, str, str, dict[str, Any]]) -> tuple[str, ...]:
        seq, kind, actor, p = row
        label = f"{p.get('pack_id', '')} {p.get('version', '')}".strip() or str(p.get("fingerprint", ""))
        if kind == "lexicon_local_changed":
            label = f"本单位 第 {p.get('revision', '')} 版"
        detail = str(p.get("reason", "")).splitlines()[0] if p.get("reason") else ""
        if kind == "lexicon_local_changed":
            from app.packs.local import ACTION_LABELS

            action = str(p.get("action", ""))
            detail = f"{ACTION_LABELS.get(action, action)}“{p.get('term', '')}”"
        if kind == "lexicon_pack_rolled_back":
            detail = f"自 {p.get('previous', '')}"
        return (str(seq), HISTORY_KINDS.get(kind, kind), label, actor, detail)
