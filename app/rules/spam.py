"""Injected spam beyond exact entries (违法有害信息): titles and headings stuffed with porn-site or
gambling-site vocabulary, and lottery-result spam, scored from morphemes rather than matched verbatim.

The morphemes and their weights live in `lexicons/spam/morphemes.csv` (maintained by the secrecy
bureau, not in code). A *run* is a chain of morphemes with short gaps (no sentence end between).
A run is spam when it is dense (mostly morphemes), names at least three different ones, one of them
strong, and its score — the weights, repetitions included, plus the shapes of SEO stuffing (joints
of `_ | , /` or spaces between keywords; draw times and issue numbers such as 21:30, 第2031052期) —
reaches the threshold. Government prose that names offences to fight them (严厉打击赌博、卖淫嫖娼)
is not a run (it is not dense, and its prohibitive context is checked as for lexicon entries).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.model import Category, Severity
from app.normalize import normalize
from app.rules.base import Hit, ScanContext
from app.rules.common import RuleMeta, line_bounds
from app.rules.lexicon_rule import prohibitive_context

# the national basis (互联网信息服务管理办法 第十五条…) is put first by app.basis
BASIS_SPAM = "兴义市人民政府官方网站管理制度 第十五条(6)（不得传播淫秽、色情、赌博信息）"
META = RuleMeta(Category.HARMFUL_CONTENT, "spam", BASIS_SPAM)
_SUGGESTION = "删除；此类关键词堆砌或开奖信息多为网页被篡改植入，立即报告网站主管单位并排查网站安全。"

#: Scoring (see the module docstring).
MAX_GAP = 6             # characters between two morphemes of one run
MIN_DISTINCT = 3        # different positive morphemes in a run
STRONG_WEIGHT = 3       # at least one morpheme this heavy
MIN_DENSITY = 0.5       # share of the run's characters covered by morphemes
THRESHOLD = 9           # score at which a run is spam
_SENTENCE_END = frozenset("。!?;\n")
_JOINT = re.compile(r"[\s_|,/\-·•~｜丨＿]+")
_CODE = re.compile(r"\d{1,2}:\d{2}|第?\d{3,}期|\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|\d{6,}")
CODE_BONUS = 3         # per draw time or issue number before lottery words (at most two)
CODE_REACH = 6         # characters between a code and the lottery words it heads
_ASCII = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Morpheme:
    term: str       # normalised
    group: str
    weight: int


def morphemes_path() -> Path:
    from app.paths import lexicons_dir

    return lexicons_dir() / "spam" / "morphemes.csv"


def parse_morphemes(data: str) -> tuple[Morpheme, ...]:
    """`term,group,weight[,note]` rows after `#` comment lines and a header row."""
    lines = [line for line in data.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    out: dict[str, Morpheme] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        term = normalize((row.get("term") or "").strip()).text.replace(" ", "")
        if not term:
            continue
        out[term] = Morpheme(term, (row.get("group") or "").strip(), int((row.get("weight") or "1").strip()))
    return tuple(out.values())


def build_table(rows: Iterable[tuple[str, str, int]]) -> tuple[dict[str, Morpheme], re.Pattern[str]]:
    """(normalised term → Morpheme, alternation) from (term, group, weight) rows (a later row of
    the same normalised term wins, as in the CSV)."""
    by_term: dict[str, Morpheme] = {}
    for raw, group, weight in rows:
        term = normalize(raw.strip()).text.replace(" ", "")
        if term:
            by_term[term] = Morpheme(term, group.strip(), weight)
    if not by_term:
        return by_term, re.compile(r"(?!)")
    # a plain alternation of literals (lookarounds would cost 8x); ASCII boundaries are checked
    # on each match instead
    return by_term, re.compile("|".join(re.escape(t) for t in sorted(by_term, key=len, reverse=True)))


@cache
def bundled_table() -> tuple[dict[str, Morpheme], re.Pattern[str]]:
    """The table of `lexicons/spam/morphemes.csv`."""
    path = morphemes_path()
    found = parse_morphemes(path.read_text(encoding="utf-8-sig")) if path.is_file() else ()
    return build_table((m.term, m.group, m.weight) for m in found)


@dataclass
class _Run:
    start: int
    end: int
    terms: list[Morpheme]
    covered: int
    joints: int


def _codes(text: str, start: int, end: int) -> int:
    """Draw times and issue numbers inside the run or chained directly before it
    (2031年07月12日 第2031189期 快三开奖…), not a time mentioned further back in a sentence."""
    inside = len(_CODE.findall(text, start, end))
    before = sorted(_CODE.finditer(text, max(0, start - 32), start), key=lambda m: -m.start())
    anchor, chained = start, 0
    for m in before:
        if m.end() < anchor - CODE_REACH:
            break
        chained += 1
        anchor = m.start()
    return inside + chained


def _joint(ctx: ScanContext, a: int, b: int) -> bool:
    """True when the original text between two adjacent morphemes (normalised [a, b)) is only an
    SEO joint: `_`, `|`, `,`, `/` or spaces (normalisation drops most of them)."""
    norm = ctx.norm
    if a <= 0 or b >= len(norm.text):
        return False
    o_a = norm.origin[a - 1] + 1
    o_b = norm.origin[b]
    gap = norm.original[o_a:o_b]
    return bool(gap) and _JOINT.fullmatch(gap) is not None


class SpamRule:
    id = "spam"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        by_term, pattern = ctx.vocab.spam_table
        if not by_term:
            return []
        return list(self._runs(ctx, by_term, pattern))

    def _runs(self, ctx: ScanContext, by_term: dict[str, Morpheme], pattern: re.Pattern[str]) -> Iterator[Hit]:
        text = ctx.text
        run: _Run | None = None
        for m in pattern.finditer(text):
            morpheme = by_term[m[0]]
            if morpheme.term.isascii() and (_ASCII.match(text, m.end()) or (
                    m.start() > 0 and _ASCII.match(text[m.start() - 1]))):
                continue  # "av" inside "java", "avs"
            if run is not None and m.start() - run.end <= MAX_GAP and not _SENTENCE_END.intersection(
                    text[run.end:m.start()]):
                if _joint(ctx, run.end, m.start()):
                    run.joints += 1
                run.end = m.end()
                run.terms.append(morpheme)
                run.covered += m.end() - m.start()
                continue
            if run is not None:
                hit = self._judge(ctx, run)
                if hit is not None:
                    yield hit
            run = _Run(m.start(), m.end(), [morpheme], m.end() - m.start(), 0)
        if run is not None:
            hit = self._judge(ctx, run)
            if hit is not None:
                yield hit

    def _judge(self, ctx: ScanContext, run: _Run) -> Hit | None:
        positive = {t.term for t in run.terms if t.weight > 0}
        if max(t.weight for t in run.terms) < STRONG_WEIGHT:
            return None
        text = ctx.text
        groups = {t.group for t in run.terms if t.weight > 0}
        codes = _codes(text, run.start, run.end)
        # a draw code (第2031189期, 21:30) before lottery words needs one morpheme less
        if len(positive) < MIN_DISTINCT - (1 if codes and "lottery" in groups else 0):
            return None
        if run.covered / (run.end - run.start) < MIN_DENSITY and run.joints < 2:
            return None
        score = sum(t.weight for t in run.terms) + min(run.joints, 4) + (CODE_BONUS * min(codes, 2) if "lottery" in groups else 0)
        if score < THRESHOLD:
            return None
        if prohibitive_context(ctx, run.start, run.end) or prohibitive_context(ctx, run.start, run.start):
            return None
        if run.joints >= 2:
            sub, what = "seo_chain", "关键词堆砌（以分隔符连接的色情、赌博网站用词）"
        elif groups & {"lottery", "gamble"}:
            sub, what = "lottery", "开奖、投注类赌博垃圾信息"
        else:
            sub, what = "porn", "色情网站用词堆砌"
        start, end = run.start, run.end
        ls, le = line_bounds(ctx, start, end)
        if (le - ls) <= 2 * (end - start) + 20:
            start, end = ls, le  # the whole stuffed title or line
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        shown = text[start:end]
        terms = "、".join(dict.fromkeys(t.term for t in run.terms if t.weight > 0))
        return META.hit(start, end, Severity.BLOCK, sub,
                        f"“{shown[:40]}”为{what}（{terms}），常见于网站被篡改植入的内容，政府网站不得发布。",
                        _SUGGESTION)


RULE = SpamRule()
