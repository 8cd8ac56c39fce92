"""尚未处理完结的案件 (第八条(三)): case numbers and statements that a specific matter is still open.

- Court case numbers: (2025)京0105民初12345号 — year in brackets, court code, case-type characters,
  number, 号.
- 行政复议/信访/公安立案 file numbers such as 兴府复决字〔2025〕12号.
- A pending state (尚未判决, 正在审理, 侦查中, 听证程序尚未结束, 正在办理中…) bound to a matter
  (案件, 一案, 信访事项, 复议, 处罚决定, 听证…) in the same sentence. A sentence naming a specific
  matter (该/此/本案/涉嫌/某某/a case number) is loud; procedure text in a rule ("对正在办理的信访
  事项应当…") stays quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.model import Category, Severity
from app.rules.base import CLAUSE_ENDS, Hit, ScanContext
from app.rules.common import BASIS_ART8, CJK, RuleMeta

META = RuleMeta(Category.PENDING_CASE, "pending_case", f"{BASIS_ART8}(三)")
_SUGGESTION = "案件或事项尚未处理完结前不得发布相关材料；待办结后按规定公开，或删除案件信息。"

_PREFILTER = re.compile(r"号|尚|未|正在|中|期间|移送|被|立案|处于")

_YEAR = r"(?:19|20)\d\d"
# (2025)京0105民初12345号, (2024)最高法民终12号, [2025]粤01刑终3号之一
_COURT_NO = re.compile(
    rf"[(\[〔【] ?{_YEAR} ?[)\]〕】] ?"
    rf"(?:最高法|[{CJK}]{{1,3}}\d{{2,6}}|[{CJK}]{{1,2}})"
    rf"(?:民|刑|行|执|赔|破|知|商|财|诉|立|司|强|清|监|请|协|认|特|督|催|申|国|委|法|综|仲)"
    rf"[{CJK}]{{0,3}}?(?:[{CJK}]{{0,3}}字第)? ?\d{{1,6}} ?号(?:之[一二三四五六七八九十\d]+)?")
# 兴府复决字〔2025〕12号, 黔西南信访〔2025〕3号 — when 复议/信访/立案 is named in or just before it
_ADMIN_NO = re.compile(rf"[〔\[(【] ?{_YEAR} ?[〕\])】] ?(?:第)?\d{{1,6}} ?号")
_ADMIN_PREFIX = re.compile(rf"[{CJK}()]{{0,12}}$")
_ADMIN_CUE = re.compile(r"复议|复决|复字|信访|访字|立案|立字|侦")
# 发文字号 of an ordinary document (黔西南信访发〔2025〕5号, 市信访办函〔2025〕3号): not a case file.
_ISSUE_CODE = re.compile(r"(?:发|函|电|通|办)$")
_CLOSED = re.compile(r"已审结|已结案|已办结|已生效|已执行完毕|已终结|判决生效|已作出判决|已宣判|已撤诉")
# Cues that the matter is over (a judgment's own wording): the number is history, not pending.
_CONCLUDED = re.compile(r"发生法律效力|审理终结|已审结|已结案|已办结|已执行完毕|判决如下|裁定如下|维持原判|驳回上诉"
                        r"|终审判决|终审裁定|判决已生效|裁定已生效|已撤诉|执行完毕|刑满释放|已宣判")

_STATE = re.compile(
    r"(?=[尚仍还未没听审调侦复诉办处核执目现正申二一上移已被])"  # first characters: a cheap skip
    r"(?:(?:尚未|仍未|还未|未|没有)(?:判决|宣判|审结|结案|办结|审理终结|处理完结|处理完毕|调查完毕|作出[^,。;]{0,4}?(?:判决|决定|裁决|处理决定|处理意见|处理结果|处理|结论))"
    r"|(?:听证|审理|调查|侦查|复议|诉讼|审查|办理|处理|核查|执行)(?:程序|工作)?(?:尚未|仍未|还未|未)(?:结束|终结|完结|办结|审结|完成)"
    r"|(?:尚|正|仍|目前正|现正)在?(?:依法|进一步|抓紧|深入)?(?:再审审查|再审|听证|审理|调查|侦查|复议|诉讼|审查起诉|审查|办理|处理|核查|核实|查处|立案侦查|侦办|查办|审查调查)"
    r"(?:程序|阶段|过程)?(?:中|之中|当中)?"
    r"|(?<!在)(?:审理|侦查|调查|复议|诉讼|审查起诉|办理|核查|听证程序|侦办)(?:中|阶段)(?![心国央华间])"
    r"|(?:审理|侦查|调查|侦办|核查)(?:工作)?(?:仍|尚|还|正)在(?:进行|推进)"
    r"|复议期间|诉讼期间|侦查期间|审理期间|上诉期间|申诉中|二审中|一审中"
    r"|(?:尚未|仍未|还未|未)开庭|移送[^,。;]{0,8}?审查起诉|已?被(?:依法)?(?:立案侦查|立案调查|刑事拘留|留置|逮捕|取保候审|监视居住)"
    r"|已立案(?:侦查|调查)|被(?:依法)?批准逮捕|已被(?:警方|公安机关|公安|纪委监委)?(?:依法)?(?:控制|带走调查)"
    r"|(?:正|仍|尚|目前|现)处于(?:立案)?(?:侦查|审理|审查起诉|审查|调查|一审|二审|复议|诉讼|申诉)(?:程序|阶段|期间|之中|中)?)")
_MATTER = re.compile(
    r"一案|本案|该案|此案|案件|案子|(?<![方提草档])案(?![例件卷由情])|诉讼|信访事项|信访件|信访|复议|处罚决定|行政处罚|"
    r"听证|纠纷|举报|投诉|违法行为|涉嫌|事故调查|(?<!安全)事故(?!隐患|多发|易发|发生)|涉案|涉事|(?<!群体性)事件(?!处置|应对|发生)|责任认定|违纪违法问题|违法违纪问题"
    r"|问题线索|反映的问题|所涉问题")
# A specific matter, not a rule about matters in general.
_SPECIFIC = re.compile(
    rf"该|此|本案|上述|前述|这起|这件|一案|涉嫌|涉事|涉案|嫌疑人|被告人|[{CJK}]某某?(?![些种个项类一])|被告|原告|申请人[{CJK}]|被申请人|当事人[{CJK}]"
    rf"|目前|现正|近日|日前|尚在|仍在|号")
_GENERIC = re.compile(r"应当|(?<![响供对相适反])应(?![急用])|可以|不得|须|必须|依法|依照|按照|规定|不停止|有权|负责(?!人)")


class PendingCaseRule:
    id = "pending_case"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        text = ctx.text
        if not _PREFILTER.search(text):
            return []
        numbers = list(self._numbers(ctx))
        return [*numbers, *self._states(ctx, numbers)]

    def _numbers(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        if "号" not in text:
            return
        court_spans: list[tuple[int, int]] = []
        for m in _COURT_NO.finditer(text):
            court_spans.append(m.span())
            s, e = ctx.sentence(m.start(), m.end())
            if _CONCLUDED.search(text, s, e) and not _STATE.search(text, s, e):
                yield META.hit(m.start(), m.end(), Severity.LOW, "court_case_number",
                               f"文中含法院案号“{m[0]}”，同句称案件已审结或已生效。", _SUGGESTION)
                continue
            closed = _CLOSED.search(text, s, e) is not None
            yield META.hit(m.start(), m.end(), Severity.MEDIUM if closed else Severity.HIGH, "court_case_number",
                           f"文中含法院案号“{m[0]}”" + ("（句中称已审结，请核实）。" if closed else
                                                       "，涉及司法案件，须核实是否已审结。"),
                           _SUGGESTION)
        for m in _ADMIN_NO.finditer(text):
            start = m.start()
            if any(a <= start < b for a, b in court_spans):
                continue
            before = text[max(0, start - 15):start]
            prefix = _ADMIN_PREFIX.search(text[max(0, start - 12):start])
            prefix_text = prefix[0] if prefix else ""
            if not _ADMIN_CUE.search(before) or _ISSUE_CODE.search(prefix_text):
                continue
            s, e = ctx.sentence(start, m.end())
            closed = _CLOSED.search(text, s, e) is not None
            yield META.hit(_code_start(start, prefix_text), m.end(), Severity.MEDIUM if closed else Severity.HIGH, "admin_case_number",
                           f"文中含行政复议/信访/立案文号“{m[0]}”，须核实该事项是否已办结。", _SUGGESTION)

    def _states(self, ctx: ScanContext, numbers: list[Hit]) -> Iterator[Hit]:
        text = ctx.text
        for m in _STATE.finditer(text):
            s, e = ctx.sentence(m.start(), m.end())
            cs, ce = ctx.sentence(m.start(), m.end(), CLAUSE_ENDS)
            if _CONCLUDED.search(text, cs, ce) or _PAST_PROCEEDING.match(text, m.end()):
                continue  # "本案现已审理终结", "在民事诉讼中未予支持的": over, or a place in the past
            matter = _nearest_matter(text, max(s, m.start() - 20), m.start(), m.end(), min(e, m.end() + 12))
            if matter is None:
                continue
            after_state = text[m.end():m.end() + 1]
            # rule-like wording outside the state phrase itself ("正在依法调查" is still specific)
            generic = (_GENERIC.search(text, s, m.start()) is not None
                       or _GENERIC.search(text, m.end(), e) is not None or after_state in ("的", "时"))
            specific = _SPECIFIC.search(text, s, e) is not None
            if specific and not generic:
                sev = Severity.HIGH
            elif (specific and after_state not in ("的", "时")) or not generic:
                sev = Severity.MEDIUM
            else:
                continue
            start = min(matter[0], m.start())
            if matter[0] < m.start():
                # widen to the start of the matter's clause (the party and the charge) when it is
                # close: "被告人李某某涉嫌受贿一案，目前仍在侦查阶段"
                ms, _ = ctx.sentence(matter[0], matter[1], CLAUSE_ENDS) if matter[0] < cs else (cs, 0)
                start = ms if matter[0] - ms <= 24 else matter[0]
                # never reach back past a closing bracket: "（…手机139…）反映的问题正在核查中"
                lead = text[start:matter[0]]
                cut = max(lead.rfind(")"), lead.rfind("]"), lead.rfind("】"), lead.rfind("〕"))
                if cut >= 0:
                    start += cut + 1
            end = max(matter[1], m.end())
            # "(2025)皖0603民初1234号案件正在审理中": one finding for the number and its state
            for n in numbers:
                if s <= n.start <= start <= n.end + 4:
                    start = n.start
                    sev = max(sev, n.severity, key=lambda v: v.rank)
            yield META.hit(start, end, sev, "pending_state",
                           f"“{text[start:end]}”：所述案件或事项尚未处理完结，相关材料不应发布。", _SUGGESTION)


# "在…诉讼中未予支持/提出": the proceeding as a past setting, not a pending state.
_PAST_PROCEEDING = re.compile(r"未予|未获|提出|所提|主张|认定|查明|已")


_LEAD_IN = re.compile(r".*(?:不服|根据|依据|按照|收到|作出|关于|对|经|的|以|为|是|即|按|依|将|据|于|在|已|和|及|与)")


def _code_start(bracket: int, prefix: str) -> int:
    """Where the file code begins inside the prefix: 申请人王某不服|兴府复决字〔2025〕12号."""
    lead = _LEAD_IN.match(prefix)
    cut = lead.end() if lead else 0
    cut = max(cut, len(prefix) - 8)
    return bracket - len(prefix) + cut


def _nearest_matter(text: str, lo: int, s: int, e: int, hi: int) -> tuple[int, int] | None:
    """The matter word closest before the state (or just after it: 正在审理的案件)."""
    inside = _MATTER.search(text, s, e)
    before = [mm.span() for mm in _MATTER.finditer(text, lo, s)]
    if before:
        return before[-1] if inside is None else (before[-1][0], inside.end())
    if inside is not None:
        return inside.span()
    after = _MATTER.search(text, e, hi)
    return after.span() if after is not None else None


RULE = PendingCaseRule()
