"""HTML reader (lxml.html): title, visible text per block element, alt/title attributes, meta
description/keywords, and text the page hides (hidden attribute, display:none, visibility:hidden,
comments with Chinese text) as HIDDEN. Scripts, styles, templates are skipped. No network."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.model import Document, Location, Part, Segment
from app.normalize import is_cjk
from app.readers.encoding import decode

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "embed",
                   "canvas", "select", "textarea"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
                    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                    "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre",
                    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "center",
                    "option", "menu"})
_ATTRS = ("alt", "title")
_META_NAMES = ("description", "keywords", "author")


def read(path: Path, data: bytes, sha256: str) -> Document:
    import lxml.html

    match = _META_CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii", "replace") if match else None
    text, encoding = decode(data, declared)
    text = _XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    if not text.strip():
        return Document.build(str(path), "html", sha256, [], encoding=encoding)
    parser = lxml.html.HTMLParser(no_network=True, remove_pis=True, default_doctype=False)
    root = lxml.html.document_fromstring(text, parser=parser)
    walker = _Walker()
    walker.head(root)
    walker.walk(root, hidden=False)
    walker.flush()
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

    def walk(self, el: Any, hidden: bool) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comment, processing instruction, entity
            if _is_comment(el) and any(is_cjk(ch) for ch in (el.text or "")):
                self.flush()
                self._add(Part.HIDDEN, _collapse(el.text or ""), "html 注释")
            self._text(el.tail, hidden)
            return
        tag = tag.lower()
        if tag in _SKIP:
            self._text(el.tail, hidden)
            return
        hidden = hidden or el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or "")) \
            or (tag == "input" and (el.get("type") or "").lower() == "hidden")
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
        for child in el:
            self.walk(child, hidden)
        if block:
            self.flush()
        self._text(el.tail, hidden)

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

    def _add(self, part: Part, text: str, label: str | None, paragraph: int | None = None) -> None:
        if text:
            self.segments.append(Segment(text, Location(part, paragraph=paragraph, label=label)))


def _is_comment(el: Any) -> bool:
    from lxml import etree

    return el.tag is etree.Comment


def _collapse(text: str) -> str:
    return " ".join(text.split())
