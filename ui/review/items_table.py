"""The open items of a review as a table (severity, rule, text, location, disposition), shared by
the sign dialog and the leader view. At a deciding level each `high` item gets a choice —
同意公开 (with the reason) or 须修改 (what to change) — whose values the caller signs with."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
)

from app.model import Category, Severity
from app.rule_names import rule_name
from ui.shell.labels import severity_bg, severity_name

COLUMNS = ("级别", "规则", "内容", "位置", "处理", "理由 / 须修改的内容")
SEV, RULE, TEXT, WHERE, CHOICE, REASON = range(6)


def rule_label(ref: Any) -> str:
    try:
        return rule_name(ref.rule, Category(ref.category))
    except ValueError:
        return ref.rule


def existing_note(review: Any, ref: Any, dismissed: dict[str, Any]) -> str:
    """What has been decided about an item so far (waiver, false alarm, a level's disposition)."""
    from app.review.dispositions import disposition_of

    notes = []
    w = next((w for w in review.current_waivers if w.finding_id == ref.id), None)
    if w is not None:
        notes.append(f"已豁免：{w.signer}，{w.reason}")
    fa = dismissed.get(ref.id)
    if fa is not None:
        notes.append(f"标为误报：{fa.who}，{fa.reason}")
    found = disposition_of(review, ref.id)
    if found is not None:
        d, s = found
        notes.append(f"第 {s.level} 级{d.kind.label}：{d.text}")
    return "；".join(notes)


def undecided_text(review: Any, decided: Any) -> str:
    """The window's wording of the `undecided` refusal: how many, and where to decide them."""
    from app.review.dispositions import undecided

    n = len(undecided(review, decided))
    return QCoreApplication.translate("items_table", "同意前须对每一处高风险问题选择“同意公开”（写明理由）或“须修改”"
                                      "（写明修改内容）：尚有 {0} 处未处理。").format(n)


class ItemsTable(QTableWidget):
    """Rows: every item of the current version, loudest first."""

    changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("itemsTable")
        self.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.refs: list[Any] = []
        self.choices: dict[str, QComboBox] = {}
        self.reasons: dict[str, QLineEdit] = {}
        self.deciding = False

    def set_review(self, review: Any, dismissed: dict[str, Any] | None = None, *, deciding: bool = False,
                   proposals: dict[str, tuple[str, str]] | None = None) -> None:
        """`proposals`: finding id → (kind, text) to pre-fill (marks kept before the review, or
        what was typed before); typed values already in the table are kept."""
        from app.review.model import DispositionKind

        kept = {fid: (self.choices[fid].currentData(), self.reasons[fid].text())
                for fid in self.choices if fid in self.reasons}
        self.clearContents()
        self.choices.clear()
        self.reasons.clear()
        self.deciding = deciding
        refs = sorted(review.current.findings, key=lambda f: -f.severity.rank)
        self.refs = refs
        self.setRowCount(len(refs))
        seen = dismissed or {}
        for row, f in enumerate(refs):
            cells = (severity_name(f.severity), rule_label(f), f.text, f.where or "—")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n{f.message}" if col == TEXT else text)
                if col == SEV:
                    item.setBackground(QBrush(severity_bg(f.severity)))
                self.setItem(row, col, item)
            note = existing_note(review, f, seen)
            waived = any(w.finding_id == f.id for w in review.current_waivers)   # decided by its waiver
            if deciding and f.severity.rank >= Severity.HIGH.rank and not waived:
                box = QComboBox(self)
                box.addItem(self.tr("未处理"), "")
                box.addItem(DispositionKind.AGREE.label, DispositionKind.AGREE.value)
                box.addItem(DispositionKind.CHANGE.label, DispositionKind.CHANGE.value)
                edit = QLineEdit(self)
                edit.setPlaceholderText(self.tr("同意公开的理由，或须修改的内容"))
                kind, text = kept.get(f.id) or (proposals or {}).get(f.id) or ("", "")
                box.setCurrentIndex(max(0, box.findData(kind)))
                edit.setText(text)
                if note:
                    edit.setToolTip(note)
                box.currentIndexChanged.connect(lambda _i: self.changed.emit())
                edit.textChanged.connect(lambda _t: self.changed.emit())
                self.setCellWidget(row, CHOICE, box)
                self.setCellWidget(row, REASON, edit)
                self.choices[f.id] = box
                self.reasons[f.id] = edit
            else:
                self.setItem(row, CHOICE, QTableWidgetItem(note.split("：", 1)[0] if note else self.tr("—")))
                self.setItem(row, REASON, QTableWidgetItem(note))
        self.resizeColumnsToContents()
        # narrow enough that the choice and the reason are on screen in the leader view's half
        for col, width in ((RULE, 110), (TEXT, 150), (WHERE, 100), (CHOICE, 90), (REASON, 220)):
            self.setColumnWidth(col, min(max(self.columnWidth(col), 60), width))
        self.resizeRowsToContents()

    def decisions(self) -> list[tuple[str, Any, str]]:
        """(finding id, DispositionKind, text) for every item given a choice."""
        from app.review.model import DispositionKind

        out = []
        for fid, box in self.choices.items():
            if box.currentData():
                out.append((fid, DispositionKind(box.currentData()), self.reasons[fid].text().strip()))
        return out

    def missing_text(self) -> str:
        """Why the decisions are not complete yet (empty when they are)."""
        for fid, box in self.choices.items():
            if box.currentData() and not self.reasons[fid].text().strip():
                ref = next(f for f in self.refs if f.id == fid)
                what = "理由" if box.currentData() == "agree" else "须修改的内容"
                return self.tr("请写明“{0}”的{1}").format(ref.text[:20], what)
        return ""

    def set_choice(self, finding_id: str, kind: Any, text: str) -> None:
        box = self.choices[finding_id]
        box.setCurrentIndex(box.findData(kind.value))
        self.reasons[finding_id].setText(text)

    def row_of(self, finding_id: str) -> int:
        return next((i for i, f in enumerate(self.refs) if f.id == finding_id), -1)

    def item_texts(self) -> list[str]:
        return [self.item(r, TEXT).text() for r in range(self.rowCount()) if self.item(r, TEXT) is not None]

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)
