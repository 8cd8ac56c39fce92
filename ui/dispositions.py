"""What the reviewer decided about each finding: still open, a false alarm, or waived.

The panel keeps the state for display; `recorder` (set by the window when the review core is
available) writes each decision to the ledger and may refuse it by raising a MishenError.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from PySide6.QtCore import QCoreApplication, QObject, Signal

from app.model import Finding


class Status(str, Enum):
    OPEN = "open"
    FALSE_ALARM = "false_alarm"
    WAIVED = "waived"


_STATUS_NAMES = {Status.OPEN: "待处理", Status.FALSE_ALARM: "误报", Status.WAIVED: "已豁免"}


def status_name(status: Status) -> str:
    return QCoreApplication.translate("dispositions", _STATUS_NAMES[status])


@dataclass(frozen=True)
class Disposition:
    status: Status
    reason: str = ""
    who: str = ""
    when: str = ""


Recorder = Callable[[Finding, Status, str], None]


class Dispositions(QObject):
    """Per-document decisions, keyed by finding id."""

    changed = Signal(str)        # finding id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: dict[str, Disposition] = {}
        self.recorder: Recorder | None = None
        self.user = ""

    def get(self, finding_id: str) -> Disposition:
        return self._items.get(finding_id, Disposition(Status.OPEN))

    def status(self, finding_id: str) -> Status:
        return self.get(finding_id).status

    def is_open(self, finding_id: str) -> bool:
        return self.status(finding_id) is Status.OPEN

    def set(self, finding: Finding, status: Status, reason: str = "") -> None:
        """Record a decision (through the recorder first: it may raise MishenError)."""
        if status is not Status.OPEN and not reason.strip():
            raise ValueError("reason required")
        if self.recorder is not None:
            self.recorder(finding, status, reason.strip())
        self._items[finding.id] = Disposition(status, reason.strip(), self.user,
                                              datetime.now().strftime("%Y-%m-%d %H:%M"))
        self.changed.emit(finding.id)

    def load(self, items: dict[str, Disposition]) -> None:
        """Replace the state with decisions read back from the ledger (no recording)."""
        self._items = dict(items)
        for fid in items:
            self.changed.emit(fid)

    def open_findings(self, findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
        return [f for f in findings if self.is_open(f.id)]
