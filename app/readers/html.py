"""HTML reader (lxml.html): title, visible text per block element, alt/title attributes, meta
description/keywords, and text the page hides (hidden attribute, inline styles that hide — app.readers.css_hidden —,
comments with Chinese text) as HIDDEN; the Chinese text inline scripts would write (app.readers.
script_text) as ATTRIBUTE "脚本中的文字". Styles and templates are skipped. No network."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.model import Document, Location, Part, Segment
from app.normalize import is_cjk
from app.readers.css_hidden import VISIBLE, Hidden
from app.readers.encoding import decode
from app.readers.script_text import script_texts

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "embed",
                   "canvas", "select", "textarea"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
                    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                    "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre",
                    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "center",
                    "option", "menu"})
_ATTRS = ("alt", "title")
SCRIPT_LABEL = "脚本中的文字"
_META_NAMES = ("description", "keywords", "author")
_ENTER, _LEAVE_BLOCK, _LEAVE_INLINE = 0, 1, 2  # steps of the walk


def read(path: Path, data: bytes, sha256: str) -> Document:
    import lxml.html

    match = _META_CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii", "replace") if match else None
    text, encoding = decode(data, declared)
    text = _XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    # libxml2 stops at a NUL character and silently drops the rest of the page; browsers ignore
    # NULs in text, so they go (机\0密 is shown, and matched, as 机密)
    text = text.replace("\x00", "")
    if not text.strip():
        return Document.build(str(path), "html", sha256, [], encoding=encoding)
    parser = lxml.html.HTMLParser(no_network=True, remove_pis=True, default_doctype=False, huge_tree=True)
    root = lxml.html.document_fromstring(text, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops building the tree below depth 2048 (256 without huge_tree) and says so
        # only in its log: read such a page with the event reader, which has no depth limit
        return Document.build(str(path), "html", sha256, _events(text), encoding=encoding)
    walker = _Walker()
    walker.head(root)
    walker.walk(root)
    walker.flush()
    for script in root.iter("script"):
        walker.script(script.text or "")
    return Document.build(str(path), "html", sha256, walker.segments, encoding=encoding)


class _Walker:
    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.buffer: list[str] = []
        self.buffer_hidden = False
        self.blocks = 0

    def head(self, root: Any) -> None:
        for title in root.iter("title"):
            self._add(Part.TITLE, _collapse(title.text_content()), None)
            break
        for meta in root.iter("meta"):
            name = (meta.get("name") or meta.get("property") or "").strip().lower()
            if name in _META_NAMES:
                self._add(Part.METADATA, (meta.get("content") or "").strip(), f"meta {name}")

    def walk(self, root: Any) -> None:
        """Depth-first over the tree with an explicit stack (no recursion: depth is unbounded)."""
        stack: list[tuple[Any, Hidden, int]] = [(root, VISIBLE, _ENTER)]
        while stack:
            el, state, step = stack.pop()
            hidden = state.hidden
            if step != _ENTER:  # after the element's children: close its block, then its tail
                if step == _LEAVE_BLOCK:
                    self.flush()
                self._text(el.tail, hidden)
                continue
            tag = el.tag
            if not isinstance(tag, str):  # comment, processing instruction, entity
                if _is_comment(el) and any(is_cjk(ch) for ch in (el.text or "")):
                    self.flush()
                    self._add(Part.HIDDEN, _collapse(el.text or ""), "html 注释")
                self._text(el.tail, hidden)
                continue
            tag = tag.lower()
            if tag in _SKIP:
                self._text(el.tail, hidden)
                continue
            outer = state  # the element's tail is outside it: visible unless the parent is hidden
            state = state.child(el.get("style") or "", hard=el.get("hidden") is not None
                                or (tag == "input" and (el.get("type") or "").lower() == "hidden"))
            hidden = state.hidden
            for attr in _ATTRS:
                value = el.get(attr)
                if value and value.strip():
                    part = Part.HIDDEN if hidden else Part.ATTRIBUTE
                    self._add(part, _collapse(value), f"{tag} {attr}")
            block = tag in _BLOCK
            if block:
                self.flush()
            if tag == "br":
                self._text("\n", hidden)
            self._text(el.text, hidden)
            stack.append((el, outer, _LEAVE_BLOCK if block else _LEAVE_INLINE))
            stack.extend((child, state, _ENTER) for child in reversed(el))

    def _text(self, text: str | None, hidden: bool) -> None:
        if not text:
            return
        if hidden != self.buffer_hidden and self.buffer:
            self.flush()
        self.buffer_hidden = hidden
        self.buffer.append(text)

    def flush(self) -> None:
        if not self.buffer:
            return
        lines = (_collapse(line) for line in "".join(self.buffer).split("\n"))
        text = "\n".join(line for line in lines if line)
        self.buffer = []
        if text:
            self.blocks += 1
            self._add(Part.HIDDEN if self.buffer_hidden else Part.BODY, text, None, self.blocks)

    def script(self, code: str) -> None:
        """The Chinese text an inline script holds (app.readers.script_text), as attribute text
        labelled SCRIPT_LABEL: scanned by every rule, not reported as hidden by itself."""
        for text in script_texts(code):
            self._add(Part.ATTRIBUTE, text, SCRIPT_LABEL)

    def _add(self, part: Part, text: str, label: str | None, paragraph: int | None = None) -> None:
        if text:
            self.segments.append(Segment(text, Location(part, paragraph=paragraph, label=label)))


def _is_comment(el: Any) -> bool:
    from lxml import etree

    return el.tag is etree.Comment


def _collapse(text: str) -> str:
    return " ".join(text.split())


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr", "keygen"})
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})  # <p>a<p>b: siblings


def _events(text: str) -> list[Segment]:
    """The page read by an event parser (stdlib html.parser) that keeps its own stack of open
    elements, so nesting depth is limited only by memory. Same parts and labels as `_Walker`."""
    from collections import Counter
    from html.parser import HTMLParser

    body = _Walker()
    head = _Walker()
    open_: list[tuple[str, Hidden, bool, bool]] = []  # (tag, hidden state, block, skipped)
    counts: Counter[str] = Counter()  # open elements by tag: an unmatched end tag costs O(1)
    title: list[str] | None = None
    seen_title = False
    scripts: list[str] = []

    def state() -> tuple[Hidden, bool]:
        if not open_:
            return VISIBLE, False
        _, hidden, _, skipped = open_[-1]
        return hidden, skipped

    def close(tag: str) -> None:
        while open_:
            name, _, block, skipped = open_.pop()
            counts[name] -= 1
            if block and not skipped:
                body.flush()
            if name == tag:
                return

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            nonlocal title
            tag = tag.lower()
            values = {k.lower(): (v if v is not None else "") for k, v in attrs}
            if tag == "meta":
                name = (values.get("name") or values.get("property") or "").strip().lower()
                if name in _META_NAMES:
                    head._add(Part.METADATA, values.get("content", "").strip(), f"meta {name}")
                return
            if tag == "title":
                if not seen_title:
                    title = []
                return
            if tag in _SELF_CLOSING and open_ and open_[-1][0] == tag:
                close(tag)
            outer, skipped = state()
            skipped = skipped or tag in _SKIP
            inner = outer.child(values.get("style", ""), hard="hidden" in values
                                or (tag == "input" and values.get("type", "").lower() == "hidden"))
            hidden = inner.hidden
            if not skipped:
                for attr in _ATTRS:
                    value = values.get(attr)
                    if value and value.strip():
                        body._add(Part.HIDDEN if hidden else Part.ATTRIBUTE, _collapse(value), f"{tag} {attr}")
                if tag in _BLOCK:
                    body.flush()
                if tag == "br":
                    body._text("\n", hidden)
            if tag not in _VOID:
                open_.append((tag, inner, tag in _BLOCK, skipped))
                counts[tag] += 1

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.handle_starttag(tag, attrs)
            if tag.lower() not in _VOID:
                self.handle_endtag(tag)

        def handle_endtag(self, tag: str) -> None:
            nonlocal title, seen_title
            tag = tag.lower()
            if tag == "title":
                if title is not None:
                    head._add(Part.TITLE, _collapse("".join(title)), None)
                    seen_title = True
                title = None
                return
            if counts[tag] > 0:
                close(tag)

        def handle_data(self, data: str) -> None:
            if title is not None:
                title.append(data)
                return
            if open_ and open_[-1][0] == "script":
                scripts.append(data)
                return
            hidden, skipped = state()
            if not skipped:
                body._text(data, hidden.hidden)

        def handle_comment(self, data: str) -> None:
            if not state()[1] and any(is_cjk(ch) for ch in data):
                body.flush()
                body._add(Part.HIDDEN, _collapse(data), "html 注释")

    reader = Reader(convert_charrefs=True)
    reader.feed(text)
    reader.close()
    body.flush()
    for code in scripts:
        body.script(code)
    return [*head.segments, *body.segments]
