"""密级标志: classification marks and "not for release" notices a published page must never carry.

Structured marks are found here with regexes: 绝密★长期 / 机密★10年 / 秘密★ (with the period
checked against the legal maxima), "密级：秘密" fields, a bare 绝密/机密/秘密 standing alone as a
mark (a short line, a header, a metadata field), 公开属性 fields saying 不予公开, and combined
notices such as "内部资料 注意保存". Single terms (工作秘密, 内部文件, 请勿外传…) and their allow
entries live in lexicons/secret_mark.csv and are emitted by the lexicon engine.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

from app.model import Category, Part, Severity
from app.rules.base import Hit, ScanContext
from app.rules.common import BASIS_SECRECY, HIDDEN_OR_CHROME_PARTS, RuleMeta, line_bounds

META = RuleMeta(Category.SECRET_MARK, "secret_mark", BASIS_SECRECY)

_LEVELS = "绝密|机密|秘密"
_CN_NUM = "零一二三四五六七八九十两百"
# Legal maxima (保守国家秘密法 第十五条): 绝密 30 years, 机密 20 years, 秘密 10 years.
_MAX_YEARS = {"绝密": 30, "机密": 20, "秘密": 10}

_PREFILTER = re.compile(rf"{_LEVELS}|内部(?:资料|文件|刊物|参考|材料|发行|明电)|公开(?:属性|方式|类型|形式|选项)"
                        r"|保密期限|[本此](?:文件|件|材料|资料|通知|报告|简报|信息|稿)")

# 绝密★长期, 机密★10年, 秘密★6个月, 秘密★2030年12月31日解密, 机密★ (no period)
_STAR = re.compile(
    rf"(?P<level>{_LEVELS}) ?[★☆*] ?"
    rf"(?P<period>长期|永久|(?:19|20)\d\d年\d{{1,2}}月(?:\d{{1,2}}日)?(?:解密)?"
    rf"|(?P<num>\d{{1,3}}|[{_CN_NUM}]{{1,4}}) ?(?P<unit>年|个月|月))?")
# 密级：秘密 / 密级 机密 / 密级为绝密，请… — but not "密级为绝密、机密、秘密三级" (nor "绝密,机密,秘密")
_FIELD = re.compile(rf"密 ?级 ?[:]? ?(?:为|是)? ?(?P<level>{_LEVELS})(?![、和及与或三级]|[,;] ?(?:{_LEVELS}))")
# A line that is nothing but a mark: "机密", "【秘密】", "000123 机密 特急", "秘密 加急"
_BARE_LINE = re.compile(
    rf"(?:份号[:]?)?[\d\s]*[【\[(]?(?P<level>{_LEVELS})[】\])]? ?(?:特急|加急|平急|特提|急件)?[\s\d]*")
# Characters that make 秘密/机密 part of a word (秘密投票, 机密性, 秘密级…) rather than a mark.
_COMPOUND_NEXT = frozenset("性投写级等事载信资数会通联工侦")
_SEPARATORS = frozenset(" \t\r\n\u3000,，;；:：、|/()（）[]【】-—·")


def _is_separator(ch: str) -> bool:
    return ch in _SEPARATORS
# 内部资料 注意保存 / 内部文件，请勿外传 …
_NOTICE = re.compile(
    r"内部(?:资料|文件|刊物|参考|材料|发行)[,、;。 ]?"
    r"(?:注意保存|妥善保管|注意保密|(?:请勿|不得|严禁|禁止|切勿|不准)(?:外传|外泄|扩散|翻印|对外公开|对外提供)"
    r"|(?:请勿|切勿)(?:转发|复制|上网|公开))")  # "内部文件不得上网" is a rule, "请勿上网" a notice
# A line that is nothing but an internal-material mark ("内部资料", "【内部文件】", "内部参考 第3期"),
# or the mark in brackets after a title ("工作简报（内部资料）"): the document's own label.
_INTERNAL = re.compile(r"内部(?:资料|文件|刊物|参考|发行|明电)")
_INTERNAL_LINE = re.compile(
    r"[【\[(]?内部(?:资料|文件|刊物|参考|发行|明电)[】\])]? ?"
    r"(?:注意保存|妥善保管|注意保密|第?[\d一二三四五六七八九十]{1,4}期|[\d ]{0,8})?")
_BRACKETED = re.compile(r"[【\[(]内部(?:资料|文件|刊物|参考|发行|明电)(?:[,、 ]?(?:注意保存|妥善保管|请勿外传|注意保密))?[】\])]")
# 保密期限：十年 / 保密期限: 长期 — a field of a classified document (not "国家秘密的保密期限，除…")
_PERIOD_FIELD = re.compile(rf"保密期限 ?[:] ?(?:为 ?)?(?:长期|永久|\d{{1,3}} ?(?:年|个月)|[{_CN_NUM}]{{1,4}} ?(?:年|个月))")
# The document says of itself that it is not for release: 本文件不得在互联网上发布, 此材料严禁对外公开,
# 本报告数据请勿外传 (a rule about other documents — 涉密信息不得公开 — has no 本/此)
_SELF_NOT_FOR_RELEASE = re.compile(
    r"[本此](?:文件|件|材料|资料|通知|报告|简报|信息|稿)[^。;!?\n]{0,8}?"
    r"(?:不得|不宜|不予|禁止|严禁|请勿|切勿)(?:在互联网上?|在网上|在网站上?|在门户网站上?|对外|向社会)?"
    r"(?:公开|上网|发布|外传)")  # not 转载: "此稿件未经许可不得转载" is a copyright line
# 公开属性：不予公开 / 公开方式:依申请公开
_RELEASE_FIELD = re.compile(r"公开(?:属性|方式|类型|形式|选项) ?[:]? ?(?P<value>不予公开|不公开|依申请公开|依申请)")


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["两"] = 2
    total, cur = 0, 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


class SecretMarkRule:
    id = "secret_mark"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        text = ctx.text
        if not _PREFILTER.search(text):
            return []
        hits = [*self._star(ctx), *self._fields(ctx), *_unless_level_listing(ctx, list(self._bare(ctx))),
                *self._notices(ctx)]
        return [h for h in hits if not ctx.allowed(Category.SECRET_MARK, h.start, h.end)]

    def _star(self, ctx: ScanContext) -> Iterator[Hit]:
        for m in _STAR.finditer(ctx.text):
            level = m["level"]
            years = None
            if m["num"]:
                n = _cn_int(m["num"])
                if n is not None:
                    years = n / 12 if m["unit"] in ("个月", "月") else n
            if years is not None and years > _MAX_YEARS[level]:
                yield META.hit(m.start(), m.end(), Severity.BLOCK, "classification_over_limit",
                               f"文中含密级标志“{m[0]}”，且标注的保密期限超过{level}级法定最长期限"
                               f"（{_MAX_YEARS[level]}年）。涉密文件严禁上网发布。",
                               "立即停止发布，将文件交保密工作机构核定密级和保密期限。")
            else:
                yield META.hit(m.start(), m.end(), Severity.BLOCK, "classification",
                               f"文中含密级标志“{m[0]}”，属涉密文件，严禁上网发布（涉密不上网）。",
                               "停止发布；如确需公开，须经定密机关依法解密后删除密级标志再审。")

    def _fields(self, ctx: ScanContext) -> Iterator[Hit]:
        for m in _FIELD.finditer(ctx.text):
            yield META.hit(m.start(), m.end(), Severity.BLOCK, "classification_field",
                           f"文中标注“{m[0]}”，属涉密文件，严禁上网发布。",
                           "停止发布；如确需公开，须经定密机关依法解密后再审。")
        for m in _PERIOD_FIELD.finditer(ctx.text):
            before = ctx.text[max(0, m.start() - 20):m.start()].rsplit("\n", 1)[-1]   # this line only
            if _FIELD.search(before) or _STAR.search(before):
                continue  # 密级：秘密 保密期限：5年 — one mark, already reported by its level
            yield META.hit(m.start(), m.end(), Severity.BLOCK, "classification_period",
                           f"文中标注“{m[0]}”，属标明保密期限的涉密文件，严禁上网发布。",
                           "停止发布；如确需公开，须经定密机关依法解密后再审。")
        for m in _SELF_NOT_FOR_RELEASE.finditer(ctx.text):
            yield META.hit(m.start(), m.end(), Severity.BLOCK, "self_not_for_release",
                           f"文中写明“{m[0]}”，文件自身注明不得公开，不得上网发布。",
                           "停止发布；确需公开的，须经制发机关审批并删除该说明后再审。")
        for m in _RELEASE_FIELD.finditer(ctx.text):
            if m["value"].startswith("依申请"):
                yield META.hit(m.start(), m.end(), Severity.MEDIUM, "release_on_request",
                               f"文件公开属性标注为“{m['value']}”，不属于主动公开范围。",
                               "核实公开属性；依申请公开的信息不宜在门户网站主动发布。")
            else:
                yield META.hit(m.start(), m.end(), Severity.BLOCK, "not_for_release",
                               f"文件公开属性标注为“{m['value']}”，不得上网发布。",
                               "停止发布；确需公开的，须重新确定公开属性并履行审批。")

    def _bare(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        original = ctx.norm.original
        for m in re.finditer(_LEVELS, text):
            s, e = m.start(), m.end()
            if s and text[s - 1] in "工商业家国民个的":  # 工作秘密, 商业秘密, 国家秘密… are terms, not marks
                continue
            if _STAR.match(text, s) or _FIELD.search(text, max(0, s - 6), e) is not None:
                continue  # a star mark or a field already covers it
            ls, le = line_bounds(ctx, s, e)
            stripped = text[ls:le].strip()
            if not (len(stripped) <= 24 and _BARE_LINE.fullmatch(stripped)):
                if ctx.segment_at(s).location.part not in HIDDEN_OR_CHROME_PARTS:
                    continue
                # a token of its own in the original header/footer/metadata text
                o_s, o_e = ctx.norm.to_original(s, e)
                before = original[o_s - 1] if o_s > 0 else "\n"
                after = original[o_e] if o_e < len(original) else "\n"
                if not (_is_separator(before) and (_is_separator(after) or after in "★☆")):
                    continue
                if e < len(text) and text[e] in _COMPOUND_NEXT:
                    continue
            yield META.hit(s, e, Severity.BLOCK, "classification_bare",
                           f"“{m[0]}”作为密级标志单独出现（页眉、首行或文档属性），文件可能涉密。",
                           "核实文件密级；涉密文件严禁上网发布，非涉密文件须删除该标志后再审。")

    def _notices(self, ctx: ScanContext) -> Iterator[Hit]:
        text = ctx.text
        noticed_starts: list[int] = []  # _NOTICE matches: sorted and non-overlapping
        noticed_ends: list[int] = []
        for m in _NOTICE.finditer(text):
            noticed_starts.append(m.start())
            noticed_ends.append(m.end())
            yield META.hit(m.start(), m.end(), Severity.BLOCK, "internal_notice",
                           f"文中含“{m[0]}”标注，属内部资料，不得在门户网站公开发布。",
                           "停止发布；内部资料不上网，确需公开的须经制发机关审批并删除该标注。")
        for m in _INTERNAL.finditer(text):
            s, e = m.span()
            i = bisect_right(noticed_starts, s) - 1
            if i >= 0 and s < noticed_ends[i]:  # inside a notice (bisection: linear in the hits)
                continue
            ls, le = line_bounds(ctx, s, e)
            bracket = _BRACKETED.match(text, max(0, s - 1))
            if bracket is not None and bracket.start() == s - 1:
                s, e = bracket.span()
            elif not (le - ls <= 24 and _INTERNAL_LINE.fullmatch(text[ls:le].strip())):
                continue
            yield META.hit(s, e, Severity.BLOCK, "internal_mark",
                           f"“{text[s:e]}”作为文件标注出现，属内部资料，不得在门户网站公开发布。",
                           "停止发布；内部资料不上网，确需公开的须经制发机关审批并删除该标注。")


def _unless_level_listing(ctx: ScanContext, bare: list[Hit]) -> list[Hit]:
    """Table cells naming two or more levels (绝密 | 30年, 机密 | 20年…) describe the levels."""
    in_tables = [h for h in bare if ctx.segment_at(h.start).location.part in (Part.TABLE, Part.CELL)]
    if len({ctx.text[h.start:h.end] for h in in_tables}) < 2:
        return bare
    listed = set(in_tables)
    return [h for h in bare if h not in listed]


RULE = SecretMarkRule()
