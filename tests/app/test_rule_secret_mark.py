"""secret_mark: structured classification marks found by the code rule."""

from __future__ import annotations

import pytest

from app.model import Location, Part, Segment
from app.rules.secret_mark import RULE
from tests.app.test_rule_support import body, run, texts


@pytest.mark.parametrize("text, expected", [
    ("绝密★长期", "绝密★长期"),
    ("机密★10年", "机密★10年"),
    ("秘密★3年", "秘密★3年"),
    ("机密★", "机密★"),
    ("秘密 ★ 3 年", "秘密 ★ 3 年"),
    ("秘密　★　６个月", "秘密　★　６个月"),
    ("機密★五年", "機密★五年"),                   # traditional characters
    ("秘密★2030年12月31日解密", "秘密★2030年12月31日解密"),
    ("密级：秘密　保密期限：5年", "密级：秘密"),
    ("密 级 机密", "密 级 机密"),
])
def test_star_marks_and_fields_are_blocked(text: str, expected: str) -> None:
    found = run(RULE, text)
    assert texts(found, "block") == [expected]


@pytest.mark.parametrize("text, limit", [("绝密★35年", "30"), ("机密★二十五年", "20"), ("秘密★12年", "10")])
def test_period_beyond_the_legal_maximum_says_so(text: str, limit: str) -> None:
    [hit] = run(RULE, text)
    assert hit.severity == "block" and hit.rule == "secret_mark.classification_over_limit"


def test_period_within_the_limit_is_a_plain_mark() -> None:
    [hit] = run(RULE, "秘密★10年")
    assert hit.rule == "secret_mark.classification"


def test_bare_mark_on_its_own_line_or_in_a_header() -> None:
    assert texts(run(RULE, body("机密", "关于印发某某工作方案的通知")), "block") == ["机密"]
    assert texts(run(RULE, body("000123　机密　特急", "正文"))) == ["机密"]
    header = [Segment("秘密  兴义市人民政府办公室文件", Location(Part.HEADER, label="首页页眉"))]
    assert texts(run(RULE, header), "block") == ["秘密"]
    meta = [Segment("绝密", Location(Part.METADATA, label="core:keywords"))]
    assert texts(run(RULE, meta)) == ["绝密"]


def test_letter_spaced_pdf_mark() -> None:
    page = [Segment("秘 密 ★ 3 年\n关 于 加 强 工 作 的 通 知", Location(Part.PAGE, page=1), soft_breaks=True)]
    assert texts(run(RULE, page), "block") == ["秘 密 ★ 3 年"]


@pytest.mark.parametrize("text", [
    "选举采用无记名投票的方式，设秘密写票处。",
    "会议以秘密投票方式表决。",
    "维护数据的机密性、完整性和可用性。",
    "国家秘密的密级分为绝密、机密、秘密三级。",
    "公文的密级及保密期限应当根据《中华人民共和国保守国家秘密法》确定。",
    "不得泄露国家秘密、工作秘密和商业秘密。",
    "(一)绝密",
    "秘密投票",
    "本单位对机密文件实行登记管理。",
])
def test_regulation_vocabulary_is_not_a_mark(text: str) -> None:
    assert run(RULE, text) == []


def test_body_word_in_a_sentence_is_not_a_bare_mark() -> None:
    assert run(RULE, "会议讨论了有关秘密事项的管理办法和保密要求。") == []


def test_combined_internal_notices_are_blocked() -> None:
    assert texts(run(RULE, "内部资料　注意保存"), "block") == ["内部资料　注意保存"]
    assert texts(run(RULE, "本件属工作秘密，内部文件，请勿外传。"), "block") == ["内部文件，请勿外传"]
    assert texts(run(RULE, "内部文件不得上网。")) == []


def test_release_attribute_fields() -> None:
    assert texts(run(RULE, "公开属性：不予公开"), "block") == ["公开属性：不予公开"]
    assert texts(run(RULE, "公开方式：依申请公开"), "medium") == ["公开方式：依申请公开"]
    assert run(RULE, "公开属性分为主动公开、依申请公开和不予公开。") == []


def test_a_table_describing_the_levels_is_not_a_mark() -> None:
    from tests.app.test_rule_support import docx_table

    table = docx_table([["密级", "最长保密期限"], ["绝密", "30年"], ["机密", "20年"], ["秘密", "10年"]])
    assert run(RULE, table, "docx") == []
    assert texts(run(RULE, docx_table([["密级", "秘密"]]), "docx")) == ["秘密"]
