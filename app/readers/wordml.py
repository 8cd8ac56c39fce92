"""Walk WordprocessingML (document, header, footer, note and comment parts) into segments.

A paragraph's visible text becomes one segment; text the published page does not show — tracked
insertions (w:ins, w:moveTo), deletions (w:del, w:moveFrom) and hidden runs (w:vanish) — becomes
separate INSERTION / DELETION / HIDDEN segments, so every piece of text is scanned exactly once.
Text boxes (w:txbxContent) become TEXTBOX segments; for mc:AlternateContent only one branch is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.model import Location, Part, Segment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

P, R, T, TBL, TR, TC = W + "p", W + "r", W + "t", W + "tbl", W + "tr", W + "tc"
TXBX = W + "txbxContent"
_INS = frozenset({W + "ins", W + "moveTo"})
_DEL = frozenset({W + "del", W + "moveFrom"})
_SKIP = frozenset({W + "pPr", W + "rPr", W + "sectPr", W + "tblPr", W + "tblGrid", W + "trPr", W + "tcPr",
                   W + "instrText", W + "delInstrText", W + "bookmarkStart", W + "bookmarkEnd",
                   W + "proofErr", W + "sdtPr", W + "sdtEndPr", W + "tblPrEx"})
_RUN_CHARS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n",
              W + "noBreakHyphen": "-"}
_FALSE = frozenset({"0", "false", "off"})

# kinds of text inside a paragraph
_MAIN, _INSK, _DELK, _HIDK = 0, 1, 2, 3
_SIDE_PART = {_INSK: Part.INSERTION, _DELK: Part.DELETION, _HIDK: Part.HIDDEN}


def _on(el: Any) -> bool:
    """A w:ON/OFF toggle element (w:vanish) is on unless w:val says otherwise."""
    return el.get(W + "val", "true").lower() not in _FALSE


def hidden_style_ids(styles_root: Any) -> set[str]:
    """The ids of the styles (in styles.xml) whose run properties are hidden (w:vanish)."""
    out = set()
    for style in styles_root.iter(W + "style"):
        rpr = style.find(W + "rPr")
        vanish = rpr.find(W + "vanish") if rpr is not None else None
        if vanish is not None and _on(vanish):
            out.add(str(style.get(W + "styleId", "")))
    return out


def unseen_run(rpr: Any, p: Any) -> bool:
    """A run nobody reading the page sees although it is not marked hidden: a font size of 1 pt or
    less, or white (near-white) text on an unshaded paragraph of the page body — not in a table
    cell or a text box, whose fill (or table style) may well be dark."""
    sz = rpr.find(W + "sz")
    if sz is not None:
        try:
            if int(sz.get(W + "val", "24")) <= 2:
                return True
        except ValueError:
            pass
    color = rpr.find(W + "color")
    if color is None or not _near_white(color.get(W + "val", "")):
        return False
    highlight = rpr.find(W + "highlight")
    if highlight is not None and highlight.get(W + "val", "none") not in ("none", "white"):
        return False
    if _filled(rpr.find(W + "shd")) or p is None:
        return False
    ppr = p.find(W + "pPr")
    if ppr is not None and _filled(ppr.find(W + "shd")):
        return False
    return not any(a.tag in (W + "tc", W + "txbxContent") for a in p.iterancestors())


def _near_white(value: str) -> bool:
    if len(value) != 6:
        return False
    try:
        r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return min(r, g, b) >= 0xF0


def _filled(shd: Any) -> bool:
    if shd is None:
        return False
    fill = (shd.get(W + "fill") or "auto").lower()
    return fill not in ("auto", "ffffff", "none") or (shd.get(W + "val") or "clear") not in ("clear", "nil")


@dataclass
class _Para:
    """Text collected from one w:p: main text plus side chunks (kind, text) in order."""

    main: list[str] = field(default_factory=list)
    side: list[tuple[int, list[str]]] = field(default_factory=list)
    boxes: list[Any] = field(default_factory=list)   # w:txbxContent elements met inside
    # layout only (app.readers.docx_structure): where each side chunk sits in the main text, and
    # the segment holding the main text with the offset at which this paragraph starts in it
    main_len: int = 0
    side_at: list[int] = field(default_factory=list)
    host: Segment | None = None
    base: int = 0
    runs: list[tuple[int, int, Any]] = field(default_factory=list)   # (start, end, w:r) in main text
    element: Any = None   # the w:p

    def add(self, kind: int, text: str) -> None:
        if kind == _MAIN:
            self.main.append(text)
            self.main_len += len(text)
            self._last = _MAIN
            return
        if self.side and self._last == kind and self.side[-1][0] == kind:
            self.side[-1][1].append(text)
        else:
            self.side.append((kind, [text]))
            self.side_at.append(self.main_len)
        self._last = kind

    _last: int = _MAIN


class Walker:
    """Turns block-level WordprocessingML into segments.

    `para_part` is the part of plain paragraphs (BODY, HEADER, ...); `cell_part` that of table
    cells (TABLE in the body, else the same as `para_part`). `label` is copied into every location.
    `refs` collects, per footnote/endnote/comment id, the paragraph number that refers to it.
    For viewers (never for the text): `origin` maps id(segment) to where it came from —
    ("p", w:p), ("tc", w:tc) or ("side", host paragraph, offset in its main text) — and
    `comment_at` each comment id to its anchor (paragraph, offset in its main text), `note_at`
    the same for each "footnote:<id>" / "endnote:<id>" reference mark.
    """

    def __init__(self, para_part: Part, cell_part: Part, label: str | None = None,
                 hidden_styles: frozenset[str] = frozenset()) -> None:
        self.para_part = para_part
        self.cell_part = cell_part
        self.label = label
        self.hidden_styles = hidden_styles     # character styles formatted hidden (w:vanish)
        self.segments: list[Segment] = []
        self.paragraphs = 0
        self.tables = 0
        self.refs: dict[str, dict[str, int]] = {"footnote": {}, "endnote": {}, "comment": {}}
        self.origin: dict[int, tuple[Any, ...]] = {}
        self.comment_at: dict[str, tuple[_Para, int]] = {}
        self.note_at: dict[str, tuple[_Para, int]] = {}
        self._cell_paras: list[tuple[int, _Para]] = []

    # --- block level -------------------------------------------------------------------------

    def blocks(self, container: Any) -> None:
        """Walk the children of w:body, w:hdr, w:ftr, w:footnote, w:comment, w:sdtContent, ..."""
        for child in container:
            tag = child.tag
            if tag == P:
                self.paragraphs += 1
                loc = Location(self.para_part, paragraph=self.paragraphs, label=self.label)
                self._emit_paragraph(child, loc)
            elif tag == TBL:
                self.table(child)
            elif tag in _SKIP or not isinstance(tag, str):
                continue
            else:  # w:sdt, w:customXml, w:ins/w:del around blocks, ...
                self.blocks(child)

    def table(self, tbl: Any) -> None:
        self.tables += 1
        number = self.tables
        host = max(self.paragraphs, 1)
        for row_no, row in enumerate(_rows(tbl), start=1):
            col = 1
            for tc in _cells(row):
                span = 1
                tcpr = tc.find(W + "tcPr")
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None and (gs.get(W + "val") or "").isdigit():
                        span = max(1, int(gs.get(W + "val")))
                loc = Location(self.cell_part, paragraph=host, table=number, cell=f"R{row_no}C{col}",
                               label=self.label)
                self._cell(tc, loc)
                col += span

    def _cell(self, tc: Any, loc: Location) -> None:
        texts: list[str] = []
        side: list[Segment] = []
        nested: list[Any] = []
        self._cell_paras = []
        self._cell_blocks(tc, loc, texts, side, nested)
        seg = Segment("\n".join(t for t in texts if t), loc)
        self.segments.append(seg)
        bases, base = [], 0
        for t in texts:
            bases.append(base)
            base += len(t) + 1 if t else 0
        for index, para in self._cell_paras:
            para.host, para.base = seg, bases[index]
        self.origin[id(seg)] = ("tc", tc, [para for _, para in self._cell_paras])
        self.segments.extend(side)
        for tbl in nested:
            self.table(tbl)

    def _cell_blocks(self, container: Any, loc: Location, texts: list[str], side: list[Segment],
                     nested: list[Any]) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                para = self.paragraph(child)
                texts.append("".join(para.main))
                self._cell_paras.append((len(texts) - 1, para))
                side.extend(self._side_segments(para, loc))
            elif tag == TBL:
                nested.append(child)
            elif isinstance(tag, str) and tag not in _SKIP:
                self._cell_blocks(child, loc, texts, side, nested)

    def _emit_paragraph(self, p: Any, loc: Location) -> None:
        para = self.paragraph(p)
        seg = Segment("".join(para.main), loc)
        self.segments.append(seg)
        self.origin[id(seg)] = ("p", p, para)
        para.host = seg
        self.segments.extend(self._side_segments(para, loc))

    def _side_segments(self, para: _Para, loc: Location) -> list[Segment]:
        out = [Segment("".join(chunks), replace(loc, part=_SIDE_PART[kind])) for kind, chunks in para.side]
        for seg, at in zip(out, para.side_at, strict=True):
            self.origin[id(seg)] = ("side", para, at)
        for box in para.boxes:
            sub = Walker(Part.TEXTBOX, Part.TEXTBOX, self.label, self.hidden_styles)
            sub.blocks(box)
            for seg in sub.segments:
                sub_loc = seg.location
                part = sub_loc.part
                out.append(Segment(seg.text, replace(loc, part=part, cell=sub_loc.cell or loc.cell)))
        return out

    # --- inside a paragraph --------------------------------------------------------------------

    def paragraph(self, p: Any) -> _Para:
        para = _Para(element=p)
        self._inline(p, _MAIN, para)
        return para

    def _inline(self, el: Any, kind: int, para: _Para) -> None:
        for child in el:
            tag = child.tag
            if tag == R:
                self._run(child, kind, para)
            elif tag in _INS:
                self._inline(child, kind if kind == _DELK else _INSK, para)
            elif tag in _DEL:
                self._inline(child, _DELK, para)
            elif tag == W + "commentRangeStart":
                self._ref("comment", child)
                self._comment_anchor(child, para)
            elif tag in _SKIP or not isinstance(tag, str):
                continue
            elif tag == MC + "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, kind, para)
            elif tag == M + "t":
                para.add(kind, child.text or "")
            else:  # w:hyperlink, w:smartTag, w:sdt, w:sdtContent, w:fldSimple, m:oMath, ...
                self._inline(child, kind, para)

    def _run(self, r: Any, kind: int, para: _Para) -> None:
        if kind == _MAIN:
            rpr = r.find(W + "rPr")
            if rpr is not None:
                vanish = rpr.find(W + "vanish")
                style = rpr.find(W + "rStyle")
                if (vanish is not None and _on(vanish)) or unseen_run(rpr, para.element) \
                        or (style is not None and style.get(W + "val") in self.hidden_styles):
                    kind = _HIDK
        start = para.main_len
        for child in r:
            tag = child.tag
            if tag == T or tag == W + "delText":
                text = child.text
                if text:
                    para.add(kind, text)
            elif tag in _RUN_CHARS:
                if tag == W + "br" and child.get(W + "type") == "page":
                    continue
                para.add(kind, _RUN_CHARS[tag])
            elif tag == W + "footnoteReference":
                self._ref("footnote", child)
                self._note_anchor("footnote", child, para)
            elif tag == W + "endnoteReference":
                self._ref("endnote", child)
                self._note_anchor("endnote", child, para)
            elif tag == W + "commentReference":
                self._ref("comment", child)
                self._comment_anchor(child, para)
            elif tag in (W + "drawing", W + "pict", W + "object", MC + "AlternateContent"):
                para.boxes.extend(_text_boxes(child))
        if kind == _MAIN and para.main_len > start:
            para.runs.append((start, para.main_len, r))

    def _note_anchor(self, kind: str, el: Any, para: _Para) -> None:
        nid = el.get(W + "id")
        if nid is not None:
            self.note_at.setdefault(f"{kind}:{nid}", (para, para.main_len))

    def _comment_anchor(self, el: Any, para: _Para) -> None:
        cid = el.get(W + "id")
        if cid is not None:
            self.comment_at.setdefault(cid, (para, para.main_len))

    def _ref(self, kind: str, el: Any) -> None:
        rid = el.get(W + "id")
        if rid is not None:
            self.refs[kind].setdefault(rid, max(self.paragraphs, 1))


def _branch(alt: Any) -> Any | None:
    """The one branch of mc:AlternateContent to read: the first with text, else the first."""
    branches = [c for c in alt if c.tag in (MC + "Choice", MC + "Fallback")]
    for b in branches:
        if next(b.iter(T, TXBX), None) is not None:
            return b
    return branches[0] if branches else None


def _text_boxes(el: Any) -> list[Any]:
    """Outermost w:txbxContent elements under a drawing, reading one AlternateContent branch."""
    found: list[Any] = []
    if el.tag == MC + "AlternateContent":
        el = _branch(el)
        if el is None:
            return found
    for child in el:
        tag = child.tag
        if tag == TXBX:
            found.append(child)
        elif isinstance(tag, str):
            found.extend(_text_boxes(child))
    return found


_STOP = frozenset({TBL, TC, TR, P})


def _children(el: Any, tag: str) -> list[Any]:
    """Children `tag` of `el`, looking through wrappers (w:sdt, w:customXml) but not into cells."""
    out: list[Any] = []
    for child in el:
        ctag = child.tag
        if ctag == tag:
            out.append(child)
        elif isinstance(ctag, str) and ctag not in _STOP and ctag not in _SKIP:
            out.extend(_children(child, tag))
    return out


def _rows(tbl: Any) -> list[Any]:
    return _children(tbl, TR)


def _cells(row: Any) -> list[Any]:
    return _children(row, TC)
