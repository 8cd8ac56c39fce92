"""Where a finding is, in the words people use: 第3页 第2段, 第3页 表1 第2行第3列, 第1节 页眉.

The words are the printed forms' (`app.exports.labels.location_text`); the page and the
paragraph's number on that page come from the document's layout (`app.structure`) when the file
carries rendered page breaks, so the window can say 第3页 第2段 where the form says 正文 第95段."""

from __future__ import annotations

from dataclasses import replace

from app.exports.labels import location_text
from app.model import Document, Finding, Location, Part


class LocationWords:
    """Location labels for the findings of one document (cached per segment)."""

    def __init__(self, document: Document | None) -> None:
        self.document = document
        self._cache: dict[int, str] = {}

    def words(self, f: Finding) -> str:
        return self.at(f.segment, f.location)

    def at(self, segment: int, loc: Location) -> str:
        cached = self._cache.get(segment)
        if cached is None:
            cached = self._cache[segment] = self._words(segment, loc)
        return cached

    def _words(self, segment: int, loc: Location) -> str:
        structure = self.document.structure if self.document is not None else None
        block = structure.block(segment) if structure is not None else None
        if block is None or block.page is None:
            return location_text(loc)
        paragraph = block.page_paragraph
        if block.host is not None and structure is not None:      # inline change: its paragraph's number
            host = structure.block(block.host)
            paragraph = host.page_paragraph if host is not None else None
        text = location_text(replace(loc, page=block.page, paragraph=paragraph))
        return text.removeprefix("正文 ") if loc.part is Part.BODY else text
