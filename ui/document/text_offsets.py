"""One mapping from a finding's offsets in `Document.text` to where the views draw it.

Both document views go through `finding_pieces`: the PDF page view turns a piece into pdfium
character indices (a PDF segment's `text[i]` is pdfium char i), the text view into positions in
its QTextDocument. The text view shows `display_text(seg.text)`, which has exactly one character
per character of the segment: a QTextDocument turns "\\r\\n" into ONE block separator, which made
every later highlight drift one place per PDF line (and the last ones fall off the end)."""

from __future__ import annotations

from app.model import Document, Finding

#: (segment index, start, end) with start/end relative to the segment's text
Piece = tuple[int, int, int]


def display_text(text: str) -> str:
    """`text` as the text view inserts it, same length: "\\r\\n" -> " \\n", lone "\\r" -> "\\n",
    NUL -> U+FFFD (a QTextDocument keeps neither a CR before LF nor a NUL as a character)."""
    if "\r" not in text and "\x00" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n").replace("\x00", "\ufffd")


def pieces(document: Document, start: int, end: int, segment: int | None = None) -> list[Piece]:
    """The segment pieces covering `document.text[start:end]` (separators between segments are
    not part of any piece)."""
    segs = document.segments
    if not segs or end < start:
        return []
    i = document.segment_at(start) if segment is None or not 0 <= segment < len(segs) else segment
    if start == end:
        k = max(0, min(start - segs[i].start, len(segs[i].text)))
        return [(i, k, k)]
    out: list[Piece] = []
    while i < len(segs) and segs[i].start < end:
        seg = segs[i]
        a = max(start, seg.start) - seg.start
        b = min(end, seg.end) - seg.start
        if b > a:
            out.append((i, a, b))
        i += 1
    return out


def finding_pieces(document: Document, f: Finding) -> list[Piece]:
    return pieces(document, f.start, f.end, f.segment)
