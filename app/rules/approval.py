"""需报批的信息 (保密审查暂行办法 第十条; 发布协调制度 第七条): epidemic reports, precise
coordinates, large-scale maps and statistical releases need the competent authority's approval.

Policy text about epidemic prevention (疫情防控工作…) is not a report; a report names an
outbreak: 发现/发生/确诊…疫情, 疫点, 疫区 being drawn, N 例病例.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.model import Category, Severity
from app.rules.base import Hit, ScanContext
from app.rules.common import BASIS_APPROVAL, RuleMeta, any_of, in_book_title, line_bounds

META = RuleMeta(Category.APPROVAL_REQUIRED, "approval_required", BASIS_APPROVAL)

_DISEASES = (
    "禽流感", "口蹄疫", "非洲猪瘟", "猪瘟", "鼠疫", "霍乱", "炭疽", "狂犬病", "布鲁氏菌病", "布病", "新冠肺炎",
    "新型冠状病毒", "新冠病毒", "非典", "sars", "h7n9", "h5n1", "h1n1", "甲流", "手足口病", "登革热", "埃博拉",
    "猴痘", "麻疹", "疟疾", "血吸虫病", "诺如病毒", "小反刍兽疫", "蓝耳病", "新城疫", "羊痘", "牛结节性皮肤病",
    "疯牛病", "传染病", "流行性出血热", "乙脑", "脊髓灰质炎", "白喉", "百日咳", "猩红热", "结核病",
)
_FIRST = "".join(sorted({w[0] for w in (*_DISEASES, "高致病性", "重大", "突发", "新发", "输入性", "本土", "h")}))
_DISEASE = re.compile(rf"(?=[{_FIRST}])(?:h\d{{1,2}}n\d{{1,2}}(?:亚型)?)?(?:高致病性|重大|突发|新发|输入性|本土)?(?:{any_of(_DISEASES)})"
                      rf"(?:病毒)?(?:疫情)?")
_PREFILTER = re.compile(rf"疫|病例|感染者|{any_of(_DISEASES)}|°|度\d|经度|纬度|坐标|比例尺|地形图|测绘|影像图|航摄|地籍图|统计|指标")
_REPORT_VERB = re.compile(r"发现|发生|确诊|报告了?|检出|检测出|暴发|爆发|出现|新增|累计|疑似|感染|死亡|扑杀|封锁|流行")
_OUTBREAK = re.compile(
    r"(?:发现|发生|确诊|报告|检出|暴发|爆发|出现|新增)(?:了)?[^,。;\n]{0,12}?疫情"
    r"|疫点(?:位于|设在|为|在|:)?|(?:划定|设立|封锁)(?:了)?疫区|疫区(?:封锁|范围)"
    r"|(?:新增|累计(?:报告)?|现有|发现)?(?:本土|境外输入|输入性?)?(?:确诊|疑似|无症状感染者|无症状|死亡|感染)(?:病例|患者|者)?\d+例"
    r"|\d+例(?:确诊|疑似|无症状|死亡)?(?:病例|患者|感染者)?")
# A bare count of cases is a human epidemic report only with an epidemic word in the sentence
# (医院全年收治病例3200例 is hospital statistics).
_HUMAN_CUE = re.compile(r"确诊|疑似|无症状|感染者|新增|本土|输入|聚集|暴发|爆发|疫情|流行")
# A named disease found in a sample or a person: "检出H5N1禽流感病毒", "新冠病毒核酸阳性", "确诊猴痘".
_DETECTED = re.compile(r"检出|检测出|确诊|阳性|暴发|爆发|新增|累计报告|报告[^,。;]{0,6}例")
_GENERIC = re.compile(r"应当|应|须|必须|一旦|如发生|若|凡|可以")
_SPECIFIC = re.compile(r"近期|近日|日前|目前|截至|某|该|本市|我市|本县|我县|本区|我区|本省|我省|今年|\d+月\d+日|\d+例|疫点"
                       r"|[\u4e00-\u9fff]{1,6}(?:县|区|乡|镇|村|街道|社区|养殖场|养殖户|学校|小学|中学|医院)(?:的|一|有)?")
_POLICY = re.compile(r"防控|防治|防疫|预防|预案|演练|免疫接种|宣传|知识|监测体系|工作方案|应急处置机制|责任制")

_DEG = r"\d{1,3}(?:\.\d+)? ?[°度] ?(?:\d{1,2}(?:\.\d+)? ?[′'分] ?)?(?:\d{1,2}(?:\.\d+)? ?(?:′′|″|\"|秒) ?)?"
_COORD_ONE = rf"(?:北纬|南纬|东经|西经|纬度|经度) ?[:]? ?{_DEG}|{_DEG}[nsew](?![a-z])|(?<![a-z])[nsew] ?{_DEG}"
_COORD = re.compile(rf"(?:{_COORD_ONE})(?: ?[,、;和及与/]? ?(?:{_COORD_ONE}))?")
_DECIMAL_PAIR = re.compile(
    r"(?:经度|纬度|坐标|lng|lat|lon) ?[:=]? ?\(?-?\d{1,3}\.\d{4,} ?[,、/ ] ?-?\d{1,3}\.\d{4,}\)?"
    r"|(?:经度|lng|lon) ?[:=]? ?-?\d{1,3}\.\d{4,} ?[,、;]? ?(?:纬度|lat) ?[:=]? ?-?\d{1,3}\.\d{4,}"
    r"|(?:纬度|lat) ?[:=]? ?-?\d{1,3}\.\d{4,} ?[,、;]? ?(?:经度|lng|lon) ?[:=]? ?-?\d{1,3}\.\d{4,}")
_DEG_KEY = re.compile(r"°|\d ?度 ?\d")
_PAIR_KEY = re.compile(r"经度|纬度|坐标|lng|lat|lon")
_COORD_KEY = re.compile(rf"{_DEG_KEY.pattern}|{_PAIR_KEY.pattern}")
_RANGE_NEXT = re.compile(r" ?(?:至|到|~|—|-)")
_SCALE = re.compile(r"比例尺 ?[:]? ?(?:为|是)? ?1 ?[:∶比] ?(?P<den>[\d,]+)(?P<wan>万)?")
_MAP = re.compile(r"(?:1 ?[:∶比] ?(?P<den>[\d,]{3,7})(?P<wan>万)? ?(?:比例尺)?的?)?(?P<word>大比例尺|地形图|影像图|航摄|测绘成果|高精度地图|地籍图)")
_STAT_RELEASE = re.compile(
    r"(?:统计公报|统计数据|统计资料|统计快报|主要经济指标|主要统计指标)[^。;\n]{0,20}(?:发布如下|公布如下|公告如下|如下)"
    r"|(?:现将|现就)[^。;\n]{0,30}(?:统计公报|统计数据|统计资料|主要经济指标|主要统计指标)[^。;\n]{0,12}(?:发布|公布|公告)(?:如下)?")
_STAT_TITLE = re.compile(r"(?:国民经济和社会发展)?统计公报|统计数据|统计快报|主要经济指标|主要统计指标|国民经济和社会发展统计")


class ApprovalRule:
    id = "approval_required"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        if not _PREFILTER.search(ctx.text):
            return []
        return [*self._epidemics(ctx), *self._coordinates(ctx), *self._maps(ctx), *self._statistics(ctx)]

    def _epidemics(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        if "疫" not in text and "病" not in text and "例" not in text:
            return
        done: set[int] = set()
        for m in _OUTBREAK.finditer(text) if ("疫" in text or "例" in text) else ():
            s, e = ctx.sentence(m.start(), m.end())
            if s in done:
                continue
            named = [d for d in _DISEASE.finditer(text, s, e) if not in_book_title(text, d.start(), d.end())]
            case_count = m[0][0].isdigit() or m[0][-1] == "例"
            if case_count and not named and "病例" not in text[s:e] and "感染" not in text[s:e]:
                continue  # "3例" without any disease or case word is just a count
            if case_count and not named and not _HUMAN_CUE.search(text, s, e):
                continue  # "收治病例3200例": hospital statistics, not an outbreak
            if _POLICY.search(text, s, e) and not _REPORT_VERB.search(text, s, e):
                continue
            if _GENERIC.search(text, s, e) and not _SPECIFIC.search(text, s, e):
                continue  # "发生疫情后，应当立即报告": procedure, not a report
            done.add(s)
            start, end = (named[0].span() if named else m.span())
            yield META.hit(start, end, Severity.MEDIUM, "epidemic",
                           f"“{text[start:end]}”属疫情信息，发布须经卫生健康或农业农村主管部门审批。",
                           "疫情信息以主管部门授权发布的内容为准；发布前报请审批，或删除具体疫情内容。")
        for d in _DISEASE.finditer(text):
            s, e = ctx.sentence(d.start(), d.end())
            if s in done or in_book_title(text, d.start(), d.end()):
                continue
            if not d[0].endswith("疫情") and not (_DETECTED.search(text, s, e) and _SPECIFIC.search(text, s, e)):
                continue
            if _POLICY.search(text, s, e) or not _REPORT_VERB.search(text, s, e):
                continue
            if _GENERIC.search(text, s, e) and not _SPECIFIC.search(text, s, e):
                continue
            done.add(s)
            yield META.hit(d.start(), d.end(), Severity.MEDIUM, "epidemic",
                           f"“{d[0]}”属疫情信息，发布须经主管部门审批。",
                           "疫情信息以主管部门授权发布的内容为准；发布前报请审批。")

    def _coordinates(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        if not _COORD_KEY.search(text):
            return
        for m in _COORD.finditer(text) if _DEG_KEY.search(text) else ():
            span = m[0].rstrip()
            if not re.search(r"[′'分.]", span):
                continue  # whole degrees only: not precise
            end = m.start() + len(span)
            ranged = _RANGE_NEXT.match(text, end) is not None or text[max(0, m.start() - 1):m.start()] in ("至", "~")
            yield META.hit(m.start(), end, Severity.LOW if ranged else Severity.MEDIUM, "coordinates",
                           f"文中含精确地理坐标“{span}”，属重要地理信息，公开须经测绘地理信息主管部门审核。",
                           "删除精确坐标或降低精度（如只写到所在乡镇）；确需公开的报请审批。")
        for m in _DECIMAL_PAIR.finditer(text) if _PAIR_KEY.search(text) else ():
            yield META.hit(m.start(), m.end(), Severity.MEDIUM, "coordinates",
                           f"文中含精确经纬度“{m[0]}”，属重要地理信息，公开须经审核。",
                           "删除精确坐标或降低精度；确需公开的报请审批。")

    def _maps(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        scales: list[tuple[int, int]] = []
        for m in _SCALE.finditer(text):
            scales.append(m.span())
            den = int(m["den"].replace(",", "") or 0) * (10000 if m["wan"] else 1)
            if 0 < den <= 10000:
                yield META.hit(m.start(), m.end(), Severity.MEDIUM, "large_scale_map",
                               f"文中含大比例尺地图“{m[0]}”，公开须经测绘地理信息主管部门审核。",
                               "公开地图须使用经审核的标准地图（审图号）；大比例尺地图报请审批后再发布。")
        for m in _MAP.finditer(text):
            if in_book_title(text, m.start(), m.end()):
                continue
            s, e = ctx.sentence(m.start(), m.end())
            if re.search(r"管理|条例|办法|规定|应当|不得", text[s:e]):
                continue
            if m["den"]:
                den = int(m["den"].replace(",", "") or 0) * (10000 if m["wan"] else 1)
                if not 0 < den <= 10000:
                    continue  # small-scale maps (1:50000 and smaller) are not restricted
            elif not re.search(r"附|见|如下|如图|比例尺|下载|提供|公开", text[s:e]):
                continue
            start = m.start("word") if any(a < m.end() and m.start() < b for a, b in scales) else m.start()
            yield META.hit(start, m.end(), Severity.MEDIUM, "survey_data",
                           f"文中涉及“{text[start:m.end()]}”，测绘成果公开须经主管部门审核。",
                           "核实地图或测绘成果是否已经审核（审图号）；未经审核的不得公开。")

    def _statistics(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        if "统计" not in text and "指标" not in text:
            return
        for m in _STAT_RELEASE.finditer(text):
            yield META.hit(m.start(), m.end(), Severity.MEDIUM, "statistics_release",
                           "文中发布统计数据，统计信息公开须以统计部门审定发布的数据为准。",
                           "发布前报经统计部门审核同意，或改为引用统计部门已发布的数据并注明来源。")
        # a title line announcing a statistical release (not a citation)
        head_end = min(len(text), 400)
        for m in _STAT_TITLE.finditer(text, 0, head_end):
            ls, le = line_bounds(ctx, m.start(), m.end())
            line = text[ls:le].strip()
            if len(line) > 48 or in_book_title(text, m.start(), m.end()) or re.search(r"据|根据|来源", line):
                continue
            yield META.hit(m.start(), m.end(), Severity.MEDIUM, "statistics_release",
                           "文件为统计数据发布稿，统计信息公开须经统计部门审定。",
                           "发布前报经统计部门审核同意，以统计部门发布的数据为准。")
            break


RULE = ApprovalRule()
