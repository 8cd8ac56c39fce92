"""Lexicon hits (wording, typo, sensitive_term, harmful_content, …) as findings.

The automaton pass (app.lexicon.matcher) has already applied the options "word" and
"not_in_title" and the allow-list. This rule turns each remaining hit into a `Hit` with the
entry's severity, note, suggestion and basis, and applies "context_lower": a hit in a sentence
that fights or reports the thing (打击赌博, 破除封建迷信, 举报色情网站) is lowered from
block/high to medium. harmful_content entries always get "context_lower".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.basis import compose_basis
from app.lexicon.model import LexiconEntry, LexiconHit
from app.model import Category, Severity
from app.rules.base import Hit, ScanContext

#: Words that mark a sentence as prohibiting, fighting or reporting what it names.
PROHIBITIVE_WORDS = (
    "严厉打击", "打击", "整治", "取缔", "严禁", "禁止", "破除", "清理", "举报", "查处", "抵制", "防范",
    "警惕", "揭露", "不得", "杜绝", "遏制", "铲除", "惩治", "侦破", "捣毁", "摧毁", "查获", "查封", "关停",
    "专项行动", "专项整治", "扫黄打非", "净网", "反邪教", "远离", "拒绝", "谨防", "识破", "曝光", "依法处理",
    "依法惩处", "违法犯罪", "犯罪团伙", "涉嫌", "危害", "治理", "封堵", "屏蔽", "拦截", "宣传教育", "提醒",
    "切勿", "不要参与", "受骗", "诈骗", "反对", "揭批", "批判", "谴责", "邪教", "处置", "预防", "化解",
    "破获", "抓获", "打掉", "查办", "诱骗", "骗局", "陷阱", "收缴", "没收",
)
PROHIBITIVE_RE = re.compile("|".join(sorted(map(re.escape, PROHIBITIVE_WORDS), key=len, reverse=True)))

DEFAULT_MESSAGES = {
    Category.WORDING: "提法不规范，可能与权威部门公开发布的表述不一致。",
    Category.TYPO: "疑似错别字。",
    Category.SENSITIVE_TERM: "含敏感信息或应慎重处理的内容，发布前须核实是否可以公开。",
    Category.HARMFUL_CONTENT: "含违法有害信息，政府网站不得发布。",
    Category.SECRET_MARK: "含密级或涉密标志，涉密信息不得上网。",
    Category.UNPUBLISHED_STATISTIC: "可能含尚未发布的统计数据。",
    Category.PENDING_CASE: "可能涉及尚未处理完结的案件。",
    Category.PERSONAL_INFO: "可能含个人信息。",
    Category.APPROVAL_REQUIRED: "此类信息发布前须按规定报请审批。",
    Category.HIDDEN_CONTENT: "含读者看不到但文件中可读出的内容。",
}


class LexiconRule:
    id = "lexicon_rule"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        for h in ctx.lexicon_hits:
            entry = h.entry
            if entry.allow:
                continue
            if entry.category is Category.SECRET_MARK and "code" in entry.options:
                continue  # reserved for the secret_mark rule
            yield self._hit(ctx, h, entry)

    def _hit(self, ctx: ScanContext, h: LexiconHit, entry: LexiconEntry) -> Hit:
        severity = entry.severity
        message = entry.note or _default_message(entry)
        if severity.rank >= Severity.HIGH.rank and _lowers(entry):
            word = prohibitive_context(ctx, h.start, h.end)
            if word and entry.category is Category.HARMFUL_CONTENT and _named_offence(ctx, h.start, h.end):
                severity = Severity.LOW
                message = f"{message}（所在句有“{word}”，且作为违法犯罪类别列举，属正当表述，降为提示。）"
            elif word:
                severity = Severity.MEDIUM
                message = f"{message}（所在句有“{word}”等整治、举报语境，可能是正当表述，已降为需核实。）"
            elif entry.category is Category.HARMFUL_CONTENT and (
                    _legal_enumeration(ctx, h.start, h.end) or _CASE_CLASS.match(ctx.text, h.end)):
                severity = Severity.LOW
                message = f"{message}（作为违法行为类别列举（如“涉及卖淫、嫖娼的案件”），属法条或公文用语，降为提示。）"
        if entry.category is Category.WORDING and _part_of_title_word(ctx, h.end, entry.term):
            severity = Severity.LOW
            message = f"{message}（“{entry.term}”后接“工作报告”，此处是“政府工作报告”一词的一部分。）"
        basis = compose_basis(entry.id, entry.category, entry.basis)  # national law first
        return Hit(h.start, h.end, entry.category, severity, entry.id, basis, message, entry.suggestion)


#: An offence named as a category: an item of a list (赌博、卖淫嫖娼) or followed by the class
#: noun (网络赌博违法犯罪活动).
_OFFENCE_CLASS = re.compile(r"(?:[^,。;\n]{0,8}?等)?(?:违法犯罪|犯罪|违法|活动|行为|案件|问题|乱象|现象)")


def _named_offence(ctx: ScanContext, start: int, end: int) -> bool:
    text = ctx.text
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before == "、" or after in ("、", "等"):
        return True
    return _OFFENCE_CLASS.match(text, end, min(len(text), end + 16)) is not None


_CLASS_NOUN = re.compile(r"案件|行为|活动|犯罪|违法|人员|问题")
#: The term names a class of criminal cases: 网络赌博案件, 卖淫嫖娼犯罪.
_CASE_CLASS = re.compile(r"(?:案件|案|犯罪|违法犯罪|罪)")
_CLAUSE_STOP = re.compile(r"[,。;:\n!?]")


def _legal_enumeration(ctx: ScanContext, start: int, end: int) -> bool:
    """An item of a 、-list of offences that names a class of cases or acts:
    涉及卖淫、嫖娼、赌博的案件; 对吸毒、赌博人员…"""
    text = ctx.text
    if not ((start > 0 and text[start - 1] == "、") or text.startswith("、", end)):
        return False
    stop = _CLAUSE_STOP.search(text, end, min(len(text), end + 24))
    tail = text[end:stop.start() if stop else min(len(text), end + 24)]
    return _CLASS_NOUN.search(tail) is not None


def _part_of_title_word(ctx: ScanContext, end: int, term: str) -> bool:
    """A term ending in 政府 followed by 工作报告: the report's name, not the government's."""
    return term.endswith("政府") and ctx.text.startswith("工作报告", end)


def _lowers(entry: LexiconEntry) -> bool:
    return entry.category is Category.HARMFUL_CONTENT or "context_lower" in entry.options


def _default_message(entry: LexiconEntry) -> str:
    if entry.suggestion and entry.category is Category.TYPO:
        return f"疑似错别字，应为“{entry.suggestion}”。"
    if entry.suggestion and entry.category is Category.WORDING:
        return f"提法不规范，规范表述为“{entry.suggestion}”。"
    return DEFAULT_MESSAGES[entry.category]


#: How far from the hit a prohibitive word may stand (normalised characters). A word further
#: away in a long run-on "sentence" (PDF text, injected spam without punctuation) says nothing
#: about the hit.
CONTEXT_BEFORE = 16
CONTEXT_AFTER = 10
#: Clause ends for the context search; "、" is not one (打击赌博、色情和迷信活动).
_CONTEXT_ENDS = frozenset("。!?;\n,")


def prohibitive_context(ctx: ScanContext, start: int, end: int) -> str | None:
    """The nearest prohibitive/reporting word in the same clause as [start, end), within a few
    characters, not counting the hit itself."""
    s, e = ctx.sentence(start, end, _CONTEXT_ENDS)
    text = ctx.text
    for part in (text[max(s, start - CONTEXT_BEFORE):start], text[end:min(e, end + CONTEXT_AFTER)]):
        m = ctx.vocab.prohibitive_re.search(part)
        if m:
            return m.group(0)
    return None


RULE = LexiconRule()
