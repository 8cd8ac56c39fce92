"""unpublished_statistic: an indicator with a quantity and a not-yet-released cue."""

from __future__ import annotations

import pytest

from app.model import Location, Part, Segment
from app.rules.statistic import RULE
from tests.app.test_rule_support import body, docx_table, loud, run, texts, xlsx_sheet


def test_quick_report_figure_is_high_and_its_growth_rate_quieter() -> None:
    found = run(RULE, "据快报统计，前三季度全县财政总收入完成8.7亿元，同比增长4.2%，暂未对外发布。")
    assert texts(found, "high") == ["8.7亿元"]
    assert texts(found, "medium") == ["4.2%"]


def test_two_indicators_in_one_sentence_are_both_reported() -> None:
    found = run(RULE, "初步核算，全市社会消费品零售总额下降2.1%，城镇登记失业率为3.6%。")
    assert texts(found, "high") == ["2.1%", "3.6%"]


@pytest.mark.parametrize("text, quantity", [
    ("初步统计全省户籍人口为4 1 2 7 万人。", "4 1 2 7 万人"),                 # partly letter-spaced digits
    ("初 步 统 计 全 省 常 住 人 口 为 2 0 5 6 万 人 。", "2 0 5 6 万 人"),     # letter-spaced PDF line
    ("初步核算，全市地區生產總值達到１２３．４億元。", "１２３．４億元"),     # full-width, traditional
    ("内部测算，一般公共预算收入约为56.78亿元。", "56.78亿元"),
    ("全市固定资产投资增长9.1%（未经审定）。", "9.1%"),
    ("规上工业增加值同比增长1.5个百分点，数据尚未发布。", "1.5个百分点"),
])
def test_cue_variants(text: str, quantity: str) -> None:
    assert texts(run(RULE, text), "high") == [quantity]


def test_pdf_soft_line_break_inside_the_quantity() -> None:
    page = [Segment("初步统计全省常住人口为3099万\n人。", Location(Part.PAGE, page=1), soft_breaks=True)]
    assert texts(run(RULE, page), "high") == ["3099万\n人"]


@pytest.mark.parametrize("text", [
    "据2024年统计公报，初步核算全市地区生产总值1234.5亿元。",          # cited from a published source
    "根据市统计局公布的数据，初步核算全年GDP增长5.2%。",
    "项目总投资12亿元，建成后预计年产值30亿元。",                      # a projection
    "到2030年，预计地区生产总值达到800亿元。",
    "初步统计，按照〔2004〕15号文件第3条，于2025年10月施行。",        # no quantity
    "不得发布涉及国家、省、地、市、县未发布的经济数据。",
    "全市地区生产总值增长6.1%。",                                    # no cue
])
def test_published_projected_or_cue_less_figures_stay_quiet(text: str) -> None:
    assert loud(run(RULE, text)) == []


def test_bare_estimate_is_only_a_check() -> None:
    found = run(RULE, "预计全年地区生产总值增长6%左右。")
    assert texts(found) == ["6%"] and texts(found, "high") == []


def test_docx_table_row_header_cue() -> None:
    table = docx_table([["规上工业增加值（初步数）", "45.2亿元"], ["同比", "5.5%"]])
    assert texts(run(RULE, table, "docx"), "high") == ["45.2亿元"]


def test_docx_table_column_header_cue_and_bare_numbers() -> None:
    table = docx_table([["指标", "1—6月（快报）", "增速（%）"],
                        ["财政收入（亿元）", "23.4", "3.1"],
                        ["固定资产投资（亿元）", "56.7", "-2.0"]])
    found = run(RULE, table, "docx")
    assert texts(found, "high") == ["23.4", "56.7"]
    assert "3.1" not in texts(found)


def test_docx_table_title_row_applies_to_every_cell() -> None:
    table = docx_table([["主要经济指标（初步核算）", "主要经济指标（初步核算）"],
                        ["指标", "数值"],
                        ["地区生产总值", "312.5亿元"]])
    assert texts(run(RULE, table, "docx"), "high") == ["312.5亿元"]


def test_xlsx_header_cue() -> None:
    sheet = xlsx_sheet([["指标", "1—9月（初步核算）", "增速"],
                        ["地区生产总值", "845.2亿元", "6.1%"],
                        ["社会消费品零售总额", "301.4亿元", "3.2%"]], "月报")
    found = run(RULE, sheet, "xlsx")
    assert texts(found, "high") == ["845.2亿元", "301.4亿元"]
    assert "6.1%" not in texts(found)


def test_xlsx_sheet_name_cue() -> None:
    sheet = xlsx_sheet([["指标", "数值"], ["地区生产总值", "845.2亿元"]], "快报（未发布）")
    assert texts(run(RULE, sheet, "xlsx"), "high") == ["845.2亿元"]


def test_tables_without_cues_stay_quiet() -> None:
    table = docx_table([["指标", "2024年"], ["地区生产总值", "845.2亿元"]])
    assert run(RULE, table, "docx") == []
    sheet = xlsx_sheet([["年份", "人口（万人）"], ["2024", "312"]], "统计年鉴")
    assert run(RULE, sheet, "xlsx") == []


def test_a_statistical_bulletin_is_not_loud() -> None:
    doc = body("某市2024年国民经济和社会发展统计公报", "初步核算，全年全市地区生产总值1234.5亿元，比上年增长5.8%。")
    assert loud(run(RULE, doc)) == []


def test_budget_table_estimate_column_is_not_loud() -> None:
    table = docx_table([["项目", "2024年预计数", "2025年预算数"],
                        ["一般公共预算收入（亿元）", "45.6", "48.0"]])
    assert loud(run(RULE, table, "docx")) == []


def test_growth_column_without_a_percent_sign_is_treated_like_the_amounts() -> None:
    rows = [["2031年上半年主要指标（快报）"] * 3, ["指标", "总量", "比上年增长"],
            ["地区生产总值", "98.6亿元", "6"], ["一般公共预算收入", "7.4亿元", "-2"]]
    found = run(RULE, docx_table(rows))
    assert texts(found, "high") == ["98.6亿元", "6", "7.4亿元", "-2"]
