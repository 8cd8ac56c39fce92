"""Reviews (审核单) as plain frozen values: what the CLI and the UI show and the exports print."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from app.errors import UsageError
from app.model import Severity
from app.review.routes import Route

E = TypeVar("E", bound=Enum)


def parse_choice(cls: type[E], value: str, labels: dict[E, str], what: str) -> E:
    text = value.strip()
    for member in cls:
        if text.lower() == str(member.value) or text == labels[member]:
            return member
    choices = "、".join(f"{m.value}（{labels[m]}）" for m in cls)
    raise UsageError(f"未知的{what}“{value}”，可选：{choices}", code="bad_choice")


class Decision(str, Enum):
    APPROVE = "approve"      # 同意
    REVISE = "revise"        # 修改后发布: the edited file comes back as a new version
    RETURN = "return"        # 退回修改
    REJECT = "reject"        # 不予发布
    ESCALATE = "escalate"    # 报上级审核

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Decision:
        return parse_choice(cls, value, DECISION_LABELS, "审核决定")


DECISION_LABELS = {Decision.APPROVE: "同意", Decision.REVISE: "修改后发布", Decision.RETURN: "退回修改",
                   Decision.REJECT: "不予发布", Decision.ESCALATE: "报上级审核"}


class InfoClass(str, Enum):
    GENERAL = "general"
    IMPORTANT = "important"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]

    @property
    def rank(self) -> int:
        return list(InfoClass).index(self)

    @classmethod
    def parse(cls, value: str) -> InfoClass:
        return parse_choice(cls, value, CLASS_LABELS, "信息类别")


CLASS_LABELS = {InfoClass.GENERAL: "一般", InfoClass.IMPORTANT: "重要", InfoClass.CRITICAL: "特级"}


class Disclosure(str, Enum):
    PROACTIVE = "proactive"
    ON_REQUEST = "on_request"
    WITHHELD = "withheld"

    @property
    def label(self) -> str:
        return DISCLOSURE_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Disclosure:
        return parse_choice(cls, value, DISCLOSURE_LABELS, "公开属性")


DISCLOSURE_LABELS = {Disclosure.PROACTIVE: "主动公开", Disclosure.ON_REQUEST: "依申请公开",
                     Disclosure.WITHHELD: "不予公开"}


class Status(str, Enum):
    IN_REVIEW = "in_review"
    AWAITING_REVISION = "awaiting_revision"   # returned or approved subject to edits
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {Status.IN_REVIEW: "审核中", Status.AWAITING_REVISION: "待提交修改稿", Status.APPROVED: "审核通过",
                 Status.REJECTED: "不予发布"}


@dataclass(frozen=True, slots=True)
class FindingRef:
    """A finding as pinned in the scan report of one version."""

    id: str
    severity: Severity
    category: str
    text: str
    message: str
    rule: str
    basis: str
    where: str

    @staticmethod
    def from_report(data: dict[str, Any]) -> FindingRef:
        from app.exports.labels import location_text  # Chinese, as the window and the forms print it

        loc = data.get("location") or {}
        where = location_text(loc) if loc else ""
        return FindingRef(str(data["id"]), Severity(str(data["severity"])), str(data.get("category", "")),
                          str(data.get("text", "")), str(data.get("message", "")), str(data.get("rule", "")),
                          str(data.get("basis", "")), where)


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    number: int
    sha256: str
    name: str
    size: int
    format: str
    source_path: str
    report_sha256: str
    engine_version: str
    lexicons: tuple[dict[str, Any], ...]
    findings: tuple[FindingRef, ...]
    suggested_class: InfoClass
    info_class: InfoClass
    time: str
    seq: int

    @property
    def class_overridden(self) -> bool:
        return self.suggested_class is not self.info_class


@dataclass(frozen=True, slots=True)
class SignOff:
    review_id: str
    version: int
    level: int
    decision: Decision
    opinion: str
    signer: str
    signer_role: str
    signer_unit: str
    signer_key: str
    document_sha256: str
    scan_report_sha256: str
    prev_hash: str
    time: str
    signature: str
    seq: int
    imported_from: str = ""     # ledger id of the workstation where it was signed, when imported


@dataclass(frozen=True, slots=True)
class Waiver:
    review_id: str
    version: int
    finding_id: str
    reason: str
    signer: str
    signer_role: str
    signer_key: str
    document_sha256: str
    time: str
    signature: str
    seq: int
    imported_from: str = ""


@dataclass(frozen=True)
class Review:
    id: str
    title: str
    unit: str
    route: Route
    disclosure: Disclosure
    disclosure_reason: str
    opened_time: str
    opened_seq: int
    versions: tuple[DocumentVersion, ...]
    signoffs: tuple[SignOff, ...]
    waivers: tuple[Waiver, ...]
    origin_ledger: str = ""     # set on a workstation that received this review in a package

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def current_signoffs(self) -> tuple[SignOff, ...]:
        v = self.current
        return tuple(s for s in self.signoffs if s.version == v.number and s.document_sha256 == v.sha256)

    @property
    def current_waivers(self) -> tuple[Waiver, ...]:
        v = self.current
        return tuple(w for w in self.waivers if w.version == v.number and w.document_sha256 == v.sha256)
