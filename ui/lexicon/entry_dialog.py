"""Adding or editing one lexicon entry (term or allow entry) of the bureau's draft or the unit's layer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.model import Category, Severity
from app.packs.editor import BUREAU, LOCAL, EditorEntry
from app.packs.format import PackEntry
from ui.lexicon.models import LAYER_LABELS, category_label, severity_label

OPTIONS = (("word", "须在词界上（分词）"), ("context_lower", "整治、举报语境降级"), ("not_in_title", "书名号内不报"))


class EntryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, row: EditorEntry | None = None, *, allow: bool = False,
                 layer: str = BUREAU, layer_fixed: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("lexiconEntryDialog")
        entry = row.entry if row else None
        self.setWindowTitle(self.tr("编辑词条") if row else (self.tr("新增白名单") if allow else self.tr("新增词条")))
        self.original = row
        self.layer = QComboBox(self)
        for key in (BUREAU, LOCAL):
            self.layer.addItem(self.tr(LAYER_LABELS[key]), key)
        self.layer.setCurrentIndex(self.layer.findData(row.layer if row else layer))
        self.layer.setEnabled(not layer_fixed and row is None)
        self.term = QLineEdit(entry.term if entry else "", self)
        self.term.setObjectName("entryTerm")
        self.category = QComboBox(self)
        for c in Category:
            self.category.addItem(category_label(c.value), c.value)
        self.category.setCurrentIndex(self.category.findData(entry.category if entry else Category.SENSITIVE_TERM.value))
        self.severity = QComboBox(self)
        for s in reversed(list(Severity)):
            self.severity.addItem(severity_label(s.value), s.value)
        default_sev = (Severity.LOW if allow else Severity.HIGH).value
        self.severity.setCurrentIndex(self.severity.findData(entry.severity if entry else default_sev))
        self.allow = QCheckBox(self.tr("白名单（例外）：放行同类别、被其覆盖的命中"), self)
        self.allow.setChecked(entry.allow if entry else allow)
        self.basis = QLineEdit(entry.basis if entry else "", self)
        self.suggestion = QLineEdit(entry.suggestion if entry else "", self)
        self.note = QLineEdit(entry.note if entry else "", self)
        self.scope = QLineEdit(entry.scope if entry else "", self)
        self.reason = QLineEdit(entry.reason if entry else "", self)
        self.options: dict[str, QCheckBox] = {}
        form = QFormLayout(self)
        form.addRow(self.tr("层"), self.layer)
        form.addRow(self.tr("词条"), self.term)
        form.addRow(self.tr("类别"), self.category)
        form.addRow(self.tr("级别"), self.severity)
        form.addRow("", self.allow)
        form.addRow(self.tr("依据"), self.basis)
        form.addRow(self.tr("建议"), self.suggestion)
        form.addRow(self.tr("说明"), self.note)
        form.addRow(self.tr("范围（白名单）"), self.scope)
        form.addRow(self.tr("理由（白名单）"), self.reason)
        for key, label in OPTIONS:
            box = QCheckBox(self.tr(label), self)
            box.setChecked(bool(entry and key in entry.options))
            self.options[key] = box
            form.addRow(self.tr("选项") if key == OPTIONS[0][0] else "", box)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color:#b00020")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def result_row(self) -> EditorEntry:
        old = self.original.entry if self.original else None
        entry = PackEntry(old.id if old else "", self.term.text().strip(), str(self.category.currentData()),
                          str(self.severity.currentData()), self.basis.text().strip(),
                          self.suggestion.text().strip(), self.note.text().strip(), self.allow.isChecked(),
                          tuple(sorted(k for k, box in self.options.items() if box.isChecked())),
                          self.scope.text().strip(), self.reason.text().strip())
        return EditorEntry(str(self.layer.currentData()), entry)

    def _accept(self) -> None:
        if not self.term.text().strip():
            self.problem.setText(self.tr("词条不能为空。"))
            return
        self.accept()
