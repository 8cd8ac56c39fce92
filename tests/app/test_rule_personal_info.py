"""personal_info: ID numbers, mobiles, bank cards, e-mail addresses — and the numbers that are not."""

from __future__ import annotations

import pytest

from app.model import Location, Part, Segment
from app.rules.idcard import id_check_char, is_resident_id, luhn_ok
from app.rules.personal_info import RULE
from tests.app.test_rule_support import loud, run, texts


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


VALID_ID = _id("11010519491231002")          # the GB 11643 textbook example: ...002X
VALID_ID_X = "11010519491231002X"


def test_id_checks() -> None:
    assert VALID_ID == VALID_ID_X and is_resident_id(VALID_ID_X)
    assert not is_resident_id("110105194912310021")           # wrong check digit
    assert not is_resident_id(_id("99010519491231002"))         # no province 99
    assert not is_resident_id(_id("11010520491231002"))         # born in the future
    assert not is_resident_id(_id("11010519490231002"))         # 31 February... 0231
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize("text, number", [
    (f"举报人身份证号{VALID_ID_X}。", VALID_ID_X),
    (f"身份证号{VALID_ID_X.lower()}", VALID_ID_X.lower()),
    ("身份证：" + "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID_X), None),   # full-width digits
    (f"公民身份号码 {VALID_ID_X[:6]} {VALID_ID_X[6:14]} {VALID_ID_X[14:]}", None),
])
def test_resident_ids_are_high(text: str, number: str | None) -> None:
    found = run(RULE, text)
    assert [f.rule for f in found] == ["personal_info.resident_id"] and found[0].severity == "high"
    if number:
        assert found[0].text == number


@pytest.mark.parametrize("text", [
    f"档案编号4418{VALID_ID_X[:-1]}0",                 # ID digits inside a longer run
    "档案号44180220110427000123",                       # 20-digit archive number
    "序列号1234567890123456789012",                     # 22-digit serial
    "编号110105194912310021",                           # checksum wrong, no ID cue: at most a check
    "订单号4111111111111111",
])
def test_long_numbers_that_are_not_personal_data_are_not_loud(text: str) -> None:
    assert loud(run(RULE, text)) == []


@pytest.mark.parametrize("text, phone", [
    ("联系电话13705611234。", "13705611234"),
    ("电话137-0561-1235", "137-0561-1235"),
    ("手机 138 3790 1234", "138 3790 1234"),
    ("手机：+86 13912345678", "+86 13912345678"),
    ("１３８３７９０１２３４", "１３８３７９０１２３４"),
])
def test_mobiles_are_medium(text: str, phone: str) -> None:
    assert texts(run(RULE, text), "medium") == [phone]


@pytest.mark.parametrize("text", [
    "办公电话0763-3381234，传真(010)12345678。",
    "统一社会信用代码913101157030000001，邮编513000。",
    "金额21370561123400元",
])
def test_landlines_and_longer_runs_are_not_mobiles(text: str) -> None:
    assert [f for f in run(RULE, text) if f.rule == "personal_info.mobile"] == []


def test_bank_cards() -> None:
    assert texts(run(RULE, "请将补助款转入6222021234567890128。"), "high") == ["6222021234567890128"]
    assert texts(run(RULE, "卡号 6222 0212 3456 7890 128"), "high") == ["6222 0212 3456 7890 128"]
    assert texts(run(RULE, "账号4111 1111 1111 1111"), "high") == ["4111 1111 1111 1111"]
    assert run(RULE, "卡号6222021234567890127") == []            # fails Luhn


def test_emails() -> None:
    assert texts(run(RULE, "或发邮件至zhangwei@qq.com。"), "medium") == ["zhangwei@qq.com"]
    assert texts(run(RULE, "电子邮箱：xxgk@xingyi.gov.cn"), "low") == ["xxgk@xingyi.gov.cn"]
    assert texts(run(RULE, "联系方式：市政府办公室，邮箱 xyzfb@163.com"), "low") == ["xyzfb@163.com"]
    assert texts(run(RULE, "联系人张某，邮箱 zhang.san@163.com"), "medium") == ["zhang.san@163.com"]


def test_email_split_over_a_pdf_line() -> None:
    page = [Segment("或发邮件至zhangwei\r\n@qq.com。", Location(Part.PAGE, page=1), soft_breaks=True)]
    assert texts(run(RULE, page), "medium") == ["zhangwei\r\n@qq.com"]
