"""Plain-text reader: one BODY segment per non-empty line, `paragraph` = 1-based line number."""

from __future__ import annotations

import re
from pathlib import Path

from app.model import Document, Location, Part, Segment
from app.readers.encoding import decode

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read(path: Path, data: bytes, sha256: str) -> Document:
    text, encoding = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    segments = [Segment(line, Location(Part.BODY, paragraph=number))
                for number, line in enumerate(_LINE_BREAK.split(text), start=1) if line.strip()]
    return Document.build(str(path), "txt", sha256, segments, encoding=encoding)
