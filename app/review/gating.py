"""Sign-off rules as pure functions over plain values: the CLI and the UI both call them.

Every check returns a `Verdict`: allowed, or a stable code and a Chinese reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.model import Severity
from app.review.model import Decision, DispositionKind, FindingDecision, FindingRef, InfoClass, Review, Status
from app.review.routes import Route
from app.users.model import Role


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    code: str = ""
    reason: str = ""


ALLOWED = Verdict(True)


def _no(code: str, reason: str) -> Verdict:
    return Verdict(False, code, reason)


@dataclass(frozen=True, slots=True)
class ReviewState:
    status: Status
    next_level: int | None           # the level to sign next (IN_REVIEW only)
    required_levels: tuple[int, ...]
    signed_levels: tuple[int, ...]
    open_blocks: tuple[FindingRef, ...]
    message: str                     # Chinese summary


# --- the information class suggested from the findings --------------------------------------

CRITICAL_MARKERS = ("群体性事件", "群体事件", "突发事件", "突发性", "重特大", "重大事故", "重大突发", "暴恐",
                    "恐怖袭击", "特大事故")
IMPORTANT_CATEGORIES = frozenset({"secret_mark", "unpublished_statistic", "pending_case", "approval_required",
                                  "harmful_content"})


def suggest_class(findings: Iterable[FindingRef]) -> InfoClass:
    """特级 when a finding concerns a mass incident or a major emergency; 重要 for classified marks,
    unpublished statistics, pending cases, matters needing approval, or any high/block finding."""
    best = InfoClass.GENERAL
    for f in findings:
        blob = f"{f.text} {f.message} {f.rule}"
        if any(m in blob for m in CRITICAL_MARKERS):
            return InfoClass.CRITICAL
        if f.category in IMPORTANT_CATEGORIES or f.severity.rank >= Severity.HIGH.rank:
            best = InfoClass.IMPORTANT
    return best


# --- state ------------------------------------------------------------------------------------

def open_blocks(review: Review) -> tuple[FindingRef, ...]:
    waived = {w.finding_id for w in review.current_waivers}
    return tuple(f for f in review.current.findings if f.severity is Severity.BLOCK and f.id not in waived)


def has_high(review: Review) -> bool:
    """A high finding remains, or a block finding was waived (it needed a level-3 hand too)."""
    waived = {w.finding_id for w in review.current_waivers}
    return any(f.severity is Severity.HIGH or (f.severity is Severity.BLOCK and f.id in waived)
               for f in review.current.findings)


def _condition(cond: str, level: int, review: Review, escalated_from: set[int]) -> bool:
    cls = review.current.info_class
    if cond == "always":
        return True
    if cond == "class:important":
        return cls.rank >= InfoClass.IMPORTANT.rank
    if cond == "class:critical":
        return cls is InfoClass.CRITICAL
    if cond == "finding:high":
        return has_high(review)
    if cond == "escalated":
        return (level - 1) in escalated_from
    return False


def required_levels(review: Review) -> tuple[int, ...]:
    escalated = {s.level for s in review.current_signoffs if s.decision is Decision.ESCALATE}
    required = [lv.number for lv in review.route.levels
                if any(_condition(c, lv.number, review, escalated) for c in lv.required_when)]
    if has_high(review) and not any(n >= 3 for n in required):
        first = next((lv.number for lv in review.route.levels if lv.number >= 3), None)
        if first is not None:
            required.append(first)
    return tuple(sorted(set(required)))


def review_state(review: Review) -> ReviewState:
    signoffs = review.current_signoffs
    signed = tuple(s.level for s in signoffs)
    required = required_levels(review)
    blocks = open_blocks(review)
    if any(s.decision is Decision.REJECT for s in review.signoffs):
        return ReviewState(Status.REJECTED, None, required, signed, blocks, "已决定不予发布")
    last = signoffs[-1] if signoffs else None
    from app.review.dispositions import pending_condition

    waiting = pending_condition(review)
    if waiting is not None:
        n = len(waiting.changes)
        what = f"须修改 {n} 处" if n else "批示要求修改"
        return ReviewState(Status.AWAITING_VERIFICATION, None, required, signed, blocks,
                           f"第 {waiting.level} 级同意（{what}），待提交修改稿核验")
    if last is not None and last.decision in (Decision.RETURN, Decision.REVISE):
        what = "退回修改" if last.decision is Decision.RETURN else "同意修改后发布"
        return ReviewState(Status.AWAITING_REVISION, None, required, signed, blocks,
                           f"第 {last.level} 级{what}，待提交修改后的新版本")
    top = last.level if last else 0
    pending = [n for n in required if n > top]
    if pending:
        nxt = pending[0]
        level = review.route.level(nxt)
        name = level.name if level else f"第 {nxt} 级"
        msg = f"待{name}签署"
        if blocks:
            msg += f"；尚有 {len(blocks)} 处禁止发布的内容未处理"
        return ReviewState(Status.IN_REVIEW, nxt, required, signed, blocks, msg)
    verified = review.check_into(review.current.number)
    note = "（修改稿已核验）" if verified is not None and verified.passed else ""
    return ReviewState(Status.APPROVED, None, required, signed, blocks, f"审核通过，可以发布{note}")


# --- checks -----------------------------------------------------------------------------------

def _closed(state: ReviewState) -> Verdict | None:
    if state.status is Status.REJECTED:
        return _no("review_rejected", "该审核单已决定不予发布，不能再签署或豁免。")
    if state.status is Status.APPROVED:
        return _no("review_complete", "该审核单已完成全部审核。如文稿需修改，请新开审核单。")
    return None


def sign_blockers(review: Review, level: int, decision: Decision,
                  outside: Iterable[Verdict] = ()) -> tuple[Verdict, ...]:
    """Everything besides the review itself that stops `level` from signing `decision` now, as
    refusals. `outside` carries checks computed from other ledger records by the caller
    (`app.review.service.outside_blockers`, e.g. consultations still open); a refusal there
    stops an approval or an escalation, never a return or a rejection."""
    if decision not in (Decision.APPROVE, Decision.ESCALATE):
        return ()
    return tuple(v for v in outside if not v.allowed)


def check_dispositions(review: Review, level: int, decision: Decision,
                       dispositions: Mapping[str, FindingDecision]) -> Verdict:
    """At a deciding level an approval needs a disposition for every `high` item."""
    from app.review.dispositions import deciding, undecided

    current = {f.id for f in review.current.findings}
    stray = [fid for fid in dispositions if fid not in current]
    if stray:
        return _no("no_such_finding", f"当前版本（第 {review.current.number} 版）中没有编号为 {stray[0]} 的问题。")
    if decision is not Decision.APPROVE or not deciding(review, level):
        return ALLOWED
    missing = undecided(review, dispositions)
    if missing:
        items = "；".join(f"{f.id}“{f.text[:30]}”" for f in missing[:5]) + ("……" if len(missing) > 5 else "")
        return _no("undecided", f"第 {level} 级同意前须对每一处高风险问题作出处理（同意公开并说明理由，或须修改并写明"
                                f"修改内容）：尚有 {len(missing)} 处未处理：{items}")
    return ALLOWED


def check_sign(review: Review, level: int, role: Role, decision: Decision, opinion: str,
               disk_sha256: str | None = None, dispositions: Mapping[str, FindingDecision] | None = None,
               outside: Iterable[Verdict] = ()) -> Verdict:
    """May a user holding `role` sign `level` with `decision`? `disk_sha256` is the hash of the file
    at the version's source path now (None when that file is no longer there); `dispositions`
    the items this signature decides; `outside` see `sign_blockers`."""
    decided = dispositions or {}
    state = review_state(review)
    closed = _closed(state)
    if closed:
        return closed
    if state.status is Status.AWAITING_VERIFICATION:
        return _no("awaiting_verification", f"{state.message}（mishen review resubmit 提交修改后的文稿）。")
    if state.status is Status.AWAITING_REVISION:
        return _no("awaiting_revision", f"{state.message}；原有签署不适用于修改后的文稿。")
    route: Route = review.route
    lv = route.level(level)
    if lv is None:
        return _no("no_such_level", f"审核流程“{route.title}”没有第 {level} 级。")
    assert state.next_level is not None
    if level in state.signed_levels:
        return _no("already_signed", f"第 {level} 级（{lv.name}）已签署。")
    if level != state.next_level:
        nxt = route.level(state.next_level)
        if level > state.next_level:
            return _no("out_of_order", f"须按顺序签署：应先由第 {state.next_level} 级（{nxt.name if nxt else ''}）签署。")
        return _no("not_required", f"本审核单无需第 {level} 级签署，当前待第 {state.next_level} 级签署。")
    if role not in lv.roles:
        return _no("wrong_role", f"该级审核需由{lv.roles_label}签署")
    if disk_sha256 is not None and disk_sha256 != review.current.sha256:
        return _no("document_changed", "文稿已在磁盘上被修改（哈希值与审核单不符），原有签署不再有效；"
                                       "请以修改后的文稿提交新版本（mishen review resubmit）。")
    if lv.opinion_required and not opinion.strip():
        return _no("opinion_required", f"第 {level} 级（{lv.name}）须填写批示意见。")
    if decision is Decision.ESCALATE and level >= route.top:
        return _no("cannot_escalate", "已是最高审核级别，不能再报上级审核。")
    verdict = check_dispositions(review, level, decision, decided)
    if not verdict.allowed:
        return verdict
    for refusal in sign_blockers(review, level, decision, outside):
        return refusal
    if decision is Decision.APPROVE:
        to_change = {fid for fid, d in decided.items() if d.kind is DispositionKind.CHANGE}
        blocks_left = [f for f in state.open_blocks if f.id not in to_change or not lv.decides]
        if blocks_left:
            return _no("blocked", f"尚有 {len(blocks_left)} 处禁止发布的内容未处理"
                                  "（须由第三级及以上审核人豁免并说明理由，或修改文稿）。")
        if has_high(review) and level < 3 and not any(n >= 3 for n in route_levels(route)):
            return _no("needs_level3", "存在高风险问题，须经第三级（主要负责人）签署，但本流程没有第三级。")
    return ALLOWED


def route_levels(route: Route) -> tuple[int, ...]:
    return tuple(lv.number for lv in route.levels)


def waiver_roles(route: Route) -> frozenset[Role]:
    return frozenset(r for lv in route.levels if lv.number >= 3 for r in lv.roles)


def check_waive(review: Review, finding_id: str, role: Role, reason: str) -> Verdict:
    state = review_state(review)
    closed = _closed(state)
    if closed:
        return closed
    finding = next((f for f in review.current.findings if f.id == finding_id), None)
    if finding is None:
        return _no("no_such_finding", f"当前版本（第 {review.current.number} 版）中没有编号为 {finding_id} 的问题。")
    if finding.severity is not Severity.BLOCK:
        return _no("not_block", "只有“禁止发布”级别的问题需要豁免；高风险问题须经第三级（主要负责人）签署。")
    if any(w.finding_id == finding_id for w in review.current_waivers):
        return _no("already_waived", f"问题 {finding_id} 已被豁免。")
    if not reason.strip():
        return _no("reason_required", "豁免须填写理由。")
    roles = waiver_roles(review.route)
    if role not in roles:
        names = "或".join(sorted({r.label for r in roles})) or "第三级及以上审核人"
        return _no("waiver_role", f"豁免须由第三级及以上审核人（{names}）作出。")
    return ALLOWED


def check_disclosure_reason(disclosure_value: str, reason: str) -> Verdict:
    if disclosure_value in ("on_request", "withheld") and not reason.strip():
        return _no("reason_required", "依申请公开或不予公开须填写理由（--reason）。")
    return ALLOWED
