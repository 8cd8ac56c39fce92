"""Document kind as context: what is legitimate in published text is lowered to `low`.

Run by the scan pipeline after every rule (app/scan.py). Nothing is dropped: a quieted hit stays
visible as a `low` hint with the reason, so an officer can still see it.

- statistical bulletin (统计公报, a statistics bureau's analysis): its figures are published; when
  the bureau itself is named as the issuer, the release needs no approval hint either.
- work report (政府工作报告 delivered to the congress): 预计/测算 figures for the year just ended
  are its standard wording (a strong cue such as 尚未发布 stays).
- judgment, ruling or case report: its own case numbers and states are concluded when the document
  carries a concluded cue (判决如下, 发生法律效力, 审理终结…); without one (facts only) just the
  narrative of its own proceedings (本案审理中) is history; offence names are the facts of the case.
- law or regulation: offence names (涉及卖淫、嫖娼、赌博的案件) and regulation vocabulary
  (造成工作秘密泄露) are not harmful content or marks; generic procedure text about pending
  matters is not a pending matter.

Harmful content and marks in chrome and hidden parts (html title, img alt, header, comment…) are
never quieted: that is where injected spam and real marks sit. Specific pending matters and bare case numbers in a law text
are not quieted either (a law text does not cite a live case).
"""

from __future__ import annotations

import re

from app.doc_kind import BULLETIN, JUDGMENT, LAW, WORK_REPORT
from app.model import Category, Severity
from app.rules.base import Hit, ScanContext
from app.rules.common import HIDDEN_OR_CHROME_PARTS, line_bounds

_REASON = {
    BULLETIN: "本文为已发布的统计公报或统计部门分析，所列数据已公开",
    WORK_REPORT: "本文为政府工作报告，预计、测算数为其惯用表述",
    JUDGMENT: "本文为已作出的裁判文书或案例",
    LAW: "本文为法律法规条文，所涉词语为法条用语",
}


def quiet_for_kind(ctx: ScanContext, hits: list[Hit]) -> list[Hit]:
    kind = ctx.kind.kind
    if kind not in _REASON:
        return hits
    out: list[Hit] = []
    for h in hits:
        if h.severity is not Severity.LOW and _legitimate(ctx, kind, h):
            h = Hit(h.start, h.end, h.category, Severity.LOW, h.rule, h.basis,
                    f"{h.message}（{_REASON[kind]}，降为提示。）", h.suggestion)
        out.append(h)
    return out


def _legitimate(ctx: ScanContext, kind: str, h: Hit) -> bool:
    cat = h.category
    if cat in (Category.HARMFUL_CONTENT, Category.SECRET_MARK) and (
            ctx.segment_at(h.start).location.part in HIDDEN_OR_CHROME_PARTS):
        return False
    s, e = ctx.sentence(h.start, h.end)
    text = ctx.text
    if kind == BULLETIN:
        if h.rule == "approval_required.statistics_release":
            return bool(ctx.kind.issuer)  # the statistics bureau's own release needs no approval
        # 初步核算 is a bulletin's wording; 内部数据/尚未发布 is not
        return cat is Category.UNPUBLISHED_STATISTIC and _UNRELEASED.search(text, s, e) is None
    if kind == WORK_REPORT:
        if cat is not Category.UNPUBLISHED_STATISTIC:
            return False
        return ctx.vocab.strong_cue_re.search(text, s, e) is None
    if cat is Category.HARMFUL_CONTENT:
        # the name of an offence in an article or in the facts of a case — never a site's or a
        # brand's vocabulary (bet365, 信誉线上, 皇冠体育 stay loud in any document)
        return (not h.rule.startswith("spam.") and _OFFENCE_NAME.search(text, h.start, h.end) is not None
                and _LEGAL_PROSE.search(text, s, e) is not None)
    if kind == JUDGMENT:
        if cat is Category.PENDING_CASE:
            if ctx.kind.concluded:
                return True
            # facts without the operative part: only the court's narrative of its own proceedings
            return h.rule == "pending_case.pending_state" and _OWN_PROCEEDINGS.search(text, h.start, h.end) is not None
        return False
    if kind == LAW:
        if cat is Category.PENDING_CASE:
            return h.rule == "pending_case.pending_state" and h.severity is Severity.MEDIUM
        if cat is Category.SECRET_MARK:
            # regulation vocabulary inside an article's prose, not a mark on a line of its own and
            # not a statement about this very document (本文件属于工作秘密)
            ls, le = line_bounds(ctx, h.start, h.end)
            return (le - ls > (h.end - h.start) + 8 and not h.rule.startswith("secret_mark.")
                    and _LEGAL_PROSE.search(text, s, e) is not None and _SELF.search(text, s, e) is None)
    return False


#: Words that name an offence (as laws and judgments do), as opposed to spam vocabulary.
_OFFENCE_NAME = re.compile(r"赌博|卖淫|嫖娼|淫秽|色情|毒品|吸毒|贩毒|邪教|传销|赌场|性交易|招嫖|赌球|私彩|六合彩|诈骗|洗钱")
#: Wording of an article or of a judgment's facts.
_LEGAL_PROSE = re.compile(r"应当|不得|依法|依照|违反|规定|处罚|处分|追究|责任|案件|行为|人员|犯罪|罪|被告人|查明|经审理"
                          r"|公安机关|组织|参与|开设|鉴定|条例|本法|造成|泄露|管理")
#: A judgment narrating its own proceedings (本案审理中, 审理期间).
_OWN_PROCEEDINGS = re.compile(r"本案(?:在)?(?:审理|诉讼|一审|二审)|审理期间|庭审中|诉讼中")
#: The sentence speaks about the document itself.
_SELF = re.compile(r"本文件|本文|此件|本件|本材料|本通知|本报告|请勿|勿外传|不得外传|注意保存|妥善保管")
#: A figure explicitly not released (even in a bulletin).
_UNRELEASED = re.compile(r"尚未|未发布|未公布|未公开|未对外|内部|请勿|不得对外|暂不对外|未经|待审定|待核")
