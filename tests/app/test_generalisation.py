"""Held-out probes: realistic sentences the rules were not written from, run through the real engine.

Positives must be found in their category at (at least) the minimum severity the scorer demands,
with a finding covering the key span; decoys and ordinary published sentences must stay below
block/high. Format quirks (full-width digits, traditional characters, PDF letter-spacing, soft line
breaks, table and spreadsheet cells, headers, comments) are probed as well.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import pytest

from app.model import Category, Document, Finding, Location, Part, Segment, Severity
from app.scan import Engine

SC = Category.SECRET_MARK
ST = Category.UNPUBLISHED_STATISTIC
PC = Category.PENDING_CASE
PI = Category.PERSONAL_INFO
SE = Category.SENSITIVE_TERM
HC = Category.HARMFUL_CONTENT
AP = Category.APPROVAL_REQUIRED
WO = Category.WORDING
TY = Category.TYPO
HI = Category.HIDDEN_CONTENT
B, H, M, L = Severity.BLOCK, Severity.HIGH, Severity.MEDIUM, Severity.LOW
LOUD = (Severity.HIGH, Severity.BLOCK)


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine.load()


def _scan(segments: Sequence[Segment], fmt: str = "txt") -> list[Finding]:
    doc = Document.build(f"probe.{fmt}", fmt, "0" * 64, list(segments))
    return list(_engine().scan_document(doc).findings)


def _body(text: str) -> list[Segment]:
    return [Segment(line, Location(Part.BODY, paragraph=i + 1)) for i, line in enumerate(text.split("\n"))]


def _norm(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if not ch.isspace())


def _covers(f: Finding, key: str) -> bool:
    """The finding covers the key span (as the scorer sees it: the key inside the finding, or a
    finding that is most of the key)."""
    ft, k = _norm(f.text), _norm(key)
    if k in ft:
        return True
    return bool(ft) and ft in k and len(ft) >= min(len(k), 8) * 0.5


def _assert_found(findings: list[Finding], cat: Category, sev: Severity, key: str, where: str) -> None:
    hits = [f for f in findings if f.category is cat and _covers(f, key)]
    shown = [(f.category.value, f.severity.value, f.text) for f in findings]
    assert hits, f"{where}: no {cat.value} finding covers {key!r}; got {shown}"
    best = max(hits, key=lambda f: f.severity.rank)
    assert best.severity.rank >= sev.rank, f"{where}: {key!r} found at {best.severity.value}, wants {sev.value}"


def _assert_quiet(findings: list[Finding], where: str) -> None:
    loud = [(f.category.value, f.severity.value, f.text) for f in findings if f.severity in LOUD]
    assert not loud, f"{where}: decoy/published text flagged loud: {loud}"


# --- positives in body text: (category, minimum severity, sentence, key span) -------------------

POSITIVES: list[tuple[Category, Severity, str, str]] = [
    # 密级标志
    (SC, B, "机密★10年\n关于全市重点项目用地情况的通报", "机密★10年"),
    (SC, B, "绝密★长期\n某某工程建设方案", "绝密★长期"),
    (SC, B, "秘密★5年\n县人民政府办公室", "秘密★5年"),
    (SC, B, "绝密★启用前\n2025年全县教师招聘考试笔试试卷", "绝密★启用前"),
    (SC, B, "秘密 ★ 1年\n关于做好防汛工作的紧急通知", "秘密 ★ 1年"),
    (SC, B, "密级：机密\n保密期限：十年", "密级：机密"),
    (SC, B, "文件密级：秘密　　紧急程度：特急", "密级：秘密"),
    (SC, B, "该文件密级为绝密，请妥善保管。", "密级为绝密"),
    (SC, B, "【机密】\n关于调整部分乡镇行政区划的请示", "机密"),
    (SC, B, "000128\n秘密\n特急", "秘密"),
    (SC, B, "本文件属于工作秘密，请勿对外提供。", "工作秘密"),
    (SC, B, "内部资料　注意保存", "内部资料　注意保存"),
    (SC, B, "内部资料，妥善保管，不得外传。", "内部资料，妥善保管"),
    (SC, B, "此件不公开\n关于2025年度干部调整的意见", "此件不公开"),
    (SC, B, "公开属性：不予公开", "不予公开"),
    (SC, B, "機密★十年\n關於某某項目的請示", "機密★十年"),
    (SC, B, "机密★１０年", "机密★１０年"),
    (SC, B, "本材料仅供内部参考，阅后收回。", "仅供内部参考"),
    (SC, B, "内部文件，请勿外传。", "内部文件，请勿外传"),
    (SC, B, "秘密★6个月\n全县防汛抢险物资储备清单", "秘密★6个月"),
    # 未发布的统计数据
    (ST, H, "据初步统计，1-9月全市地区生产总值完成1286.5亿元，同比增长6.2%。", "1286.5亿元"),
    (ST, H, "根据统计快报，上半年全县规模以上工业增加值同比增长8.1%。", "8.1%"),
    (ST, H, "经初步核算，一季度全区GDP为412.3亿元。", "412.3亿元"),
    (ST, H, "以下数据尚未正式发布：全省城镇居民人均可支配收入42156元。", "42156元"),
    (ST, H, "前三季度社会消费品零售总额352.7亿元（内部数据，请勿对外引用）。", "352.7亿元"),
    (ST, H, "初步测算，全年一般公共预算收入可达86.4亿元。", "86.4亿元"),
    (ST, H, "据初步统计，全市固定资产投资同比增长１２．５％。", "１２．５％"),
    (ST, H, "據初步統計，全市地區生產總值為2,345.6億元。", "2,345.6億元"),
    (ST, H, "快报数据显示，10月份全市居民消费价格同比上涨1.8%。", "1.8%"),
    (ST, H, "未经统计部门审定，全县粮食总产量为38.6万吨。", "38.6万吨"),
    (ST, H, "全市城镇登记失业率为3.2%（初步数，未经核定）。", "3.2%"),
    (ST, H, "统计局内部掌握的数据显示，前三季度全市税收收入同比下降4.7%。", "4.7%"),
    (ST, H, "据初步统计，今年以来新增城镇就业2.36万人。", "2.36万人"),
    (ST, H, "初步统计，1-6月全市实际使用外资3.2亿美元。", "3.2亿美元"),
    (ST, H, "据初步统计，上半年全市商品房销售面积186.4万平方米。", "186.4万平方米"),
    (ST, H, "据统计快报，前三季度港口货物吞吐量完成1.25亿吨。", "1.25亿吨"),
    (ST, H, "初步统计显示，全市外贸进出口总值达到632.8亿元。", "632.8亿元"),
    (ST, H, "据初步统计，国庆假期全县共接待游客56.3万人次，实现旅游综合收入3.8亿元。", "56.3万人次"),
    (ST, H, "初步核算，全年全市农村居民人均可支配收入达到18650元。", "18650元"),
    (ST, H, "经初步汇总，1-11月全区建筑业总产值完成215.6亿元。", "215.6亿元"),
    # 尚未处理完结的案件
    (PC, H, "（2025）湘0102刑初356号案件目前正在审理中。", "（2025）湘0102刑初356号"),
    (PC, H, "（２０２４）粤０３民终１２３４号", "（２０２４）粤０３民终１２３４号"),
    (PC, H, "被告人李某某涉嫌受贿一案，目前仍在侦查阶段。", "李某某涉嫌受贿一案"),
    (PC, H, "张某某涉嫌非法吸收公众存款案已移送检察院审查起诉。", "张某某涉嫌非法吸收公众存款案"),
    (PC, H, "该企业环境违法一案，尚未作出行政处罚决定。", "尚未作出行政处罚决定"),
    (PC, H, "申请人王某不服区政府作出的征收决定申请行政复议，目前该复议案件尚未审结。", "尚未审结"),
    (PC, H, "陈某反映的土地纠纷信访事项目前正在办理中。", "正在办理中"),
    (PC, H, "犯罪嫌疑人赵某某已被依法刑事拘留，案件正在进一步侦办中。", "已被依法刑事拘留"),
    (PC, H, "此案尚在一审审理中，判决结果尚未作出。", "此案尚在一审审理中"),
    (PC, H, "某公司诉县自然资源局行政处罚一案，法院尚未宣判。", "尚未宣判"),
    (PC, H, "（2025）黔2301行初45号", "（2025）黔2301行初45号"),
    (PC, H, "申请人刘某对黔府复字〔2025〕12号行政复议决定不服，已提起诉讼。", "〔2025〕12号"),
    (PC, H, "该起交通事故的责任认定目前尚在调查中。", "尚在调查中"),
    (PC, H, "涉案人员周某某已被留置，案件调查工作仍在进行中。", "已被留置"),
    (PC, H, "关于吴某某涉嫌诈骗案，公安机关已立案侦查，目前正在侦办。", "已立案侦查"),
    # 个人信息
    (PI, H, "申请人：王某某，身份证号：522301198506120310，住兴义市桔山街道。", "522301198506120310"),
    (PI, H, "公民身份号码 440106 19920315 2626", "440106 19920315 2626"),
    (PI, H, "身份证号码：３３０１０２１９７８１１０３４０１７", "３３０１０２１９７８１１０３４０１７"),
    (PI, H, "户主陈某，身份证13050319700401001x。", "13050319700401001x"),
    (PI, H, "补贴资金已汇入其中国农业银行账户，卡号6228480402564890018。", "6228480402564890018"),
    (PI, H, "收款账号：6217 0012 3456 7890 122（中国建设银行）", "6217 0012 3456 7890 122"),
    (PI, H, "请将款项转账至 6222021602001234568，户名张三。", "6222021602001234568"),
    (PI, M, "联系人：王先生，13907751234。", "13907751234"),
    (PI, M, "联系电话：139-0775-1234", "139-0775-1234"),
    (PI, M, "手机 +86 186 8591 2345", "186 8591 2345"),
    (PI, M, "举报人邮箱：zhangsan1988@163.com", "zhangsan1988@163.com"),
    (PI, M, "请将材料发送至 4398127@qq.com。", "4398127@qq.com"),
    (PI, M, "联系人：李女士，手机１５８８５９１２３４５。", "１５８８５９１２３４５"),
    # 人事等敏感事项
    (SE, H, "附件：2025年拟提拔人选名单", "拟提拔人选名单"),
    (SE, H, "现将民主推荐得票情况报告如下。", "民主推荐得票情况"),
    (SE, H, "附件2：科级干部考察对象名单", "考察对象名单"),
    (SE, H, "附件：拟提拔干部名单（共12人）", "拟提拔干部名单"),
    (SE, H, "经研究，拟任人选建议名单如下。", "拟任人选建议名单"),
    (SE, H, "本工程标底价为3568.2万元。", "标底价"),
    # 违法有害信息
    (HC, B, "澳门新葡京娱乐场，线上注册即送彩金。", "新葡京"),
    (HC, B, "真人百家乐，首存送100%。", "百家乐"),
    (HC, B, "六合彩特码资料大全，每期必中。", "六合彩"),
    (HC, B, "最新成人视频免费在线观看。", "成人视频"),
    (HC, B, "線上博彩，信譽第一。", "線上博彩"),
    (HC, B, "赌*博网站，日赚千元。", "赌*博网站"),
    (HC, B, "高清无码色情视频下载。", "色情视频"),
    (HC, B, "正规网投平台，提现秒到账。", "网投平台"),
    (HC, B, "澳门博彩官网，体育投注，真人视讯。", "真人视讯"),
    (HC, B, "同城约炮，私密交友。", "约炮"),
    # 需报批
    (AP, M, "近日，我县某乡镇一养殖场发生非洲猪瘟疫情，已扑杀生猪126头。", "非洲猪瘟"),
    (AP, M, "截至10月8日，我市累计报告登革热本地病例23例。", "登革热"),
    (AP, M, "某小学发生一起诺如病毒感染聚集性疫情。", "诺如病毒"),
    (AP, M, "项目位于东经106°42′15″、北纬25°05′30″。", "东经106°42′15″"),
    (AP, M, "取水口坐标：经度104.893712，纬度25.086145。", "104.893712"),
    (AP, M, "附件：项目区1:2000地形图（比例尺1:2000）。", "比例尺1:2000"),
    (AP, M, "现将2024年全县国民经济和社会发展主要统计数据公布如下。", "主要统计数据公布如下"),
    (AP, M, "我区一家禽养殖场检出H5N1高致病性禽流感病毒，疫点已封锁。", "禽流感"),
    # 规范表述
    (WO, M, "台湾政府近日宣布调整相关政策。", "台湾政府"),
    (WO, M, "两岸交流中，中国和台湾的企业合作日益紧密。", "中国和台湾"),
    (WO, M, "北朝鲜代表团一行访问我市。", "北朝鲜"),
    (WO, M, "香港政府代表团来我省考察。", "香港政府"),
    (WO, M, "他曾在國立台灣大學進修。", "國立台灣大學"),
    # 错别字
    (TY, L, "我们要再接再励，推动各项工作迈上新台阶。", "再接再励"),
    (TY, L, "要认真贯切落实党中央决策部署。", "贯切落实"),
    (TY, L, "持续优化营商坏境。", "营商坏境"),
    (TY, L, "各部门要按步就班做好年度工作。", "按步就班"),
    (TY, L, "依照《中华人民共和国政府信息公开条列》办理。", "信息公开条列"),
]


# second round: phrasings found missing while red-teaming the first round
POSITIVES += [
    (SC, B, "秘密★一年\n关于做好换届选举有关工作的通知", "秘密★一年"),
    (SC, B, "绝密 ★ 启用前", "绝密 ★ 启用前"),
    (SC, B, "内部资料\n注意保存\n2025年第3期", "内部资料"),
    (SC, B, "内部文件\n关于调整县委常委分工的通知", "内部文件"),
    (SC, B, "此件不得上网。", "此件不得上网"),
    (SC, B, "公开选项：不予公开", "不予公开"),
    (SC, B, "內部資料　注意保存", "內部資料　注意保存"),
    (ST, H, "截至9月底（未经审核数据），全市城乡居民储蓄存款余额1862.3亿元。", "1862.3亿元"),
    (ST, H, "根据统计部门初步核算，前三季度全县经济总量达到245亿元。", "245亿元"),
    (ST, H, "全市GDP增长5.5%（统计部门尚未发布，仅供参考）。", "5.5%"),
    (ST, H, "初步统计数据显示，1-10月全县规上工业总产值增长9.6%。", "9.6%"),
    (PC, H, "该案目前正处于审查起诉阶段。", "正处于审查起诉阶段"),
    (PC, H, "犯罪嫌疑人王某某因涉嫌故意伤害罪被批准逮捕，案件正在进一步办理中。", "被批准逮捕"),
    (PC, H, "涉事企业负责人已被警方控制，事件调查仍在进行中。", "已被警方控制"),
    (PC, H, "（2025）川01执456号", "（2025）川01执456号"),
    (PC, H, "〔2025〕渝0112刑初789号案件尚未审结。", "〔2025〕渝0112刑初789号"),
    (PI, H, "身份证号：130503700401001", "130503700401001"),
    (PI, H, "银行账号：6228 4804 0256 4890 018", "6228 4804 0256 4890 018"),
    (PI, H, "信用卡号4367421234567896已冻结。", "4367421234567896"),
    (PI, H, "卡号：6222-0216-0200-1234-568", "6222-0216-0200-1234-568"),
    (PI, M, "联系方式：13907751234/13885912345", "13885912345"),
    (HC, B, "北京赛车、幸运飞艇，大小单双稳赚。", "幸运飞艇"),
    (HC, B, "澳门银河娱乐官网注册。", "澳门银河"),
    (HC, B, "足球博彩投注平台，注册就送。", "足球博彩"),
    (HC, B, "免费成人网站，色情小说在线阅读。", "成人网站"),
    (HC, B, "百 家 乐 在 线 平 台", "百 家 乐"),
    (AP, M, "我市新增1例输入性猴痘病例。", "猴痘"),
    (AP, M, "近日，某县一养殖户羊群发生炭疽疫情。", "炭疽"),
    (AP, M, "我区某冷库外包装样本检测出新冠病毒核酸阳性。", "新冠病毒"),
    (AP, M, "监测点位于北纬26.572136°，东经107.512378°。", "北纬26.572136°"),
    (AP, M, "附图：厂区1∶500地形图。", "1∶500地形图"),
    (AP, M, "2024年兴仁市国民经济和社会发展统计公报\n2024年，全市上下坚持稳中求进工作总基调。", "统计公报"),
    (WO, M, "积极融入一带一路战略。", "一带一路战略"),
    (WO, M, "新疆维吾尔族自治区代表团来访。", "新疆维吾尔族自治区"),
    (WO, M, "他曾赴外蒙古考察。", "外蒙古"),
    (TY, L, "截止目前，全县已完成改造任务的86%。", "截止目前"),
    (TY, L, "要坚持事实求是的思想路线。", "事实求是"),
]

# third round
POSITIVES += [
    (SC, B, "密级 机密 ★ 20年", "机密 ★ 20年"),
    (SC, B, "秘密★2026年12月31日解密", "秘密★2026年12月31日"),
    (SC, B, "（秘密）\n关于某某问题的调查报告", "秘密"),
    (ST, H, "据快报数，全市1-5月城乡居民储蓄存款余额1862.3亿元。", "1862.3亿元"),
    (ST, H, "经初步核算，全年粮食播种面积达到126.5万亩。", "126.5万亩"),
    (PC, H, "原告李某与被告某公司劳动争议纠纷一案，现仍在审理中。", "仍在审理中"),
    (PC, H, "目前，该起事故的调查处理工作尚未结束。", "尚未结束"),
    (PI, M, "联系人：刘先生 139 0775 1234", "139 0775 1234"),
    (SE, H, "附件：2025年度拟提拔干部考察对象名单", "考察对象名单"),
    (HC, B, "皇冠现金网，澳门威尼斯人。", "威尼斯人"),
    (AP, M, "今年以来，全市累计报告手足口病病例356例。", "手足口病"),
    (AP, M, "经纬度：E106.71234°，N26.57312°", "106.71234°"),
]

# issue 8: spam shapes without an exact entry, older case numbers, concluded cues
POSITIVES3: list[tuple[Category, Severity, str, str]] = [
    (HC, B, "热门推荐：欧美_日韩_精品无码_高清在线播放_最新网址", "精品无码"),
    (HC, B, "亚洲激情 | 免费视频 | 成人电影 | 午夜福利", "成人电影"),
    (HC, B, "六合今期开奖现场直播 21:35 开奖号码结果查询", "开奖号码"),
    (HC, B, "注册就送彩金 首存翻倍 老虎机 百家乐在线投注", "百家乐"),
    (PC, H, "（2019）黔23民初字第156号案件目前仍在审理中。", "（2019）黔23民初字第156号"),
    (PC, H, "申请人王某对（2024）粤01民终88号判决不服，该案现正在再审审查中。", "正在再审审查中"),
    (HC, B, "2031-09-14 21:32 第2031256期 时时彩开奖记录查询", "时时彩开奖记录"),
    (HC, B, "亚洲成人网_国产自拍_在线视频", "亚洲成人网"),
    (AP, M, "昨日全区新增无症状感染者4例，均已转运隔离。", "无症状感染者4例"),
    (AP, M, "截至6月30日，全县累计报告本土确诊病例17例。", "确诊病例17例"),
]
POSITIVES += POSITIVES3

DECOYS3 = [
    "依法严厉打击赌博、卖淫嫖娼、吸毒贩毒等违法犯罪活动。",
    "涉及卖淫、嫖娼、赌博的案件，不适用简易程序。",
    "交易平台按规则实施随机性交易撮合。",
    "执法人员依法扣押赌博游戏机8台。",
    "中国体育彩票第2031045期开奖公告：本期一等奖中出3注。",
    "为群众提供高清视频会议、在线直播和免费下载服务。",
    "该公司不服（2019）黔23民初字第156号民事判决，该判决已发生法律效力。",
    "原告在前案民事诉讼中未予主张的损失，本院不予支持。",
    "本案现已审理终结。",
    "县人民医院全年收治病例3200例，门诊量增长8%。",
    "市税务局于2031年10月8日公开开奖，结果查询请登录官网。",
    "据某某县2030年统计公报，全县地区生产总值初步核算为286.4亿元。",
    "今年以来全县共破获网络赌博案件9起，打掉犯罪团伙2个。",
    "警惕境外赌博网站以“首存送彩金”诱骗群众注册。",
]

DECOYS2 = [
    "依照《党政机关公文格式》，涉密公文应当标注份号、密级和保密期限。",
    "公文的密级分为“绝密”“机密”“秘密”。",
    "机密文件必须存放在保密柜中。",
    "本公告所涉信息不属于国家秘密、工作秘密。",
    "县法院公开开庭审理了一起非法采矿案。",
    "调查中发现，部分企业存在安全隐患。",
    "据初步统计，全县受灾群众得到妥善安置。",
    "初步测算，该项目年均可节约标准煤1.2万吨。",
    "全年共受理各类案件1256件，审结1198件，结案率95.4%。",
    "健全完善案件审理机制，提高案件办理质量。",
    "对正在办理的案件，承办人应当及时报告进展情况。",
    "今年以来，全县公安机关共立案侦查各类刑事案件312起。",
    "联系电话：139****1234",
    "身份证号：522301********0310",
    "全面推进“一带一路”倡议实施。",
    "伪满洲国时期的历史遗存得到有效保护。",
    "县档案馆馆藏民国时期档案3200卷。",
    "我县金沙大道改造工程顺利完工。",
    "初步统计，本次培训共有126名学员参加。",
    "统计部门要加强统计数据质量管理，严禁虚报瞒报。",
    "对内部资料的印制、发行实行审批管理。",
    "开展保密宣传教育月活动，增强干部职工保密意识。",
    "申请人可通过政府信息公开申请表依申请公开。",
    "市疾控中心开展登革热防控知识宣传进社区活动。",
    "比例尺为1:50000的地形图可作为规划底图参考。",
    "交通事故发生后，当事人应当立即停车保护现场。",
    "加强安全生产事故隐患排查治理。",
]

@pytest.mark.parametrize(("cat", "sev", "text", "key"), POSITIVES,
                         ids=[f"{c.value}-{i}" for i, (c, *_rest) in enumerate(POSITIVES)])
def test_positive_in_body(cat: Category, sev: Severity, text: str, key: str) -> None:
    _assert_found(_scan(_body(text)), cat, sev, key, text)


# --- decoys and ordinary published sentences: nothing at block/high ------------------------

DECOYS: list[str] = [
    # secrecy vocabulary in rules
    "各单位不得在互联网上发布涉及国家秘密的信息。",
    "严格执行信息发布保密审查制度，坚持“涉密不上网、上网不涉密”。",
    "加强网络安全防护，确保数据的机密性、完整性和可用性。",
    "选举采用无记名投票、秘密写票的方式进行。",
    "国家秘密的密级分为绝密、机密、秘密三级。",
    "绝密级国家秘密的保密期限一般不超过三十年，机密级不超过二十年。",
    "行政机关公开政府信息，不得危及国家安全、公共安全、经济安全和社会稳定。",
    "依法保护商业秘密和个人隐私。",
    "认真学习贯彻《中华人民共和国保守国家秘密法》。",
    "做好秘密级文件的清退和销毁工作。",
    "严禁将内部资料上传至互联网。",
    "加强内部资料性出版物管理。",
    "公开方式：主动公开",
    "对涉及工作秘密的信息，未经批准不得公开。",
    "机关工作人员应当保守工作秘密。",
    # statistics published or projected
    "据市统计局发布的数据，2024年全市地区生产总值为3456.7亿元，增长5.6%。",
    "《2024年国民经济和社会发展统计公报》显示，全市常住人口为512.3万人。",
    "到2027年，全市地区生产总值力争达到5000亿元，年均增长6%以上。",
    "2025年全县一般公共预算收入预计完成85.2亿元，增长5%。",
    "经初步统计，活动期间共收集群众意见建议126条。",
    "预计项目建成后年产值可达12亿元，新增就业岗位800个。",
    "2024年，全市规模以上工业增加值增长7.2%，固定资产投资增长4.5%。",
    # cases in rules and closed cases
    "对正在办理的信访事项，信访人不得就同一事项重复提出。",
    "行政复议期间行政行为不停止执行。",
    "人民法院审理行政案件，以法律和行政法规为依据。",
    "（2023）京01民终123号判决已发生法律效力，现已执行完毕。",
    "关于印发《兴义市政务公开工作要点》的通知（兴府办发〔2025〕12号）",
    "市信访局关于做好节日期间信访工作的通知（黔西南信访发〔2025〕5号）",
    "依法及时就地解决群众合理诉求，推动信访事项及时办结。",
    "全年共办理行政复议案件56件，已全部审结。",
    # numbers that are not personal data
    "档案号：52230120250001234567",
    "业务流水号：4401062025031500012345",
    "办公电话：0859-3221234，传真：0859-3221235。",
    "政务服务便民热线：12345",
    "统一社会信用代码：91522301MA6DL1234X",
    "邮政编码：562400",
    "不动产单元号：522301001001GB00001F00010001",
    "身份证号：5223**********0310",
    # personnel notices that are published by design
    "现将拟提拔人选予以公示，公示期为5个工作日。",
    "关于张三等同志任职前公示的公告",
    # harmful words in fighting context / legitimate lotteries
    "依法严厉打击网络赌博违法犯罪活动。",
    "中国福利彩票发行管理中心开展公益金使用情况公示。",
    "开展扫黄打非专项行动，清理网上色情信息。",
    # epidemic policy, maps in rules
    "做好非洲猪瘟等重大动物疫病防控工作。",
    "发生重大动物疫情后，应当立即向当地兽医主管部门报告。",
    "公开地图应当使用经审核的标准地图，标注审图号。",
]


DECOYS += DECOYS2 + DECOYS3


@pytest.mark.parametrize("text", DECOYS, ids=[f"decoy-{i}" for i in range(len(DECOYS))])
def test_decoy_is_not_loud(text: str) -> None:
    _assert_quiet(_scan(_body(text)), text)


# --- format quirks ---------------------------------------------------------------------------

def _page(text: str) -> list[Segment]:
    return [Segment(text, Location(Part.PAGE, page=1), soft_breaks=True)]


def test_pdf_letter_spaced_statistic() -> None:
    text = "据 初 步 统 计 ， 全 市 常 住 人 口 3 0 9 9 万 人 ， 比 上 年 增 加 1 2 . 6 万 人 。"
    _assert_found(_scan(_page(text), "pdf"), ST, H, "3 0 9 9 万", "letter-spaced pdf")


def test_pdf_letter_spaced_secret_mark() -> None:
    _assert_found(_scan(_page("机 密 ★ 1 0 年\n关 于 某 某 工 作 的 通 知"), "pdf"), SC, B, "机 密 ★ 1 0 年", "pdf mark")


def test_pdf_soft_line_break_inside_sentence() -> None:
    text = "据初步统计，今年1-8月全市进出口总额\n达到156.8亿元，同比增长9.1%。"
    _assert_found(_scan(_page(text), "pdf"), ST, H, "156.8亿元", "soft break")


def test_pdf_letter_spaced_id_number() -> None:
    text = "身 份 证 号 ： 5 1 0 1 0 7 1 9 8 8 0 9 2 1 5 8 7 1"
    _assert_found(_scan(_page(text), "pdf"), PI, H, "5 1 0 1 0 7 1 9 8 8 0 9 2 1 5 8 7 1", "spaced id")


def test_pdf_letter_spaced_case_number() -> None:
    text = "( 2 0 2 5 ) 云 0 1 0 2 民 初 8 8 号 案 件 正 在 审 理 中"
    _assert_found(_scan(_page(text), "pdf"), PC, H, "民 初 8 8 号", "spaced case number")


def _docx_table(rows: Sequence[Sequence[str]], table: int = 1) -> list[Segment]:
    return [Segment(text, Location(Part.TABLE, table=table, cell=f"R{r}C{c}"))
            for r, row in enumerate(rows, 1) for c, text in enumerate(row, 1)]


def _sheet(rows: Sequence[Sequence[str]], sheet: str = "Sheet1") -> list[Segment]:
    return [Segment(text, Location(Part.CELL, sheet=sheet, cell=f"{chr(64 + c)}{r}"))
            for r, row in enumerate(rows, 1) for c, text in enumerate(row, 1) if text]


def test_docx_table_titled_preliminary() -> None:
    rows = [["2025年1-9月主要经济指标（快报数）", "", ""],
            ["指标", "绝对值", "增长%"],
            ["地区生产总值（亿元）", "1286.5", "6.2"],
            ["一般公共预算收入（亿元）", "96.3", "3.1"]]
    rows[0] = [rows[0][0]] * 3  # merged title row repeats its text in every cell
    found = _scan(_docx_table(rows), "docx")
    _assert_found(found, ST, H, "1286.5", "docx table")


def test_xlsx_header_cue_in_row_one() -> None:
    rows = [["指标名称", "1-6月（初步核算）", "同比增长（%）"],
            ["地区生产总值（亿元）", "1234.5", "5.8"],
            ["规模以上工业增加值（亿元）", "312.7", "7.4"]]
    _assert_found(_scan(_sheet(rows, "主要指标"), "xlsx"), ST, H, "1234.5", "xlsx")


def test_xlsx_sheet_name_cue() -> None:
    rows = [["指标", "数值"], ["社会消费品零售总额（亿元）", "356.2"], ["固定资产投资增速（%）", "4.3"]]
    _assert_found(_scan(_sheet(rows, "快报数据（未发布）"), "xlsx"), ST, H, "356.2", "xlsx sheet name")


def test_xlsx_personal_rows() -> None:
    rows = [["姓名", "身份证号", "联系电话", "银行卡号"],
            ["王某某", "522301198506120310", "13907751234", "6228480402564890018"]]
    found = _scan(_sheet(rows, "补贴发放花名册"), "xlsx")
    _assert_found(found, PI, H, "522301198506120310", "xlsx id")
    _assert_found(found, PI, M, "13907751234", "xlsx mobile")
    _assert_found(found, PI, H, "6228480402564890018", "xlsx card")


def test_published_statistics_table_is_quiet() -> None:
    rows = [["2024年主要经济指标", "", ""], ["指标", "绝对值", "增长%"],
            ["地区生产总值（亿元）", "3456.7", "5.6"], ["固定资产投资（亿元）", "", "4.5"]]
    rows[0] = [rows[0][0]] * 3
    _assert_quiet(_scan(_docx_table(rows), "docx"), "published table")


def test_level_listing_table_is_quiet() -> None:
    rows = [["密级", "保密期限"], ["绝密", "30年"], ["机密", "20年"], ["秘密", "10年"]]
    _assert_quiet(_scan(_docx_table(rows), "docx"), "level listing")


def test_header_mark_is_found() -> None:
    segs = [Segment("机密", Location(Part.HEADER, label="页眉")),
            Segment("关于全县重点项目推进情况的报告", Location(Part.BODY, paragraph=1))]
    _assert_found(_scan(segs, "docx"), SC, B, "机密", "header")


def test_footer_notice_is_found() -> None:
    segs = [Segment("关于全县重点项目推进情况的报告", Location(Part.BODY, paragraph=1)),
            Segment("内部资料 请勿外传", Location(Part.FOOTER, label="页脚"))]
    _assert_found(_scan(segs, "docx"), SC, B, "内部资料 请勿外传", "footer")


def test_comment_is_hidden_content_and_scanned() -> None:
    segs = [Segment("全县经济运行平稳。", Location(Part.BODY, paragraph=1)),
            Segment("此数据为快报数，初步统计全县GDP为286.4亿元，暂不对外", Location(Part.COMMENT, label="批注"))]
    found = _scan(segs, "docx")
    _assert_found(found, HI, M, "此数据为快报数", "comment hidden")
    _assert_found(found, ST, H, "286.4亿元", "comment statistic")


def test_hidden_run_with_phone() -> None:
    segs = [Segment("联系人：张某 13885912345", Location(Part.HIDDEN))]
    found = _scan(segs, "docx")
    _assert_found(found, HI, M, "张某", "hidden run")
    _assert_found(found, PI, M, "13885912345", "hidden phone")


def test_metadata_mark() -> None:
    segs = [Segment("关于某某事项的通知", Location(Part.BODY, paragraph=1)),
            Segment("秘密", Location(Part.METADATA, label="core:keywords"))]
    _assert_found(_scan(segs, "docx"), SC, B, "秘密", "metadata keyword")


def test_docx_table_personal_cells() -> None:
    rows = [["序号", "姓名", "身份证号码", "联系方式"],
            ["1", "李某", "510107198809215871", "18685912345"]]
    found = _scan(_docx_table(rows), "docx")
    _assert_found(found, PI, H, "510107198809215871", "docx id cell")
    _assert_found(found, PI, M, "18685912345", "docx phone cell")


def test_docx_table_row_header_cue() -> None:
    rows = [["指标", "1-9月", "增长%"],
            ["地区生产总值（初步核算，亿元）", "1286.5", "6.2"],
            ["社会消费品零售总额（亿元）", "352.7", "4.9"]]
    _assert_found(_scan(_docx_table(rows), "docx"), ST, H, "1286.5", "row header cue")


def test_xlsx_title_cell_alone_in_row_one() -> None:
    rows = [["2025年1-9月全县主要经济指标（初步统计）", "", ""],
            ["指标", "绝对值（亿元）", "增长（%）"],
            ["地区生产总值", "245.3", "5.7"],
            ["固定资产投资", "86.1", "3.2"]]
    _assert_found(_scan(_sheet(rows, "Sheet1"), "xlsx"), ST, H, "245.3", "xlsx title row")


@pytest.mark.parametrize("text", [
    "受理编号：520102202501150011",
    "档案编号 520102202501150011，请妥善保存回执。",
])
def test_dated_serial_numbers_are_not_loud(text: str) -> None:
    _assert_quiet(_scan(_body(text)), text)
