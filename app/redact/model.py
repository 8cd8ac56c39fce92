"""Plain values of a redaction: what to withhold, where, and what was done."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import MishenError


class RedactError(MishenError):
    """A copy could not be made (unreadable input, a withheld string that cannot be located)."""

    code = "redact_failed"


class GateError(RedactError):
    """A finished copy failed a leak check: it is not written."""

    code = "gate_failed"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in PDF page space (points, origin bottom left, unrotated user space)."""

    left: float
    bottom: float
    right: float
    top: float

    def padded(self, pad: float) -> Box:
        return Box(self.left - pad, self.bottom - pad, self.right + pad, self.top + pad)

    def shrunk(self, fraction: float) -> Box:
        dx = (self.right - self.left) * fraction
        dy = (self.top - self.bottom) * fraction
        return Box(self.left + dx, self.bottom + dy, self.right - dx, self.top - dy)

    def intersects(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.bottom < other.top and other.bottom < self.top)

    @property
    def empty(self) -> bool:
        return self.right <= self.left or self.top <= self.bottom

    def union(self, other: Box) -> Box:
        return Box(min(self.left, other.left), min(self.bottom, other.bottom),
                   max(self.right, other.right), max(self.top, other.top))

    def to_json(self) -> list[float]:
        return [round(v, 2) for v in (self.left, self.bottom, self.right, self.top)]


@dataclass(frozen=True, slots=True)
class Withheld:
    """One thing to withhold: a string (every occurrence is removed) and why."""

    text: str
    finding_id: str = ""
    category: str = ""
    severity: str = ""
    rule: str = ""
    reason: str = ""          # Chinese: the finding's message or basis

    def to_json(self) -> dict[str, str]:
        return {"finding_id": self.finding_id, "category": self.category, "severity": self.severity,
                "rule": self.rule, "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Region:
    """An explicit area of a PDF page to withhold (an OCR line box on an image-only page)."""

    page: int                 # 1-based
    box: Box
    label: str = ""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the rewriter did, for the item-by-item report (Chinese `message`)."""

    code: str                 # e.g. "text_removed", "image_painted", "page_rasterised", "info_removed"
    message: str
    page: int | None = None
    count: int = 1

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "page": self.page, "count": self.count}


@dataclass(frozen=True)
class RedactionResult:
    source: str
    output: str
    format: str
    source_sha256: str
    output_sha256: str
    withheld: tuple[Withheld, ...]
    actions: tuple[Action, ...]
    boxes: dict[int, tuple[Box, ...]] = field(default_factory=dict)   # PDF: page -> redaction boxes
    rasterised: tuple[int, ...] = ()          # PDF pages turned into images (fonts not handled)
    recorded_seq: int | None = None           # ledger entry, when recorded against a review
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "output": self.output, "format": self.format,
                "source_sha256": self.source_sha256, "output_sha256": self.output_sha256,
                "withheld": [w.to_json() for w in self.withheld],
                "actions": [a.to_json() for a in self.actions],
                "boxes": {str(p): [b.to_json() for b in bs] for p, bs in self.boxes.items()},
                "rasterised": list(self.rasterised), "recorded_seq": self.recorded_seq,
                "seconds": round(self.seconds, 3)}
