"""What the reviewer decided about each finding: still open, a false alarm, or waived.

The panel keeps the state for display. Once the document has a review (审核单), the review
controller records each decision in the ledger first and applies it here when that succeeded;
decisions made before the review exists stay `recorded=False` and are written when it is opened.
"""

from __future__ import annotations

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
    recorded: bool = False          # written to the ledger


_OPEN = Disposition(Status.OPEN)


class Dispositions(QObject):
    """Per-document decisions, keyed by finding id."""

    changed = Signal(str)        # finding id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: dict[str, Disposition] = {}
        self.user = ""

    def get(self, finding_id: str) -> Disposition:
        return self._items.get(finding_id, _OPEN)

    def status(self, finding_id: str) -> Status:
        # asked for every row the findings tree paints: no object built for an open finding
        d = self._items.get(finding_id)
        return Status.OPEN if d is None else d.status

    def is_open(self, finding_id: str) -> bool:
        return self.status(finding_id) is Status.OPEN

    def set(self, finding: Finding, status: Status, reason: str = "", *, who: str | None = None,
            when: str | None = None, recorded: bool = False) -> None:
        """Apply a decision (a reason is required for anything but OPEN)."""
        if status is not Status.OPEN and not reason.strip():
            raise ValueError("reason required")
        self._items[finding.id] = Disposition(status, reason.strip(), self.user if who is None else who,
                                              when or datetime.now().strftime("%Y-%m-%d %H:%M"), recorded)
        self.changed.emit(finding.id)

    def unrecorded(self) -> dict[str, Disposition]:
        return {k: v for k, v in self._items.items() if not v.recorded and v.status is not Status.OPEN}

    def load(self, items: dict[str, Disposition]) -> None:
        """Merge decisions read back from the ledger (they win over local ones)."""
        self._items.update(items)
        for fid in items:
            self.changed.emit(fid)

    def open_findings(self, findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
        return [f for f in findings if self.is_open(f.id)]
