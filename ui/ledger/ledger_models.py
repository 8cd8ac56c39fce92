"""Table models for the ledger window: the leaders' approval ledger and the full audit trail,
plus one filter proxy (text, date range, unit) used by both."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from app.exports.timefmt import local_datetime, local_time
from app.users.model import ROLE_LABELS, Role

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

KIND_LABELS = {
    "ledger_created": "台帐创建", "user_added": "添加用户", "user_approved": "保密管理员确认添加用户", "user_imported": "导入用户", "review_opened": "建立审核单",
    "scan_recorded": "记录扫描结果", "signed": "签署", "finding_waived": "豁免问题", "finding_dismissed": "标为误报", "document_redacted": "制作区分处理副本", "lexicon_changed": "词库变更",
    "patrol_recorded": "网站巡查记录",
    "package_imported": "导入审核包", "package_exported": "导出审核包", "export_recorded": "输出文件",
    "exported": "输出文件", "checkpoint": "检查点", "checkpoint_issued": "输出检查点",
    "login_failed": "密码错误", "login_succeeded": "登录成功（结束连续错误）", "user_unlocked": "保密管理员解锁用户",
    "user_revoked": "保密管理员停用用户", "route_registered": "登记审核流程", "peer_added": "登记外单位",
    "unit_identity_created": "建立本单位身份", "unit_key_shared": "共享本单位身份密钥",
    "lexicon_key_trusted": "信任词库签发者", "lexicon_pack_installed": "安装词库包", "lexicon_pack_activated": "启用词库包",
    "lexicon_pack_rolled_back": "回退词库包", "lexicon_pack_refused": "拒绝词库包",
    "lexicon_local_changed": "本单位词库变更",
    "revision_checked": "核验修改稿", "draft_marks_recorded": "记入建立审核单前的标记",
    "consultation_sent": "发出征求意见函", "consultation_replied": "记录外单位答复",
    "consultation_deemed_agreed": "征求意见期满未答复，视为同意", "consultation_answered": "答复外单位征求意见",
}


def _role(value: object) -> str:
    """A role as its Chinese name (信息员, 保密管理员 …); unknown text unchanged."""
    try:
        return ROLE_LABELS[Role(str(value))]
    except ValueError:
        return str(value or "")


class ApprovalColumn(IntEnum):
    TIME = 0
    UNIT = 1
    REVIEW = 2
    TITLE = 3
    CLASS = 4
    LEVEL = 5
    SIGNER = 6
    DECISION = 7
    OPINION = 8
    SHA = 9


APPROVAL_HEADERS = ("签署时间", "单位", "审核单编号", "文稿标题", "信息类别", "审核级别", "签署人", "审核决定",
                    "批示意见", "文稿 SHA-256")


class AuditColumn(IntEnum):
    SEQ = 0
    TIME = 1
    ACTOR = 2
    KIND = 3
    REVIEW = 4
    SUMMARY = 5
    HASH = 6


AUDIT_HEADERS = ("序号", "时间", "签署人", "类型", "审核单", "内容", "哈希")


@dataclass(frozen=True)
class Row:
    cells: tuple[Any, ...]
    time: str          # ISO
    unit: str
    review_id: str


def approval_table(rows: list[Any]) -> list[Row]:
    """From app.exports.approval_ledger.approval_rows."""
    out = []
    for r in rows:
        out.append(Row((local_time(r.time), r.unit, r.review_id, r.title, r.info_class, r.level,
                        f"{r.signer}（{r.role}）", r.decision, r.instruction, r.document_sha256), r.time, r.unit,
                       r.review_id))
    return out


def consultation_summary(kind: str, p: dict[str, Any]) -> str:
    """征求意见 entries in words: to whom, due when, what was answered."""
    answers = {"agree": "同意公开", "revise": "修改后同意公开", "disagree": "不同意公开"}
    if kind == "consultation_sent":
        return f"征求{p.get('to_unit', '')}意见，答复期限 {p.get('due_date', '')}（{p.get('by', '')}）"
    if kind == "consultation_replied":
        reply = p.get("reply") if isinstance(p.get("reply"), dict) else {}
        late = "" if p.get("on_time") else "（逾期答复）"
        return (f"{p.get('from_unit', '')}答复：{answers.get(str(p.get('decision')), '')}{late}"
                f"，{reply.get('opinion', '')}")
    if kind == "consultation_deemed_agreed":
        return f"{p.get('to_unit', '')}至 {p.get('due_date', '')} 未答复，自 {p.get('deemed_date', '')} 起视为同意"
    return f"答复{p.get('from_unit', '')}：{answers.get(str(p.get('decision')), '')}，{p.get('opinion', '')}"


def _summary(kind: str, p: dict[str, Any]) -> str:
    st = p.get("statement") if isinstance(p.get("statement"), dict) else {}
    if kind == "review_opened":
        return f"{p.get('title', '')}（{p.get('unit', '')}）"
    if kind == "scan_recorded":
        doc = p.get("document") or {}
        return f"第 {p.get('version')} 版 {doc.get('name', '')} · {str(doc.get('sha256', ''))[:12]}…"
    if kind == "signed":
        labels = {"approve": "同意", "revise": "修改后发布", "return": "退回修改", "reject": "不予发布",
                  "escalate": "报上级审核"}
        decision = labels.get(str(st.get("decision")), str(st.get("decision")))
        decided = [d for d in st.get("dispositions") or () if isinstance(d, dict)]
        kinds = {"agree": "同意公开", "change": "须修改"}
        extra = ("；" + "；".join(f"“{str(d.get('finding_text', ''))[:12]}”{kinds.get(str(d.get('kind')), '')}"
                                 for d in decided)) if decided else ""
        return f"第 {st.get('level')} 级 · {decision} · {st.get('opinion', '')}{extra}"
    if kind == "revision_checked":
        outcome = "通过" if p.get("passed") else f"未通过，退回第 {p.get('level')} 级"
        return (f"第 {p.get('to_version')} 版核验{outcome}（第 {p.get('level')} 级有条件同意；"
                f"增 {p.get('added', 0)} 段、删 {p.get('removed', 0)} 段）")
    if kind == "draft_marks_recorded":
        marks = [m.get("statement", {}) for m in p.get("marks", []) if isinstance(m, dict)]
        names = {"false_alarm": "误报", "agree": "同意公开", "change": "须修改"}
        return "；".join(f"{names.get(str(m.get('kind')), '')}“{str(m.get('text', ''))[:12]}”（{m.get('user', '')}）"
                        for m in marks)[:160]
    if kind == "exported":
        whats = {"review_sheet": "保密审查单", "approval_ledger": "领导审批台帐", "review_stats": "统计报告",
                 "consultation_letter": "纸面征求意见函"}
        return f"{whats.get(str(p.get('what')), str(p.get('what', '')))} {p.get('file', '')}"
    if kind.startswith("consultation_"):
        return consultation_summary(kind, p)
    if kind == "finding_waived":
        return f"豁免“{st.get('finding_text', '')}”：{st.get('reason', '')}"
    if kind == "finding_dismissed":
        return f"误报“{p.get('finding_text', '')}”：{p.get('reason', '')}"
    if kind in ("user_added", "user_approved", "user_imported"):
        unit = f"，{p.get('unit')}" if p.get("unit") else ""
        return f"{p.get('name', '')}（{_role(p.get('role'))}{unit}）"
    if kind in ("user_unlocked", "user_revoked"):
        reason = f"：{p.get('reason')}" if p.get("reason") else ""
        return f"{p.get('name', '')}{reason}"
    if kind == "route_registered":
        return str(p.get("name", ""))
    if kind in ("peer_added", "unit_identity_created"):
        return f"{p.get('unit_name', '')} · 指纹 {p.get('fingerprint', '')}"
    if kind == "unit_key_shared":
        return f"共享给 {p.get('admin', '')}"
    if kind == "lexicon_key_trusted":
        return f"{p.get('name', '')} · 指纹 {p.get('fingerprint', '')}"
    if kind == "lexicon_local_changed":
        from app.packs.local import ACTION_LABELS

        action = ACTION_LABELS.get(str(p.get("action", "")), str(p.get("action", "")))
        allow = "（白名单）" if p.get("allow") else ""
        return f"{action}“{p.get('term', '')}”{allow}，本单位词库第 {p.get('revision', '')} 版"
    if kind.startswith("lexicon_pack_"):
        reason = f"：{str(p.get('reason', '')).splitlines()[0]}" if p.get("reason") else ""
        pack = f"{p.get('pack_id', '')} {p.get('version', '')}".strip() or str(p.get("sha256", ""))[:12]
        return f"{pack}（{p.get('issuer', '')}）{reason}" if p.get("issuer") else f"{pack}{reason}"
    if kind in ("login_failed", "login_succeeded"):
        count = f"，连续第 {p.get('failures')} 次" if kind == "login_failed" else ""
        return f"{p.get('name', '')}：{p.get('attempt', '')}{count}"
    return ", ".join(f"{k}={v}" for k, v in list(p.items())[:3] if not isinstance(v, dict | list))[:120]


def audit_table(events: list[Any], units: dict[str, str]) -> list[Row]:
    out = []
    for ev in events:
        try:
            p = ev.payload
        except ValueError:
            p = {}
        rid = p.get("review_id") if isinstance(p.get("review_id"), str) else ""
        out.append(Row((ev.seq, local_time(ev.time), ev.actor, KIND_LABELS.get(ev.kind, ev.kind), rid,
                        _summary(ev.kind, p), ev.hash[:16] + "…"), ev.time, units.get(rid, ""), rid))
    return out


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.headers[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.cells[index.column()]
        if role == ROW_ROLE:
            return row
        return None


def local_day(iso: str) -> QDate:
    """The day of a ledger time on this workstation's calendar (the time is stored with its UTC
    offset; 2026-12-01T20:05+00:00 is 12月2日 in Beijing), as the table shows it."""
    moment = local_datetime(iso)
    if moment is None:
        return QDate()
    return QDate(moment.year, moment.month, moment.day)


class RowFilter(QSortFilterProxyModel):
    """Text in any cell, a date range (inclusive) and a unit."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.since: QDate | None = None
        self.until: QDate | None = None
        self.unit = ""

    def set_filter(self, text: str = "", since: QDate | None = None, until: QDate | None = None,
                   unit: str = "") -> None:
        self.beginFilterChange()
        self.text, self.since, self.until, self.unit = text.strip().casefold(), since, until, unit
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row: Row = model.rows[source_row]  # type: ignore[attr-defined]
        day = local_day(row.time)
        if self.since is not None and day.isValid() and day < self.since:
            return False
        if self.until is not None and day.isValid() and day > self.until:
            return False
        if self.unit and row.unit != self.unit:
            return False
        if self.text:
            return any(self.text in str(c).casefold() for c in row.cells)
        return True
