"""Passport numbers, home addresses and vehicle plates are personal information where the text says
what they are; office addresses, a company's domicile, anonymised parties and serial numbers are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Category
from app.scan import Engine
from tests.app.test_rule_support import scan_txt


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def _personal(engine: Engine, tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [(f.rule.split(".")[-1], f.text) for f in scan_txt(engine, tmp_path, text)
            if f.category is Category.PERSONAL_INFO]


@pytest.mark.parametrize(("text", "expected"), [
    ("申请人王建国，护照号码：E12345678，现申请办理。", [("passport", "e12345678")]),
    ("护照号 EA1234567 已登记。", [("passport", "ea1234567")]),
    ("当事人家庭住址：河南省洛阳市西工区中州中路218号院3号楼2单元501室。",
     [("home_address", "河南省洛阳市西工区中州中路218号院3号楼2单元501室")]),
    ("当事人住址为郑州市金水区文化路98号。", [("home_address", "郑州市金水区文化路98号")]),
    ("违法车辆车牌号：豫C·8K2J7，已依法处理。", [("vehicle_plate", "豫c·8k2j7")]),
])
def test_flagged_with_their_cue(engine: Engine, tmp_path: Path, text: str, expected: list[tuple[str, str]]) -> None:
    found = _personal(engine, tmp_path, text)
    assert [(rule, t.lower()) for rule, t in found] == expected, found


@pytest.mark.parametrize("text", [
    "办公地址：洛阳市洛龙区开元大道218号，联系电话 0379-63326000。",            # an office address
    "被告某某有限公司，住所地洛阳市西工区中州中路218号。",                      # a company's domicile
    "被告人李某，男，1980年生，住址河南省某某县某某村3组。",                    # anonymised
    "被告人张××，住址洛阳市××区××路××号。",
    "车牌号为豫C·8K***的车辆已被查扣。",                                        # masked plate
    "合同编号 E12345678 的项目已验收。",                                         # no passport cue
    "全县共有住址不详的流动人口1200人，户籍人口45.6万人。",                     # no door number
])
def test_quiet(engine: Engine, tmp_path: Path, text: str) -> None:
    assert _personal(engine, tmp_path, text) == []
