"""What the document view draws, in order, worked out without Qt (a worker prepares it).

A docx with `app.structure` layout becomes its headers at the top, headings and styled
paragraphs, tables as tables, tracked changes and hidden text inline where they sit, a badge
where each comment is anchored and each footnote/endnote is referenced, runs formatted unlike
their paragraph (bold, italic, underline, size), page markers where the file carries page breaks, the footers,
then sections for notes, text boxes, comments and properties. Other documents are their segments
in order (PDF text with page markers). Long documents are cut into parts of about PART_CHARS
characters, each shown as its own text document (ui.document.document_view).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.exports.labels import cell_label, property_label
from app.model import Document, Part, Segment
from app.structure import PLAIN, Block, Span, Style
from ui.document.text_offsets import display_text

#: characters per view part (about 25 pages): Qt lays out one part at a time, in ≤ 30 ms steps
PART_CHARS = 30_000

#: Sections after the body: (title, parts). Body-like parts stay in the main flow.
SECTIONS: tuple[tuple[str, frozenset[Part]], ...] = (
    ("页眉和页脚", frozenset({Part.HEADER, Part.FOOTER})),
    ("脚注和尾注", frozenset({Part.FOOTNOTE, Part.ENDNOTE})),
    ("文本框", frozenset({Part.TEXTBOX})),
    ("网页属性（图片说明、链接标题）", frozenset({Part.ATTRIBUTE})),
    ("批注（发布后读者可见）", frozenset({Part.COMMENT})),
    ("修订（未接受的插入和删除）", frozenset({Part.INSERTION, Part.DELETION})),
    ("隐藏文字（页面上看不到，文件中可读出）", frozenset({Part.HIDDEN})),
    ("文档属性", frozenset({Part.METADATA})),
)
SECTION_PARTS = frozenset().union(*(parts for _, parts in SECTIONS))

PART_PREFIX = {
    Part.TABLE: "表格", Part.HEADER: "页眉", Part.FOOTER: "页脚", Part.FOOTNOTE: "脚注", Part.ENDNOTE: "尾注",
    Part.TEXTBOX: "文本框", Part.COMMENT: "批注", Part.INSERTION: "插入", Part.DELETION: "删除",
    Part.HIDDEN: "隐藏", Part.METADATA: "属性", Part.CELL: "单元格", Part.ATTRIBUTE: "属性", Part.TITLE: "标题",
}

#: inline badges before tracked changes, hidden text, comment anchors and note reference marks
#: (a note's badge: "〔注1〕" for 脚注1, "〔尾注1〕" for 尾注1)
BADGES = {"insertion": "〔插入〕", "deletion": "〔删除〕", "hidden": "〔隐藏〕", "comment": "〔批注{0}〕",
          "note": "〔{0}〕"}
#: inline kinds whose segment is drawn in its section, only a badge inline
BADGE_ONLY = frozenset({"comment", "note"})


def note_badge(seg: Segment) -> str:
    """The inline mark of a footnote/endnote reference: 〔注1〕 for 脚注1, 〔尾注1〕 for 尾注1."""
    label = seg.location.label or ""
    return BADGES["note"].format("注" + label.removeprefix("脚注") if label.startswith("脚注") else label or "注")


def prefix(seg: Segment, number: int = 0) -> str:
    """The grey "［批注1 作者：张三］ " label of a segment listed in a section (the number is the
    one on the comment's badge in the text; properties and cells in the words of the forms)."""
    loc = seg.location
    name = PART_PREFIX.get(loc.part)
    if name is None:
        return ""
    label = loc.label or ""
    if loc.part is Part.COMMENT and label.startswith("批注"):
        name, label = f"批注{number or ''}", label.removeprefix("批注").strip()
    elif loc.part is Part.METADATA:
        label = property_label(label)
    bits = [name]
    if loc.sheet:
        bits.append(loc.sheet)
    if loc.table:
        bits.append(f"表{loc.table}")
    if loc.cell:
        bits.append(cell_label(loc.cell))
    if label:
        bits.append(label)
    return "［" + " ".join(bits) + "］ "


@dataclass(frozen=True)
class Inline:
    """Drawn inside a host segment's text at offset `at`: a tracked change or hidden run (its
    segment's text, marked) or a comment or note badge (the comment's/note's text in its tooltip)."""

    at: int
    kind: str                 # "insertion" | "deletion" | "hidden" | "comment" | "note"
    segment: int
    number: int = 0           # comment number on the badge


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    colspan: int
    segment: int
    style: Style
    inlines: tuple[Inline, ...] = ()
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Item:
    """One thing in the flow. kind: "para" (a segment), "table", "page" (marker), "title"
    (section heading). role of a para: "body", "header", "footer" or "section" (with `prefix`)."""

    kind: str
    segment: int = -1
    style: Style = PLAIN
    role: str = "body"
    prefix: str = ""
    inlines: tuple[Inline, ...] = ()
    text: str = ""
    rows: int = 0
    cols: int = 0
    cells: tuple[Cell, ...] = ()
    page: int | None = None
    spans: tuple[Span, ...] = ()      # runs formatted unlike the paragraph (app.structure.Span)


@dataclass
class Plan:
    parts: list[list[Item]]
    segment_part: dict[int, int]                     # segment -> part it is drawn in
    page_part: dict[int, int] = field(default_factory=dict)    # page -> part of its marker
    pages: int = 0
    part_pages: list[tuple[int, int]] = field(default_factory=list)   # (first, last) page per part
    default_size: float | None = None
    part_sizes: list[int] = field(default_factory=list)       # characters per part
    astral: dict[int, list[int]] = field(default_factory=dict)  # segment -> indices of non-BMP chars
    comment_numbers: dict[int, int] = field(default_factory=dict)   # comment segment -> badge number


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")   # two UTF-16 units (positions) in Qt


def _u16(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


def make_plan(document: Document, part_chars: int = PART_CHARS) -> Plan:
    structure = document.structure
    segs = document.segments
    blocks = structure.by_segment if structure is not None else {}
    inlines: dict[int, list[Inline]] = {}
    inline_done: set[int] = set()
    comment_numbers: dict[int, int] = {}
    comment_no = 0
    for index, _seg in enumerate(segs):
        b = blocks.get(index)
        if b is None or b.host is None or b.anchor is None or b.kind not in BADGES:
            continue
        host_text = segs[b.host].text
        number = 0
        if b.kind == "comment":
            comment_no += 1
            number = comment_numbers[index] = comment_no
        elif b.kind not in BADGE_ONLY:
            inline_done.add(index)
        inlines.setdefault(b.host, []).append(Inline(max(0, min(b.anchor, len(host_text))), b.kind, index, number))
    for lst in inlines.values():
        lst.sort(key=lambda i: (i.at, i.segment))

    flow: list[Item] = []
    if structure is not None:   # headers at the top, as on a page
        flow += [_para(i, blocks.get(i), "header", inlines) for i, s in enumerate(segs)
                 if s.location.part is Part.HEADER]
    last_page: int | None = None
    i = 0
    n = len(segs)
    while i < n:
        seg = segs[i]
        part = seg.location.part
        if i in inline_done or part in SECTION_PARTS:
            i += 1
            continue
        b = blocks.get(i)
        page = b.page if b is not None else (seg.location.page if part is Part.PAGE else None)
        if page is not None and page != last_page:
            last_page = page
            flow.append(Item("page", text=f"—— 第 {page} 页 ——", page=page))
        if b is not None and b.kind == "cell" and structure is not None:
            j = i
            run: list[Block] = []
            while j < n and (j in inline_done or (blocks.get(j) is not None and blocks[j].kind == "cell")):
                if j not in inline_done:
                    run.append(blocks[j])
                j += 1
            flow += _tables(run, structure.table_shapes, inlines)
            i = j
            continue
        if b is not None:
            flow.append(_para(i, b, "body", inlines))
        else:
            flow.append(Item("para", i, prefix=prefix(seg) if part not in (Part.BODY, Part.PAGE) else "",
                             inlines=tuple(inlines.get(i, ()))))
        i += 1
    if structure is not None:
        flow += [_para(i, blocks.get(i), "footer", inlines) for i, s in enumerate(segs)
                 if s.location.part is Part.FOOTER]
    for title, parts in SECTIONS:
        members = [(i, s) for i, s in enumerate(segs) if s.location.part in parts and i not in inline_done
                   and not (structure is not None and s.location.part in (Part.HEADER, Part.FOOTER))]
        if not members:
            continue
        flow.append(Item("title", text=f"■ {title}"))
        flow += [Item("para", i, role="section", prefix=prefix(s, comment_numbers.get(i, 0)),
                      inlines=tuple(inlines.get(i, ()))) for i, s in members]
    plan = _cut(flow, document, part_chars, structure.default_size if structure else None)
    plan.astral = {i: [m.start() for m in _ASTRAL.finditer(s.text)]
                   for i, s in enumerate(segs) if _ASTRAL.search(s.text)}
    plan.comment_numbers = comment_numbers
    return plan


def _para(index: int, b: Block | None, role: str, inlines: dict[int, list[Inline]]) -> Item:
    return Item("para", index, style=b.style if b is not None else PLAIN, role=role,
                inlines=tuple(inlines.get(index, ())), page=b.page if b is not None else None,
                spans=b.spans if b is not None else ())


def _tables(run: list[Block], shapes: dict, inlines: dict[int, list[Inline]]) -> list[Item]:
    """Consecutive table cells as tables, in the order the tables start (a nested table is drawn
    after the table that holds it)."""
    by_table: dict[int, list[Block]] = {}
    for b in run:
        by_table.setdefault(b.table or 0, []).append(b)
    out: list[Item] = []
    for number, cells in by_table.items():
        shape = shapes.get(number)
        rows = shape.rows if shape else max(c.row or 1 for c in cells)
        cols = shape.cols if shape else max((c.col or 1) + c.colspan - 1 for c in cells)
        out.append(Item("table", cells[0].segment, rows=rows, cols=cols, page=cells[0].page, cells=tuple(
            Cell(c.row or 1, c.col or 1, c.colspan, c.segment, c.style, tuple(inlines.get(c.segment, ())),
                 c.spans)
            for c in cells)))
    return out


def _item_size(item: Item, segs: tuple[Segment, ...]) -> int:
    if item.kind == "table":
        return sum(_u16(segs[c.segment].text) + 1 for c in item.cells) + 1
    if item.kind == "para":
        return _u16(segs[item.segment].text) + len(item.prefix) + 1 + \
            sum(_u16(segs[i.segment].text) for i in item.inlines)
    return len(item.text) + 1


def _cut(flow: list[Item], document: Document, part_chars: int, default_size: float | None) -> Plan:
    segs = document.segments
    parts: list[list[Item]] = [[]]
    sizes = [0]
    size = 0
    segment_part: dict[int, int] = {}
    page_part: dict[int, int] = {}
    for item in flow:
        item_size = _item_size(item, segs)
        if size and size + item_size > part_chars:
            parts.append([])
            sizes.append(0)
            size = 0
        parts[-1].append(item)
        size += item_size
        sizes[-1] = size
        p = len(parts) - 1
        if item.kind == "page" and item.page is not None:
            page_part.setdefault(item.page, p)
        for s in _segments_of(item):
            segment_part[s] = p
    pages = max(page_part) if page_part else 0
    part_pages: list[tuple[int, int]] = []
    for p, items in enumerate(parts):
        on = [it.page for it in items if it.page is not None]
        first = on[0] if on else (part_pages[-1][1] if part_pages else 0)
        part_pages.append((first, on[-1] if on else first))
        del p
    return Plan(parts, segment_part, page_part, pages, part_pages, default_size, sizes)


def _segments_of(item: Item) -> list[int]:
    out: list[int] = []
    if item.kind == "para":
        out.append(item.segment)
        out += [i.segment for i in item.inlines if i.kind not in BADGE_ONLY]
    elif item.kind == "table":
        for c in item.cells:
            out.append(c.segment)
            out += [i.segment for i in c.inlines if i.kind not in BADGE_ONLY]
    return out


def shown_text(seg: Segment) -> str:
    return display_text(seg.text)
