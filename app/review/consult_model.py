"""Consultations (征求意见) as plain frozen values, rebuilt from ledger entries (pure).

A review asks another registered unit for its opinion on information that concerns it (政府信息公开
保密审查制度 第九条–第十三条); the other unit answers within 5 working days, and no answer by the due
date counts as consent (视为同意, 第十三条). Disagreement goes to the government at the same level
(第十四条): in MiShen only the route's top level may then approve."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from app.exports.timefmt import local_datetime
from app.ledger.model import LedgerEvent
from app.review.model import parse_choice

SENT = "consultation_sent"
REPLIED = "consultation_replied"          # the reply imported at the asking unit
DEEMED = "consultation_deemed_agreed"     # 视为同意, recorded by the workstation after the due date
ANSWERED = "consultation_answered"        # at the consulted unit: it wrote a reply
CONSULT_KINDS = (SENT, REPLIED, DEEMED)
WORKING_DAYS = 5


class ConsultDecision(str, Enum):
    AGREE = "agree"
    REVISE = "revise"
    DISAGREE = "disagree"

    @property
    def label(self) -> str:
        return CONSULT_DECISION_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> ConsultDecision:
        return parse_choice(cls, value, CONSULT_DECISION_LABELS, "答复意见")


CONSULT_DECISION_LABELS = {ConsultDecision.AGREE: "同意公开", ConsultDecision.REVISE: "修改后同意公开",
                           ConsultDecision.DISAGREE: "不同意公开"}


class ConsultStatus(str, Enum):
    OPEN = "open"
    REPLIED = "replied"
    DEEMED = "deemed"

    @property
    def label(self) -> str:
        return {ConsultStatus.OPEN: "待答复", ConsultStatus.REPLIED: "已答复",
                ConsultStatus.DEEMED: "逾期未答复，视为同意"}[self]


@dataclass(frozen=True, slots=True)
class Consultation:
    id: str
    review_id: str
    to_unit: str
    to_key: str
    to_ledger: str
    sent_by: str
    sent_time: str
    sent_date: date
    due_date: date
    working_days: int
    version: int
    document_sha256: str
    package_sha256: str
    calendar_warning: str
    seq: int
    status: ConsultStatus = ConsultStatus.OPEN
    decision: ConsultDecision | None = None
    opinion: str = ""
    replied_by: str = ""
    reply_date: date | None = None
    reply_time: str = ""
    deemed_date: date | None = None     # the first day after the due date (consent from then on)
    request: str = ""                   # this unit's opinion and basis sent with the letter (第十一条(二))

    @property
    def on_time(self) -> bool | None:
        """Replied by the due date (True), late or never (False), still open (None)."""
        if self.status is ConsultStatus.OPEN:
            return None
        return self.status is ConsultStatus.REPLIED and self.reply_date is not None and self.reply_date <= self.due_date

    @property
    def objects(self) -> bool:
        return self.status is ConsultStatus.REPLIED and self.decision is ConsultDecision.DISAGREE

    @property
    def state_text(self) -> str:
        if self.status is ConsultStatus.REPLIED and self.decision is not None:
            late = "" if self.on_time else "（逾期答复）"
            return f"已答复：{self.decision.label}{late}"
        if self.status is ConsultStatus.DEEMED:
            return f"期满（{self.due_date:%Y-%m-%d}）未答复，视为同意"
        return f"待答复，答复期限 {self.due_date:%Y-%m-%d}"


def local_date(iso: str) -> date:
    moment = local_datetime(iso)
    if moment is None:
        raise ValueError(f"not a time: {iso!r}")
    return moment.date()


def project_consultations(events: Iterable[LedgerEvent]) -> tuple[Consultation, ...]:
    """Every consultation in `events` with its state; a reply wins over a recorded 视为同意 (it
    may arrive late, and is then reported as late)."""
    from dataclasses import replace

    found: dict[str, Consultation] = {}
    for ev in events:
        p = ev.payload
        cid = str(p.get("consultation_id", ""))
        if ev.kind == SENT and cid not in found:
            found[cid] = Consultation(
                cid, str(p["review_id"]), str(p["to_unit"]), str(p["to_key"]), str(p.get("to_ledger", "")),
                str(p.get("by", ev.actor)), ev.time, date.fromisoformat(str(p["sent_date"])),
                date.fromisoformat(str(p["due_date"])), int(p.get("working_days", WORKING_DAYS)),
                int(p.get("version", 0)), str(p.get("document_sha256", "")), str(p.get("package_sha256", "")),
                str(p.get("calendar_warning", "")), ev.seq, request=str(p.get("opinion", "")))
        elif ev.kind == REPLIED and cid in found and found[cid].status is not ConsultStatus.REPLIED:
            reply = p["reply"]
            found[cid] = replace(found[cid], status=ConsultStatus.REPLIED,
                                 decision=ConsultDecision(str(reply["decision"])), opinion=str(reply.get("opinion", "")),
                                 replied_by=str(reply.get("by", "")),
                                 reply_date=date.fromisoformat(str(reply["reply_date"])), reply_time=str(reply["time"]))
        elif ev.kind == DEEMED and cid in found and found[cid].status is ConsultStatus.OPEN:
            found[cid] = replace(found[cid], status=ConsultStatus.DEEMED,
                                 deemed_date=date.fromisoformat(str(p["deemed_date"])))
    return tuple(found.values())


def consultation_blocker(consultations: Iterable[Consultation]) -> tuple[str, str] | None:
    """(code, Chinese reason) when approval must wait: a consultation of the current version is
    still open (neither answered nor past its due date with 视为同意 recorded)."""
    waiting = [c for c in consultations if c.status is ConsultStatus.OPEN]
    if not waiting:
        return None
    names = "、".join(f"{c.to_unit}（答复期限 {c.due_date:%Y-%m-%d}）" for c in waiting)
    return ("consultation_pending", f"正在征求{names}的意见：须待对方答复，或期满未答复（视为同意）后才能同意或报上级审核。")


def objection_note(consultations: Iterable[Consultation]) -> str:
    """A consulted unit disagreed: by 第十四条 the matter goes to the government at the same level;
    MiShen shows this to every level (it does not decide it)."""
    objecting = [c for c in consultations if c.objects]
    if not objecting:
        return ""
    names = "、".join(f"{c.to_unit}（{c.opinion}）" for c in objecting)
    return f"{names}答复不同意公开：依第十四条，应报请同级政府或政府信息公开主管部门决定。"
