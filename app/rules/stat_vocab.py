"""Vocabulary of the unpublished-statistic rule: indicators, quantities and release cues.

Matched against normalised text (simplified Chinese, ASCII lower-case, half-width digits and %).
"""

from __future__ import annotations

import re

from app.rules.common import any_of

INDICATORS = (
    "地区生产总值", "国内生产总值", "生产总值", "gdp", "经济总量", "财政收入", "财政总收入", "一般公共预算收入",
    "一般公共预算支出", "公共预算收入", "地方级收入", "税收收入", "非税收入", "财政支出", "固定资产投资", "项目投资",
    "民间投资", "工业投资", "房地产开发投资", "社会消费品零售总额", "社零额", "消费品零售", "工业增加值",
    "规上工业", "规模以上工业", "增加值", "总产值", "产值", "营业收入", "主营业务收入", "利润总额", "进出口",
    "外贸", "出口", "进口", "实际利用外资", "利用外资", "招商引资", "到位资金", "居民收入", "可支配收入",
    "人均收入", "农民收入", "城镇居民", "农村居民", "常住人口", "户籍人口", "总人口", "人口", "出生率",
    "死亡率", "自然增长率", "城镇化率", "失业率", "登记失业", "新增就业", "就业人数", "cpi", "ppi",
    "居民消费价格", "物价指数", "价格指数", "增长率", "增速", "增幅", "粮食产量", "产量", "用电量", "发电量",
    "全社会用电", "存款余额", "贷款余额", "存贷款", "旅游收入", "旅游总收入", "接待游客", "游客", "货运量",
    "客运量", "销售额", "交易额", "债务", "负债率", "收入", "支出", "投资", "经济指标",
    "外资", "外商投资", "就业", "城镇就业", "销售面积", "商品房", "施工面积", "竣工面积", "吞吐量", "业务量",
    "快递", "营业额", "客流量", "旅客", "能耗", "存款", "贷款", "税收", "利润", "出栏", "存栏", "播种面积",
    "人均消费", "消费支出", "工资", "在岗职工", "研发经费", "r&d", "专利", "市场主体", "企业数", "户数",
)
INDICATOR_RE = re.compile(any_of(INDICATORS))

# Cues that a figure is preliminary or unreleased: loud.
STRONG_CUES = (
    "初步统计", "初步核算", "初步测算", "初步汇总", "初步数", "初步数据", "初步预计", "快报", "统计快报", "内部测算",
    "内部统计", "内部数据", "内部掌握", "尚未发布", "未发布", "暂未发布", "暂未对外发布", "未对外发布", "尚未公布",
    "未公布", "暂未公布", "尚未公开", "未经审定", "未经核定", "未经核实", "未经评估", "待审定", "待核定",
    "待核实", "快报数", "暂定数", "初值", "匡算", "不得对外", "请勿对外",
    "暂不对外", "未经统计部门", "未经统计局", "未正式发布", "未正式公布", "未经正式发布", "未对外公布",
    "未经审核", "待统计部门", "尚待核实", "尚待审定", "内部参考数", "初步结果", "初步掌握",
)
# Cues that a figure is an estimate: common in plans and reports, so only worth a check.
# (预计数 heads a column in every published budget report: an estimate, not a leak.)
WEAK_CUES = ("预计", "测算", "预估", "估算", "预测", "估计", "预计数", "预估数", "估算数", "预计执行数")
CUE_RE = re.compile(any_of(STRONG_CUES + WEAK_CUES))
STRONG_CUE_RE = re.compile(any_of(STRONG_CUES))

# The sentence cites a published source.
PUBLISHED_RE = re.compile(
    r"统计公报|统计年鉴|已公开发布|已对外发布|已正式发布|已发布|已公布"
    r"|(?<![未不])(?:公开|正式|对外)?(?<!未公开)(?<!未正式)(?<!未对外)(?<![未不])(?:发布|公布)的(?:数据|数字|统计)"
    r"|(?<![数证依占单])据[^,。;]{0,20}?(?<![未不])(?:公布|发布)")
# Targets and projections rather than measured figures.
FUTURE_RE = re.compile(r"目标|力争|计划|规划|到20\d\d年|建成后|投产后|达产后|达产|将达到|年均|预期")

_UNITS = (
    "万亿元", "亿元", "万元", "千元", "亿美元", "万美元", "美元", "元", "万人次", "人次", "万人", "万户",
    "万吨", "吨", "亿千瓦时", "万千瓦时", "千瓦时", "万平方米", "平方米", "万亩", "亩", "公顷", "万辆",
    "辆", "万件", "个百分点", "百分点", "%", "‰", "倍", "亿", "万", "人", "户", "家",
)
# Digits may be letter-spaced ("3 0 9 9 万人") when a PDF line is only partly spaced.
_NUMBER = r"-?(?:\d(?: \d)+|\d+(?:,\d{3})*)(?: ?\. ?\d(?: ?\d)*)?"
QUANTITY_RE = re.compile(r"(?<![\d.])" + _NUMBER + r" ?(?:" + any_of(_UNITS) + r")(?![\d])")
BARE_NUMBER_RE = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")
# (a growth or share column holds percentages even without a % sign: 比上年增长 | 7)
UNIT_HINT_RE = re.compile(r"亿|万|元|%|百分点|人|吨|亩|户|家|千瓦时|平方米|增长|增速|增幅|比重|占比|同比|比上年")
YEAR_RE = re.compile(r"(?:19|20)\d\d")
