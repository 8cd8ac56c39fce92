"""What a document is, from its own signals: a draft or notice, a published statistical bulletin,
a judgment or ruling, a law or regulation, a government work report, a web page.

Rules use the kind as context (figures in a published bulletin are not unpublished statistics;
a judgment's own case numbers are not pending cases; offence names in a law are not harmful
content). Detection looks only at the head and the tail of the normalised text (a few thousand
characters), never at the whole text again, so it costs nothing measurable on long documents.

A draft cue (征求意见稿, 送审稿, 讨论稿…) in the head always wins: a draft of a bulletin, a law or a
report is not yet published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DRAFT = "draft"
BULLETIN = "statistical_bulletin"
JUDGMENT = "judgment"
LAW = "law"
WORK_REPORT = "work_report"
WEB_PAGE = "web_page"

#: Kinds that are published text: figures, case numbers and offence names in them are quiet.
PUBLISHED_KINDS = frozenset({BULLETIN, JUDGMENT, LAW, WORK_REPORT})

LABELS = {
    DRAFT: "待发布稿件或通知",
    BULLETIN: "已发布的统计公报或统计分析",
    JUDGMENT: "裁判文书（判决、裁定）或案例",
    LAW: "法律法规或规章条文",
    WORK_REPORT: "政府工作报告",
    WEB_PAGE: "网页",
}

HEAD_CHARS = 1500
TAIL_CHARS = 800

_DRAFT_CUE = re.compile(r"征求意见稿|送审稿|讨论稿|审议稿|修改稿|初稿|草稿|(?<![的])草案(?!》)|代拟稿|(?:未定稿|待审核|待发布)")
_LINE_START_ARTICLE = re.compile(r"(?:^|\n) ?第[一二三四五六七八九十百零〇]+条")
_GENERAL_PROVISIONS = re.compile(r"第一章 ?总 ?则")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇]+条")
_CHAPTER = re.compile(r"(?:^|\n) ?第[一二三四五六七八九十]+章 ?[\u4e00-\u9fff ]{1,8}")
_LAW_TITLE = re.compile(r"(?:法|条例|规定|办法|细则|规则|实施意见|若干意见|解释|规程)$")
_ENACTED = re.compile(r"(?:通过|公布|发布|施行|修订|修正|批准)\s*\)?$")
_JUDGMENT_TITLE = re.compile(r"(?:判决书|裁定书|调解书|决定书)")
_JUDGMENT_OPERATIVE = re.compile(r"判决如下|裁定如下|本院认为|本院经审理|经审理查明|审理终结|发生法律效力|本判决为终审判决")
_JUDGMENT_SIGNATURE = re.compile(r"审 ?判 ?长|审 ?判 ?员|书 ?记 ?员|人民陪审员")
_JUDGMENT_PARTIES = re.compile(r"上诉人\(原审|被上诉人|原审(?:原告|被告)|公诉机关|被告人[\u4e00-\u9fff]{1,4}(?:犯|因|于|,)")
_CASE_REPORT = re.compile(r"基本案情|裁判结果|典型意义|裁判要旨|案情简介")
_DEFENDANT = re.compile(r"被告人")
_CONCLUDED = re.compile(r"判决如下|裁定如下|决定如下|发生法律效力|审理终结|终审判决|终审裁定|已审结|已结案|已办结|维持原判|驳回上诉")
# Only the formal published genre: an economic analysis or a 快报 may well be an unreleased draft.
_BULLETIN_TITLE = re.compile(r"统计公报")
_STAT_ISSUER = re.compile(r"(?:^|\n)[\u4e00-\u9fff]{0,12}(?:统计局|调查队|统计中心)\s*(?:\n|$)")
_WORK_REPORT = re.compile(r"政府工作报告")
_DELEGATES = re.compile(r"各位代表")
_CHROME = re.compile(r"当前位置|您的位置|首页 ?>|打印本页|关闭窗口|字体 ?[:]|字号 ?[:]|扫一扫在手机打开|分享到|来源 ?[:]")


@dataclass(frozen=True, slots=True)
class DocKind:
    kind: str                       # one of DRAFT, BULLETIN, JUDGMENT, LAW, WORK_REPORT, WEB_PAGE
    signals: tuple[str, ...] = ()   # Chinese: what decided it
    concluded: bool = False         # judgment: carries a concluded cue (判决如下, 发生法律效力…)
    issuer: str = ""                # bulletin: the statistics bureau named as its issuer

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind)

    @property
    def published(self) -> bool:
        return self.kind in PUBLISHED_KINDS

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "label": self.label, "signals": list(self.signals),
                "concluded": self.concluded, "issuer": self.issuer or None}


DEFAULT_KIND = DocKind(DRAFT)


def _in_book_title(text: str, pos: int) -> bool:
    """True when pos sits inside 《…》 (a cited title) on its line."""
    left = text.rfind("《", 0, pos)
    return left >= 0 and text.rfind("》", left, pos) < 0 and text.rfind("\n", left, pos) < 0


def _title_lines(head: str, limit: int = 8) -> list[str]:
    """The first short lines of the head (web-page chrome lines are skipped)."""
    out: list[str] = []
    for line in head.split("\n"):
        line = line.strip()
        if not line or _CHROME.search(line) or len(line) <= 2:
            continue
        out.append(line)
        if len(out) >= limit:
            break
    return out


def detect_kind(text: str) -> DocKind:
    """The kind of a document from the head and tail of its normalised text."""
    head = text[:HEAD_CHARS]
    tail = text[-TAIL_CHARS:] if len(text) > HEAD_CHARS else ""
    ends = head + "\n" + tail
    titles = _title_lines(head)
    title_block = "\n".join(titles[:4])
    web = [f"网页框架“{m[0]}”" for m in (_CHROME.search(ends),) if m]

    draft = _DRAFT_CUE.search(title_block)
    if draft:
        return DocKind(DRAFT, (f"标题含“{draft[0]}”",))

    judgment: list[str] = []
    if m := _JUDGMENT_TITLE.search(title_block):
        judgment.append(f"标题含“{m[0]}”")
    if m := _JUDGMENT_OPERATIVE.search(ends):
        judgment.append(f"裁判用语“{m[0]}”")
    if m := _JUDGMENT_SIGNATURE.search(tail or head[-TAIL_CHARS:]):
        judgment.append(f"署名“{m[0]}”")
    if m := _JUDGMENT_PARTIES.search(head):
        judgment.append(f"当事人列示“{m[0]}”")
    strong = bool(judgment) and judgment[0].startswith("标题")
    if m := _CASE_REPORT.search(title_block):
        judgment.append(f"案例栏目“{m[0]}”")
        strong = True
    elif m := _CASE_REPORT.search(head):
        judgment.append(f"案例栏目“{m[0]}”")
    defendants = len(_DEFENDANT.findall(head))
    if defendants >= 3:
        judgment.append(f"事实部分反复称“被告人”（{defendants}次）")
        strong = strong or defendants >= 5
    if len(judgment) >= 2 or strong:
        concluded = _CONCLUDED.search(ends)
        if concluded:
            judgment.append(f"审结用语“{concluded[0]}”")
        return DocKind(JUDGMENT, tuple(judgment + web), concluded=concluded is not None)

    law: list[str] = []
    articles = len(_LINE_START_ARTICLE.findall(head))
    if articles < 2 and {"第一条", "第二条", "第三条"} <= set(_ARTICLE.findall(head)):
        articles = len(_ARTICLE.findall(head))  # a PDF whose lines the normaliser joined
    if articles >= 2:
        law.append(f"第X条条文结构（开头{articles}条）")
    if m := _CHAPTER.search(head) or _GENERAL_PROVISIONS.search(head):
        law.append(f"分章结构“{m[0].strip()}”")
    if titles and _LAW_TITLE.search(titles[0]):
        law.append(f"标题“{titles[0][:30]}”")
    if any(_ENACTED.search(line) for line in titles[1:5]):
        law.append("通过、公布或施行日期")
    if articles >= 2 and len(law) >= 2:
        return DocKind(LAW, tuple(law + web))

    bulletin: list[str] = []
    m = _BULLETIN_TITLE.search(title_block)
    if m and not _in_book_title(title_block, m.start()):
        bulletin.append(f"标题含“{m[0]}”")
    issuer = ""
    if m := _STAT_ISSUER.search(head):
        issuer = m[0].strip()
        bulletin.append(f"发布机关“{issuer}”")
    if bulletin and bulletin[0].startswith("标题"):
        return DocKind(BULLETIN, tuple(bulletin + web), issuer=issuer)

    if (m := _WORK_REPORT.search(title_block)) and _DELEGATES.search(head):
        return DocKind(WORK_REPORT, (f"标题含“{m[0]}”", "致辞“各位代表”", *web))

    if web:
        return DocKind(WEB_PAGE, tuple(web))
    return DEFAULT_KIND
