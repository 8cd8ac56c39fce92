"""The review route as a table: one row per level with its state, signer, time, decision, opinion."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex


class RouteColumn(IntEnum):
    LEVEL = 0
    STATE = 1
    SIGNER = 2
    TIME = 3
    DECISION = 4
    OPINION = 5


ROUTE_HEADERS = {RouteColumn.LEVEL: "级别", RouteColumn.STATE: "状态", RouteColumn.SIGNER: "签署人",
                 RouteColumn.TIME: "时间", RouteColumn.DECISION: "决定", RouteColumn.OPINION: "意见"}


def short_time(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else ""


def level_rows(review: Any) -> list[dict[str, Any]]:
    """Plain rows for the route of `review` (current version)."""
    from app.review.gating import review_state

    state = review_state(review)
    signed = {s.level: s for s in review.current_signoffs}
    rows = []
    for lv in review.route.levels:
        s = signed.get(lv.number)
        if s is not None:
            status = "已签署"
        elif state.next_level == lv.number:
            status = "待签署"
        elif lv.number in state.required_levels and state.status.value == "in_review":
            status = "需签署"
        elif lv.number in state.required_levels:
            status = "—"
        else:
            status = "无需签署"
        rows.append({"number": lv.number, "name": lv.name, "roles": lv.roles_label, "state": status,
                     "signer": (f"{s.signer}（{_role_label(s.signer_role)}"
                                f"{'，外单位' if s.imported_from else ''}）") if s else "",
                     "time": short_time(s.time) if s else "", "decision": s.decision.label if s else "",
                     "opinion": s.opinion if s else ""})
    return rows


def _role_label(value: str) -> str:
    from app.users.model import Role

    try:
        return Role(value).label
    except ValueError:
        return value


class RouteModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_review(self, review: Any | None) -> None:
        self.beginResetModel()
        self.rows = level_rows(review) if review is not None else []
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RouteColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(ROUTE_HEADERS[RouteColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = RouteColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {RouteColumn.LEVEL: row["name"], RouteColumn.STATE: self.tr(row["state"]),
                    RouteColumn.SIGNER: row["signer"], RouteColumn.TIME: row["time"],
                    RouteColumn.DECISION: row["decision"], RouteColumn.OPINION: row["opinion"]}[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("可签署角色：{0}").format(row["roles"]) if col is RouteColumn.LEVEL else row["opinion"]
        if role == Qt.ItemDataRole.ForegroundRole and col is RouteColumn.STATE:
            color = {"已签署": "#1a7f37", "待签署": "#c00000", "需签署": "#9a7d00"}.get(row["state"], "#777777")
            return QBrush(QColor(color))
        return None
