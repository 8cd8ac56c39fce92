"""pending_case: case numbers and statements that a specific matter is still open."""

from __future__ import annotations

import pytest

from app.model import Location, Part, Segment
from app.rules.pending_case import RULE
from tests.app.test_rule_support import loud, run, texts


@pytest.mark.parametrize("text, number", [
    ("原告与被告合同纠纷一案，案号（2025）京0105民初12345号。", "（2025）京0105民初12345号"),
    ("(2024)粤01刑终88号", "(2024)粤01刑终88号"),
    ("（２０２５）浙０１０２执３４５号", "（２０２５）浙０１０２执３４５号"),   # full-width
    ("(2024)最高法民申12号", "(2024)最高法民申12号"),
])
def test_court_case_numbers(text: str, number: str) -> None:
    assert texts(run(RULE, text), "high") == [number]


def test_case_number_with_its_state_is_one_finding() -> None:
    found = run(RULE, "（2025）皖0603民初1234号案件正在审理中。")
    assert "（2025）皖0603民初1234号案件正在审理中" in texts(found, "high")


def test_closed_case_number_is_only_a_check() -> None:
    found = run(RULE, "本案已审结，（2023）京0105民初99号判决已生效。")
    assert texts(found) == ["（2023）京0105民初99号"] and loud(found) == []


def test_review_and_petition_file_numbers() -> None:
    assert texts(run(RULE, "申请人不服兴府复决字〔2025〕12号复议决定。"), "high") == ["兴府复决字〔2025〕12号"]
    assert texts(run(RULE, "该件已按黔信访〔2025〕7号转办。"), "high") == ["黔信访〔2025〕7号"]


@pytest.mark.parametrize("text", [
    "关于印发兴府发〔2025〕12号文件的通知",      # an ordinary document number
    "根据《国务院关于加强法治政府建设的意见》（国发〔2010〕33号）",
    "行政处罚决定书 兴市监罚〔2025〕3号",       # penalty decisions are published by law
])
def test_document_numbers_are_not_case_numbers(text: str) -> None:
    assert run(RULE, text) == []


@pytest.mark.parametrize("text, span", [
    ("王某某涉嫌贪污一案尚未判决，请勿对外发布。", "王某某涉嫌贪污一案尚未判决"),
    ("该信访事项正在办理中。", "该信访事项正在办理中"),
    ("目前该案正在审理中。", "目前该案正在审理中"),
    ("该行政复议案件尚未审结。", "该行政复议案件尚未审结"),
    ("李某某故意伤害案仍在侦查中。", "李某某故意伤害案仍在侦查中"),
    ("該處罰決定尚在聽證程序中。", "該處罰決定尚在聽證程序中"),     # traditional
    ("某公司涉嫌虚假宣传一案尚未作出处罚决定。", "某公司涉嫌虚假宣传一案尚未作出处罚决定"),
    ("该局对张某某酒后驾驶一案正在依法调查处理。", "该局对张某某酒后驾驶一案正在依法调查"),
    ("目前，此案已移送检察机关审查起诉。", "此案已移送检察机关审查起诉"),
    ("李某某诉某县人民政府行政协议纠纷一案，法院尚未开庭审理。", "李某某诉某县人民政府行政协议纠纷一案，法院尚未开庭"),
    ("投诉人王某某反映的问题正在核查中。", "投诉人王某某反映的问题正在核查中"),
])
def test_specific_pending_matters_are_high(text: str, span: str) -> None:
    assert span in texts(run(RULE, text), "high")


def test_hearing_not_finished_after_a_specific_clause() -> None:
    found = run(RULE, "该信访事项正在办理中，行政处罚听证程序尚未结束。")
    assert texts(found, "high") == ["该信访事项正在办理中", "行政处罚听证程序尚未结束"]


def test_comment_text_is_checked_too() -> None:
    seg = [Segment("该处罚决定尚在听证程序中，先别公开", Location(Part.COMMENT, label="批注"))]
    assert texts(run(RULE, seg), "high") == ["该处罚决定尚在听证程序中"]


@pytest.mark.parametrize("text", [
    "对正在办理的信访事项，应当及时告知信访人。",
    "行政复议期间具体行政行为不停止执行。",
    "听证程序尚未结束的，行政机关不得作出处罚决定。",
    "行政执法案件尚未办结的，应当继续办理。",
    "在调查中发现，部分案件办理不规范。",
    "近期尚未处理完结的司法案件、行政执法案件、信访案件等方面的材料不得发布。",
    "对已立案的案件，应当依法及时办理。",
])
def test_procedure_text_in_rules_is_not_loud(text: str) -> None:
    assert loud(run(RULE, text)) == []


def test_party_widening_stops_at_a_closing_bracket() -> None:
    found = run(RULE, "投诉人王某某（手机：139 1234 5678）反映的问题正在核查中。")
    assert texts(found, "high") == ["反映的问题正在核查中"]
