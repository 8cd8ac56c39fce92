"""Gating rules as pure functions over plain values."""

from __future__ import annotations

from dataclasses import replace

from app.model import Severity
from app.review import (
    Decision,
    Disclosure,
    DocumentVersion,
    FindingRef,
    InfoClass,
    Review,
    SignOff,
    Status,
    Waiver,
    check_sign,
    check_waive,
    load_route,
    required_levels,
    review_state,
    suggest_class,
)
from app.users import Role

SHA = "a" * 64


def finding(fid: str, sev: Severity, text: str = "x", category: str = "secret_mark") -> FindingRef:
    return FindingRef(fid, sev, category, text, "", "rule", "basis", "body")


def review(findings: tuple[FindingRef, ...] = (), cls: InfoClass = InfoClass.GENERAL, route: str = "four_level",
           signed: tuple[tuple[int, Decision], ...] = (), waived: tuple[str, ...] = ()) -> Review:
    v = DocumentVersion(1, SHA, "a.txt", 1, "txt", "", "r" * 64, "0", (), findings, cls, cls, "t", 2)
    signoffs = tuple(SignOff("R", 1, lv, d, "意见", "u", "", "", "k", SHA, "r" * 64, "p", "t", "s", 10 + i)
                     for i, (lv, d) in enumerate(signed))
    waivers = tuple(Waiver("R", 1, f, "理由", "u", "principal", "k", SHA, "t", "s", 5) for f in waived)
    return Review("R", "标题", "单位", load_route(route), Disclosure.PROACTIVE, "", "t", 1, (v,), signoffs, waivers)


def test_general_information_needs_two_levels() -> None:
    r = review()
    assert required_levels(r) == (1, 2)
    assert review_state(r).next_level == 1
    r2 = review(signed=((1, Decision.APPROVE), (2, Decision.APPROVE)))
    assert review_state(r2).status is Status.APPROVED


def test_important_and_critical_and_high_require_higher_levels() -> None:
    assert required_levels(review(cls=InfoClass.IMPORTANT)) == (1, 2, 3)
    assert required_levels(review(cls=InfoClass.CRITICAL)) == (1, 2, 3, 4)
    assert required_levels(review(findings=(finding("h", Severity.HIGH),))) == (1, 2, 3)
    assert required_levels(review(findings=(finding("m", Severity.MEDIUM),))) == (1, 2)


def test_escalation_adds_the_next_level() -> None:
    r = review(signed=((1, Decision.APPROVE), (2, Decision.ESCALATE)))
    assert review_state(r).next_level == 3
    r = review(signed=((1, Decision.APPROVE), (2, Decision.ESCALATE), (3, Decision.ESCALATE)))
    assert review_state(r).next_level == 4
    r = review(signed=((1, Decision.APPROVE), (2, Decision.ESCALATE), (3, Decision.APPROVE)))
    assert review_state(r).status is Status.APPROVED


def test_levels_in_order_and_roles() -> None:
    r = review(cls=InfoClass.IMPORTANT)
    v = check_sign(r, 2, Role.DIVISION_LEADER, Decision.APPROVE, "")
    assert (v.allowed, v.code) == (False, "out_of_order")
    v = check_sign(r, 1, Role.PRINCIPAL, Decision.APPROVE, "")
    assert (v.allowed, v.code) == (False, "wrong_role") and v.reason == "该级审核需由信息员签署"
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "").allowed
    r = review(cls=InfoClass.IMPORTANT, signed=((1, Decision.APPROVE),))
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "").code == "already_signed"
    r = review(cls=InfoClass.IMPORTANT, signed=((1, Decision.APPROVE), (2, Decision.APPROVE)))
    v = check_sign(r, 3, Role.DIVISION_LEADER, Decision.APPROVE, "同意")
    assert v.reason == "该级审核需由主要负责人签署"


def test_opinion_required_at_levels_three_and_four() -> None:
    r = review(cls=InfoClass.CRITICAL, signed=((1, Decision.APPROVE), (2, Decision.APPROVE)))
    assert check_sign(r, 3, Role.PRINCIPAL, Decision.APPROVE, "  ").code == "opinion_required"
    assert check_sign(r, 3, Role.PRINCIPAL, Decision.APPROVE, "同意发布").allowed


def test_block_finding_prevents_approval_until_waived() -> None:
    blocks = (finding("b1", Severity.BLOCK), finding("b2", Severity.BLOCK))
    r = review(findings=blocks)
    v = check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "")
    assert v.code == "blocked" and v.reason.startswith("尚有 2 处禁止发布的内容未处理")
    assert check_sign(r, 1, Role.OFFICER, Decision.ESCALATE, "").allowed
    assert check_sign(r, 1, Role.OFFICER, Decision.RETURN, "").allowed
    r = review(findings=blocks, waived=("b1",))
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "").reason.startswith("尚有 1 处")
    r = review(findings=blocks, waived=("b1", "b2"))
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "").allowed
    assert 3 in required_levels(r)  # a waived block still needs level 3


def test_waiver_rules() -> None:
    r = review(findings=(finding("b1", Severity.BLOCK), finding("h1", Severity.HIGH)))
    assert check_waive(r, "b1", Role.PRINCIPAL, "经核实为公开信息").allowed
    assert check_waive(r, "b1", Role.CITY_OFFICE, "经核实为公开信息").allowed
    assert check_waive(r, "b1", Role.PRINCIPAL, " ").code == "reason_required"
    assert check_waive(r, "b1", Role.DIVISION_LEADER, "理由").code == "waiver_role"
    assert check_waive(r, "h1", Role.PRINCIPAL, "理由").code == "not_block"
    assert check_waive(r, "zz", Role.PRINCIPAL, "理由").code == "no_such_finding"
    r = review(findings=(finding("b1", Severity.BLOCK),), waived=("b1",))
    assert check_waive(r, "b1", Role.PRINCIPAL, "理由").code == "already_waived"


def test_document_changed_on_disk_refuses() -> None:
    r = review()
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "", disk_sha256="b" * 64).code == "document_changed"
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "", disk_sha256=SHA).allowed


def test_sign_offs_for_another_version_do_not_count() -> None:
    r = review(signed=((1, Decision.APPROVE),))
    v2 = replace(r.current, number=2, sha256="c" * 64)
    r2 = replace(r, versions=(r.current, v2))
    assert review_state(r2).next_level == 1 and review_state(r2).signed_levels == ()


def test_return_revise_reject_and_top_escalation() -> None:
    r = review(signed=((1, Decision.RETURN),))
    assert review_state(r).status is Status.AWAITING_REVISION
    assert check_sign(r, 2, Role.DIVISION_LEADER, Decision.APPROVE, "").code == "awaiting_revision"
    r = review(signed=((1, Decision.APPROVE), (2, Decision.REJECT)))
    assert review_state(r).status is Status.REJECTED
    r = review(cls=InfoClass.CRITICAL, signed=((1, Decision.APPROVE), (2, Decision.APPROVE), (3, Decision.APPROVE)))
    assert check_sign(r, 4, Role.CITY_OFFICE, Decision.ESCALATE, "上报").code == "cannot_escalate"


def test_three_reviews_route() -> None:
    r = review(route="three_reviews")
    assert required_levels(r) == (1, 2, 3)
    assert check_sign(r, 1, Role.SECTION_CHIEF, Decision.APPROVE, "").allowed
    assert check_sign(r, 1, Role.OFFICER, Decision.APPROVE, "").reason == "该级审核需由科室负责人签署"
    r = review(route="three_reviews", signed=((1, Decision.APPROVE), (2, Decision.APPROVE)))
    assert check_sign(r, 3, Role.PRINCIPAL, Decision.ESCALATE, "x").code == "cannot_escalate"


def test_suggested_class() -> None:
    assert suggest_class([]) is InfoClass.GENERAL
    assert suggest_class([finding("a", Severity.MEDIUM, category="wording")]) is InfoClass.GENERAL
    assert suggest_class([finding("a", Severity.HIGH, category="wording")]) is InfoClass.IMPORTANT
    assert suggest_class([finding("a", Severity.MEDIUM, "某地发生群体性事件", "sensitive_term")]) is InfoClass.CRITICAL
