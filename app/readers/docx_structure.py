"""The layout of a docx for viewers (`app.structure.Structure`), built after the text is read.

It only looks at what `wordml.Walker` recorded about each segment (`origin`, `comment_at`) and
at the XML; the segments and the text are not touched. Page numbers come from the page breaks the
file carries (w:lastRenderedPageBreak written by Word/WPS when it last laid the document out, and
hard breaks w:br w:type="page"); a file without any has no page numbers.
"""

from __future__ import annotations

import re
from typing import Any

from app.model import Document, Part, Segment
from app.readers.word_styles import StyleSheet
from app.readers.wordml import TC, P, W, Walker
from app.structure import PLAIN, Block, BlockKind, Structure, TableShape

_RC = re.compile(r"^R(\d+)C(\d+)$")
_SIDE_KIND: dict[Part, BlockKind] = {Part.INSERTION: "insertion", Part.DELETION: "deletion",
                                     Part.HIDDEN: "hidden"}
_PART_KIND: dict[Part, BlockKind] = {Part.HEADER: "header", Part.FOOTER: "footer", Part.FOOTNOTE: "note",
                                     Part.ENDNOTE: "note", Part.COMMENT: "comment", Part.TEXTBOX: "textbox"}
_BREAK = W + "lastRenderedPageBreak"
_BR = W + "br"


def page_starts(body: Any) -> tuple[dict[Any, int], int]:
    """The page on which each w:p's text starts, and the number of pages; ({}, 0) when the file
    records no page break. A hard break directly followed by the rendered break of the same page
    counts once."""
    pages: dict[Any, int] = {}
    page, breaks, just_broke = 1, 0, False
    started: set[Any] = set()
    current: Any = None
    for el in body.iter(P, W + "t", _BR, _BREAK):
        tag = el.tag
        if tag == P:
            current = el
        elif tag == _BREAK or (tag == _BR and el.get(W + "type") == "page"):
            if tag == _BREAK and just_broke:
                just_broke = False
                continue
            page += 1
            breaks += 1
            just_broke = tag == _BR
        elif tag == W + "t" and el.text:
            just_broke = False
            if current is not None and current not in started:
                started.add(current)
                pages[current] = page
    if not breaks or not pages:
        return {}, 0
    return pages, max(pages.values())


def build(document: Document, raw: list[Segment], walkers: list[Walker], body: Any, styles: StyleSheet,
          comment_ids: dict[int, str]) -> Structure:
    """`raw`: the segments as handed to `Document.build` (empty ones included); `walkers`: every
    walker that produced them; `comment_ids`: id(comment or note segment) -> comment id, "footnote:id" or "endnote:id"."""
    index_of: dict[int, int] = {}
    k = 0
    for seg in raw:
        if seg.text:
            index_of[id(seg)] = k
            k += 1
    origin: dict[int, tuple[Any, ...]] = {}
    comment_at: dict[str, Any] = {}   # comment id / "footnote:id" / "endnote:id" -> (para, offset)
    for walker in walkers:
        origin.update(walker.origin)
        for cid, at in (*walker.comment_at.items(), *walker.note_at.items()):
            comment_at.setdefault(cid, at)
    page_of, pages = page_starts(body)
    segs = document.segments
    blocks: list[Block] = []
    shapes: dict[int, list[int]] = {}
    on_page: dict[int, int] = {}
    page_by_seg: dict[int, int | None] = {}
    for seg in raw:
        o = origin.get(id(seg))
        index = index_of.get(id(seg))
        part = seg.location.part
        style = None
        if o is not None and o[0] == "p":
            style = styles.paragraph(o[1], numbered=part is Part.BODY)   # counts lists, empty items too
        m = _RC.match(seg.location.cell or "") if o is not None and o[0] == "tc" else None
        if m and o is not None and part is Part.TABLE and seg.location.table:   # empty cells shape it too
            shape = shapes.setdefault(seg.location.table, [0, 0])
            shape[0] = max(shape[0], int(m.group(1)))
            shape[1] = max(shape[1], int(m.group(2)) + _span(o[1]) - 1)
        if index is None:
            continue
        placed = segs[index]
        span = (index, placed.start, placed.end)
        if o is None:
            comment_id = comment_ids.get(id(seg))
            side_kind = _PART_KIND.get(part)
            if side_kind is None:
                continue
            host, anchor = None, None
            if comment_id is not None and comment_id in comment_at:
                para, at = comment_at[comment_id]
                host = index_of.get(id(para.host)) if para.host is not None else None
                anchor = para.base + at if host is not None else None
            page = page_by_seg.get(host) if host is not None else None
            blocks.append(Block(side_kind, *span, host=host, anchor=anchor, page=page))
        elif o[0] == "p":
            assert style is not None
            kind = _PART_KIND.get(part)
            if kind is None:
                kind = "heading" if style.heading else "list" if style.list_label else "paragraph"
            page = page_of.get(o[1]) if part is Part.BODY else None
            number = None
            if page is not None:
                number = on_page[page] = on_page.get(page, 0) + 1
            spans = tuple(styles.spans(o[1], o[2].runs, style)) if len(o) > 2 else ()
            blocks.append(Block(kind, *span, style=style, page=page, page_paragraph=number, spans=spans))
        elif o[0] == "tc":
            first = next(o[1].iter(P), None)
            cell_style = styles.paragraph(first, numbered=False) if first is not None else None
            cell_spans = tuple(sp for para in (o[2] if len(o) > 2 else ()) if para.main_len
                               for sp in styles.spans(para.element, para.runs, cell_style or PLAIN, para.base))
            if part is Part.TABLE and m and seg.location.table:
                row, col = int(m.group(1)), int(m.group(2))
                colspan = _span(o[1])
                blocks.append(Block("cell", *span, style=cell_style or PLAIN,
                                    page=page_of.get(first), table=seg.location.table, row=row, col=col,
                                    colspan=colspan, spans=cell_spans))
            else:
                blocks.append(Block(_PART_KIND.get(part, "paragraph"), *span, style=cell_style or PLAIN,
                                    spans=cell_spans))
        else:  # ("side", paragraph, offset in its main text)
            para, at = o[1], o[2]
            host = index_of.get(id(para.host)) if para.host is not None else None
            kind = _SIDE_KIND.get(part, "hidden")
            blocks.append(Block(kind, *span, host=host, anchor=para.base + at if host is not None else None,
                                page=page_by_seg.get(host) if host is not None else None))
        page_by_seg[index] = blocks[-1].page
    tables = tuple(TableShape(n, r, c) for n, (r, c) in sorted(shapes.items()))
    return Structure(tuple(blocks), tables=tables, pages=pages or None, default_size=styles.default.size)


def _span(tc: Any) -> int:
    assert tc.tag == TC
    gs = tc.find(f"{W}tcPr/{W}gridSpan")
    val = gs.get(W + "val") if gs is not None else None
    return max(1, int(val)) if val and val.isdigit() else 1
