"""What the 规则词表 and 工作日历 tabs share: they edit one section of the editor's draft pack with
pure functions of app.packs (rules_edit, calendar_edit), send each new draft to the window and
show why an edit was refused."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.packs.errors import PackInputError
from app.packs.format import Pack


class DraftSectionPage(QWidget):
    draft_edited = Signal(object)     # the new draft (app.packs.format.Pack)
    message = Signal(str, bool)       # text, failed

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Page")
        self.draft: Pack | None = None
        self.problem = QLabel("", self)   # why the last edit was refused (red), else empty
        self.problem.setObjectName(f"{name}Problem")
        self.problem.setStyleSheet("color:#b00020")
        self.problem.setWordWrap(True)

    def _apply(self, change: Callable[[Pack], Pack], done: str) -> bool:
        """Send `change(draft)` to the window as the new draft, or show why it is refused."""
        if self.draft is None:
            return False
        try:
            draft = change(self.draft)
        except PackInputError as exc:
            self.problem.setText(exc.message)
            self.message.emit(exc.message, True)
            return False
        self.problem.setText("")
        self.draft_edited.emit(draft)     # the window calls set_draft back
        self.message.emit(done, False)
        return True
