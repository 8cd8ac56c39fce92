"""Reviews (审核单) as plain frozen values: what the CLI and the UI show and the exports print."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    AWAITING_VERIFICATION = "awaiting_verification"   # approved on condition: the revised file is checked
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {Status.IN_REVIEW: "审核中", Status.AWAITING_REVISION: "待提交修改稿",
                 Status.AWAITING_VERIFICATION: "待核验修改稿", Status.APPROVED: "审核通过",
                 Status.REJECTED: "不予发布"}


class DispositionKind(str, Enum):
    """What a deciding level decided about one item."""

    AGREE = "agree"      # 同意公开 (with the reason)
    CHANGE = "change"    # 须修改 (what to change): the approval is conditional on the revised file

    @property
    def label(self) -> str:
        return DISPOSITION_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> DispositionKind:
        text = value.strip()
        for alias, kind in DISPOSITION_ALIASES.items():
            if text.lower() == alias:
                return kind
        return parse_choice(cls, value, DISPOSITION_LABELS, "处理意见")


DISPOSITION_LABELS = {DispositionKind.AGREE: "同意公开", DispositionKind.CHANGE: "须修改"}
DISPOSITION_ALIASES = {"同意": DispositionKind.AGREE, "公开": DispositionKind.AGREE,
                       "修改": DispositionKind.CHANGE, "须修改": DispositionKind.CHANGE}


@dataclass(frozen=True, slots=True)
class FindingDecision:
    """One item's disposition, signed inside the sign-off statement that made it."""

    finding_id: str
    kind: DispositionKind
    text: str                  # the reason (同意公开) or what to change (须修改)
    severity: str = ""
    finding_text: str = ""
    rule: str = ""

    def to_json(self) -> dict[str, str]:
        return {"finding_id": self.finding_id, "kind": self.kind.value, "text": self.text,
                "severity": self.severity, "finding_text": self.finding_text, "rule": self.rule}

    @staticmethod
    def from_json(data: dict[str, Any]) -> FindingDecision:
        return FindingDecision(str(data["finding_id"]), DispositionKind(str(data["kind"])), str(data.get("text", "")),
                               str(data.get("severity", "")), str(data.get("finding_text", "")),
                               str(data.get("rule", "")))

    @property
    def label(self) -> str:
        return f"{self.kind.label}：{self.text}" if self.text else self.kind.label


@dataclass(frozen=True, slots=True)
class RevisionCheck:
    """The check of a revised file after a conditional approval (`revision_checked`)."""

    from_version: int
    to_version: int
    to_sha256: str
    passed: bool
    level: int                  # the deciding level whose conditional approval was checked
    approval_signature: str     # statement signature of that approval
    missing: tuple[str, ...]    # texts of 须修改 items still present
    new_serious: tuple[str, ...]  # texts of new findings at high or above
    time: str
    seq: int
    actor: str


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
    dispositions: tuple[FindingDecision, ...] = ()

    @property
    def changes(self) -> tuple[FindingDecision, ...]:
        return tuple(d for d in self.dispositions if d.kind is DispositionKind.CHANGE)


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
    checks: tuple[RevisionCheck, ...] = ()

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]

    def version(self, number: int) -> DocumentVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    def check_into(self, number: int) -> RevisionCheck | None:
        """The check that produced version `number` from a conditionally approved one, if any."""
        return next((c for c in reversed(self.checks) if c.to_version == number), None)

    def signoffs_of(self, number: int) -> tuple[SignOff, ...]:
        """Sign-offs that count for version `number`: its own, plus those carried over from the
        conditionally approved version it revised — all of them when the check passed, the levels
        below the deciding one when it failed (the review goes back to the deciding level)."""
        v = self.version(number)
        if v is None:
            return ()
        own = tuple(s for s in self.signoffs if s.version == number and s.document_sha256 == v.sha256)
        check = self.check_into(number)
        if check is None:
            return own
        carried = self.signoffs_of(check.from_version)
        if not check.passed:
            carried = tuple(s for s in carried if s.level < check.level)
        signed = {s.level for s in own}
        return tuple(sorted((s for s in carried if s.level not in signed), key=lambda s: s.seq)) + own

    def waivers_of(self, number: int) -> tuple[Waiver, ...]:
        """Waivers of version `number`; after a passed check, waivers of the revised version carry
        over to the same item (same rule and text) in the new one."""
        v = self.version(number)
        if v is None:
            return ()
        own = tuple(w for w in self.waivers if w.version == number and w.document_sha256 == v.sha256)
        check = self.check_into(number)
        old = self.version(check.from_version) if check is not None and check.passed else None
        if check is None or old is None:
            return own
        from app.review.revision import same_item

        old_by_id = {f.id: f for f in old.findings}
        done = {w.finding_id for w in own}
        carried = []
        for w in self.waivers_of(check.from_version):
            was = old_by_id.get(w.finding_id)
            new_id = next((f.id for f in v.findings if was is not None
                           and same_item(was.rule, was.text, f.rule, f.text)), None)
            if new_id is not None and new_id not in done:
                carried.append(replace(w, finding_id=new_id))
                done.add(new_id)
        return tuple(carried) + own

    @property
    def current_signoffs(self) -> tuple[SignOff, ...]:
        return self.signoffs_of(self.current.number)

    @property
    def current_waivers(self) -> tuple[Waiver, ...]:
        return self.waivers_of(self.current.number)
