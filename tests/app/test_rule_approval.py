"""approval_required: epidemic reports, precise coordinates, large-scale maps, statistics releases."""

from __future__ import annotations

import pytest

from app.model import Location, Part, Segment
from app.rules.approval import RULE
from tests.app.test_rule_support import body, loud, run, texts


@pytest.mark.parametrize("text, span", [
    ("近期发现高致病性禽流感疫情，疫点位于某村。", "高致病性禽流感疫情"),
    ("某养殖场发生非洲猪瘟疫情，已扑杀生猪120头。", "非洲猪瘟疫情"),
    ("本市新增确诊病例3例。", "新增确诊病例3例"),
    ("某县报告口蹄疫疫情1起。", "口蹄疫疫情"),
    ("近期發現高致病性禽流感疫情。", "高致病性禽流感疫情"),        # traditional
])
def test_epidemic_reports(text: str, span: str) -> None:
    assert texts(run(RULE, text), "medium") == [span]


@pytest.mark.parametrize("text", [
    "要做好高致病性禽流感疫情防控工作，完善应急预案。",
    "依据《中华人民共和国动物防疫法》，做好口蹄疫免疫接种。",
    "行政机关发布有关农产品质量安全状况、重大传染病疫情、重大动物疫情、统计信息等政府信息，要严格按照规定执行。",
    "全市共有养殖场3个。",
])
def test_policy_text_is_not_an_epidemic_report(text: str) -> None:
    assert run(RULE, text) == []


def test_coordinates_pair_is_one_finding() -> None:
    found = run(RULE, "疫点位于北纬45°45′、东经126°38′。")
    assert "北纬45°45′、东经126°38′" in texts(found, "medium")


@pytest.mark.parametrize("text, span", [
    ("北纬45°45′12″，东经126°38′5″", "北纬45°45′12″，东经126°38′5″"),
    ("北 纬 4 5 ° 4 5 ′ 、 东 经 1 2 6 ° 3 8 ′", None),
    ("坐标：126.634512, 45.756789", "坐标：126.634512, 45.756789"),
    ("经度126.6345，纬度45.7567", "经度126.6345，纬度45.7567"),
])
def test_coordinate_forms(text: str, span: str | None) -> None:
    found = run(RULE, text)
    assert len(texts(found, "medium")) == 1
    if span:
        assert texts(found, "medium") == [span]


@pytest.mark.parametrize("text", ["坡度25°，气温30°C。", "位于北纬45°附近。", "转角90度"])
def test_angles_and_whole_degrees_are_not_coordinates(text: str) -> None:
    assert run(RULE, text) == []


def test_ranges_describing_a_province_are_low() -> None:
    found = run(RULE, "全省位于北纬43°26′至53°33′、东经121°11′至135°05′之间。")
    assert loud(found) == [] and all(f.severity == "low" for f in found)


def test_large_scale_maps() -> None:
    assert texts(run(RULE, "比例尺1:5000地形图见附件。"), "medium") == ["比例尺1:5000", "地形图"]
    assert texts(run(RULE, "比例尺 1：1万"), "medium") == ["比例尺 1：1万"]
    assert run(RULE, "比例尺1:1000000全国示意图") == []
    assert run(RULE, "依据《测绘成果管理条例》加强测绘成果管理。") == []


def test_statistics_release_drafts() -> None:
    found = run(RULE, "现将2025年1-9月全市主要经济指标统计数据发布如下：")
    assert len(texts(found, "medium")) == 1
    assert texts(run(RULE, body("2025年前三季度全市主要经济指标", "地区生产总值增长5%。")), "medium") \
        == ["主要经济指标"]
    assert run(RULE, body("关于加强政府网站管理的通知", "据市统计局发布的统计公报，全市经济平稳。")) == []


def test_spreadsheet_cells_and_headers_are_scanned() -> None:
    seg = [Segment("疫点坐标 北纬45°45′ 东经126°38′", Location(Part.CELL, sheet="Sheet1", cell="A1"))]
    assert len(texts(run(RULE, seg, "xlsx"), "medium")) >= 1


def test_emergency_procedure_is_not_a_report() -> None:
    assert run(RULE, "发生疫情后，应当立即报告当地兽医主管部门。") == []
    assert texts(run(RULE, "近期发现高致病性禽流感疫情，应当立即上报。")) == ["高致病性禽流感疫情"]
