"""Paragraph looks from WordprocessingML: style inheritance (styles.xml), direct formatting and
list numbering (numbering.xml), reduced to `app.structure.Style` for the document view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.readers.wordml import W
from app.structure import Alignment, Span, Style

_JC: dict[str, Alignment] = {"left": "left", "start": "left", "center": "center", "right": "right",
                             "end": "right", "both": "justify", "distribute": "justify"}
_HEADING_NAMES = ("heading ", "标题 ", "标题")
_FALSE = frozenset({"0", "false", "off"})


def _on(el: Any) -> bool:
    """A w:ON/OFF toggle (w:b, w:i) is on unless w:val says otherwise."""
    return str(el.get(W + "val", "true")).lower() not in _FALSE


@dataclass
class _Look:
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    size: float | None = None
    jc: Alignment | None = None
    outline: int | None = None
    num: tuple[str, int] | None = None   # (numId, ilvl)


def _rpr(rpr: Any, look: _Look) -> None:
    if rpr is None:
        return
    b = rpr.find(W + "b")
    if b is not None:
        look.bold = _on(b)
    i = rpr.find(W + "i")
    if i is not None:
        look.italic = _on(i)
    u = rpr.find(W + "u")
    if u is not None:
        look.underline = str(u.get(W + "val", "single")).lower() != "none"
    sz = rpr.find(W + "sz")
    if sz is not None and (sz.get(W + "val") or "").isdigit():
        look.size = int(sz.get(W + "val")) / 2


def _ppr(ppr: Any, look: _Look) -> None:
    if ppr is None:
        return
    jc = ppr.find(W + "jc")
    if jc is not None and jc.get(W + "val") in _JC:
        look.jc = _JC[jc.get(W + "val")]
    outline = ppr.find(W + "outlineLvl")
    if outline is not None and (outline.get(W + "val") or "").isdigit():
        look.outline = int(outline.get(W + "val"))
    num = ppr.find(W + "numPr")
    if num is not None:
        nid, lvl = num.find(W + "numId"), num.find(W + "ilvl")
        num_id = nid.get(W + "val") if nid is not None else None
        level = lvl.get(W + "val") if lvl is not None else "0"
        if num_id is not None:
            look.num = (num_id, int(level) if (level or "").isdigit() else 0)


def _merge(base: _Look, over: _Look) -> _Look:
    return _Look(bold=base.bold if over.bold is None else over.bold,
                 italic=base.italic if over.italic is None else over.italic,
                 underline=base.underline if over.underline is None else over.underline,
                 size=base.size if over.size is None else over.size,
                 jc=base.jc if over.jc is None else over.jc,
                 outline=base.outline if over.outline is None else over.outline,
                 num=base.num if over.num is None else over.num)


class StyleSheet:
    """Resolved paragraph styles of one document (empty when the file has no styles part)."""

    def __init__(self, styles: Any | None, numbering: Any | None) -> None:
        self._raw: dict[str, tuple[str | None, _Look, str]] = {}
        self._chars: dict[str, tuple[str | None, _Look]] = {}   # character styles (w:rStyle)
        self.default = _Look()
        self.default_style: str | None = None
        if styles is not None:
            defaults = styles.find(W + "docDefaults")
            if defaults is not None:
                _rpr(defaults.find(f"{W}rPrDefault/{W}rPr"), self.default)
                _ppr(defaults.find(f"{W}pPrDefault/{W}pPr"), self.default)
            for st in styles.iter(W + "style"):
                sid = st.get(W + "styleId")
                if sid is not None and st.get(W + "type") == "character":
                    char = _Look()
                    _rpr(st.find(W + "rPr"), char)
                    char_base = st.find(W + "basedOn")
                    self._chars[sid] = (char_base.get(W + "val") if char_base is not None else None, char)
                    continue
                if sid is None or st.get(W + "type", "paragraph") != "paragraph":
                    continue
                look = _Look()
                _ppr(st.find(W + "pPr"), look)
                _rpr(st.find(W + "rPr"), look)
                based = st.find(W + "basedOn")
                name = st.find(W + "name")
                self._raw[sid] = (based.get(W + "val") if based is not None else None, look,
                                  (name.get(W + "val") or "") if name is not None else "")
                if st.get(W + "default") in ("1", "true"):
                    self.default_style = sid
        self._resolved: dict[str, tuple[_Look, str]] = {}
        # the w:p `paragraph` looked at last, its look and its runs' looks (by id of the w:r)
        self._last: tuple[Any, _Look, dict[int, _Look]] = (None, self.default, {})
        self.numbering = Numbering(numbering)

    def resolve(self, sid: str | None) -> tuple[_Look, str]:
        """A paragraph style's look with everything it is based on, and its name."""
        sid = sid or self.default_style
        if sid is None or sid not in self._raw:
            return self.default, ""
        if sid in self._resolved:
            return self._resolved[sid]
        chain: list[_Look] = []
        seen: set[str] = set()
        current: str | None = sid
        while current is not None and current in self._raw and current not in seen:
            seen.add(current)
            parent, look, _ = self._raw[current]
            chain.append(look)
            current = parent
        look = self.default
        for part in reversed(chain):
            look = _merge(look, part)
        result = (look, self._raw[sid][2])
        self._resolved[sid] = result
        return result

    def _char_style(self, sid: str) -> _Look:
        """A character style's run properties with what it is based on (nothing set: empty)."""
        chain: list[_Look] = []
        seen: set[str] = set()
        current: str | None = sid
        while current is not None and current in self._chars and current not in seen:
            seen.add(current)
            parent, look = self._chars[current]
            chain.append(look)
            current = parent
        out = _Look()
        for part in reversed(chain):
            out = _merge(out, part)
        return out

    def run_look(self, r: Any, para: _Look) -> _Look:
        """A w:r's look: its direct w:rPr over its character style over the paragraph's look."""
        rpr = r.find(W + "rPr")
        if rpr is None:
            return para
        look = para
        rs = rpr.find(W + "rStyle")
        if rs is not None and rs.get(W + "val"):
            look = _merge(look, self._char_style(rs.get(W + "val")))
        direct = _Look()
        _rpr(rpr, direct)
        return _merge(look, direct)

    def paragraph_look(self, p: Any) -> _Look:
        """The look of a w:p from its style and direct paragraph properties (before its runs)."""
        if self._last[0] is p:
            return self._last[1]
        ppr = p.find(W + "pPr")
        ps = ppr.find(W + "pStyle") if ppr is not None else None
        look, _ = self.resolve(ps.get(W + "val") if ps is not None else None)
        direct = _Look()
        _ppr(ppr, direct)
        return _merge(look, direct)

    def spans(self, p: Any, runs: list[tuple[int, int, Any]], style: Style, base: int = 0) -> list[Span]:
        """The runs of `p` (main-text offsets from `wordml._Para.runs`) whose look differs from the
        paragraph's `style`, as spans shifted by `base`; neighbours that look alike are joined."""
        para = self.paragraph_look(p)
        size = style.size if style.size is not None else self.default.size
        out: list[Span] = []
        known = self._last[2] if self._last[0] is p else {}
        for start, end, r in runs:
            look = known.get(id(r)) or self.run_look(r, para)
            bold, italic, underline = bool(look.bold), bool(look.italic), bool(look.underline)
            run_size = look.size if look.size is not None and look.size != size else None
            if bold == style.bold and italic == style.italic and not underline and run_size is None:
                continue
            span = Span(base + start, base + end, bold, italic, underline, run_size)
            last = out[-1] if out else None
            if last is not None and last.end == span.start and \
                    (last.bold, last.italic, last.underline, last.size) == (bold, italic, underline, run_size):
                out[-1] = Span(last.start, span.end, bold, italic, underline, run_size)
            else:
                out.append(span)
        return out

    def paragraph(self, p: Any, numbered: bool = True) -> Style:
        """The look of one w:p (direct formatting over its style); `numbered`: count list items
        (call once per paragraph, in document order)."""
        ppr = p.find(W + "pPr")
        ps = ppr.find(W + "pStyle") if ppr is not None else None
        look, name = self.resolve(ps.get(W + "val") if ps is not None else None)
        direct = _Look()
        _ppr(ppr, direct)
        look = _merge(look, direct)
        runs = [r for r in p.iter(W + "r") if r.find(W + "t") is not None]
        bold = italic = bool(runs)
        size = None
        looks: dict[int, _Look] = {}
        self._last = (p, look, looks)
        for index, r in enumerate(runs):
            run = looks[id(r)] = self.run_look(r, look)
            bold = bold and bool(run.bold)
            italic = italic and bool(run.italic)
            if index == 0:
                size = run.size
        if not runs:
            size = look.size
        heading = 0
        if look.outline is not None and look.outline < 9:
            heading = look.outline + 1
        else:
            lowered = name.lower()
            for prefix in _HEADING_NAMES:
                tail = lowered.removeprefix(prefix)
                if tail != lowered and tail.isdigit():
                    heading = int(tail)
            if lowered == "title":
                heading = 1
        label, level = (None, 0)
        if look.num is not None and numbered:
            label, level = self.numbering.label(*look.num)
        if size is not None and size == self.default.size:
            size = None
        return Style(bold=bold, italic=italic, size=size, alignment=look.jc, heading=heading,
                     list_label=label, list_level=level)


@dataclass
class Numbering:
    """List labels ("1.", "（二）", "•") counted per list and level in document order."""

    root: Any | None
    _levels: dict[tuple[str, int], tuple[str, str, int]] = field(default_factory=dict)
    _counters: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.root is None:
            return
        abstract: dict[str, Any] = {a.get(W + "abstractNumId"): a for a in self.root.iter(W + "abstractNum")}
        for num in self.root.iter(W + "num"):
            nid = num.get(W + "numId")
            ref = num.find(W + "abstractNumId")
            a = abstract.get(ref.get(W + "val")) if ref is not None else None
            if nid is None or a is None:
                continue
            for lvl in a.iter(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl") or 0)
                fmt = lvl.find(W + "numFmt")
                text = lvl.find(W + "lvlText")
                start = lvl.find(W + "start")
                self._levels[(nid, ilvl)] = (
                    fmt.get(W + "val", "decimal") if fmt is not None else "decimal",
                    text.get(W + "val", "") if text is not None else "",
                    int(start.get(W + "val") or 1) if start is not None else 1)

    def label(self, num_id: str, level: int) -> tuple[str | None, int]:
        fmt, text, _ = self._levels.get((num_id, level), ("decimal", f"%{level + 1}.", 1))
        if num_id == "0":
            return None, 0
        counters = self._counters.setdefault(num_id, [])
        while len(counters) <= level:
            counters.append(0)
        del counters[level + 1:]
        counters[level] += 1
        if fmt == "bullet":
            return "•", level
        out = text or f"%{level + 1}."
        for k, n in enumerate(counters):
            lvl_start = self._levels.get((num_id, k), ("decimal", "", 1))[2]
            out = out.replace(f"%{k + 1}", _number(n + lvl_start - 1, self._levels.get((num_id, k), (fmt,))[0]))
        return out, level


_CN = "零一二三四五六七八九"


def _number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified") \
            and 0 < n < 100:
        tens, ones = divmod(n, 10)
        return (("" if tens == 1 else _CN[tens]) + "十" if tens else "") + (_CN[ones] if ones else "")
    if fmt == "lowerLetter" and 0 < n <= 26:
        return chr(ord("a") + n - 1)
    if fmt == "upperLetter" and 0 < n <= 26:
        return chr(ord("A") + n - 1)
    return str(n)
