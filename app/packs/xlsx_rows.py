"""The first sheet of an xlsx word list as rows of text, streamed from the sheet XML with lxml.

openpyxl builds an object per cell and takes ~5 s for a 50,000-row list; this reads the shared
strings and the first sheet directly (~10× faster). The archive goes through the document zip
budget first. Anything unexpected (no workbook part, an odd relationship) falls back to the
loader's openpyxl path, which has the same output and error messages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.errors import LexiconError, ReadError

Row = tuple[int, list[str]]
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_MAX_COLUMNS = 64
_DIGITS = "0123456789"


class _Fallback(Exception):
    pass


def xlsx_rows(p: Path, data: bytes) -> Iterator[Row]:
    from app.lexicon.loader import openpyxl_rows
    from app.readers.guards import open_zip

    try:
        zf = open_zip(data, "Excel（xlsx）")
    except ReadError as exc:
        raise LexiconError(f"词库文件 {p.name}：{exc.message}", code="lexicon_invalid") from None
    try:
        rows = list(_rows(zf))
    except _Fallback:
        rows = None
    except Exception as exc:  # malformed XML, bad zip member…
        raise LexiconError(f"词库文件 {p.name}：无法读取 XLSX 工作簿（{type(exc).__name__}）。") from exc
    finally:
        zf.close()
    if rows is None:
        yield from openpyxl_rows(p, data)
        return
    yield from rows


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _iterparse(blob: bytes, tag: str) -> Iterator[Any]:
    from lxml import etree

    for _, el in etree.iterparse(io.BytesIO(blob), events=("end",), tag=f"{{*}}{tag}", resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False, remove_comments=True):
        yield el


def _first_sheet(zf: Any) -> str:
    from app.readers.guards import parse_xml

    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        raise _Fallback
    book = parse_xml(zf.read("xl/workbook.xml"), "xl/workbook.xml")
    sheets = [el for el in book.iter() if _local(el.tag) == "sheet"]
    if not sheets:
        raise _Fallback
    rid = next((v for k, v in sheets[0].attrib.items() if _local(k) == "id"), None)
    rels = parse_xml(zf.read("xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels")
    target = next((el.get("Target") for el in rels.iter() if _local(el.tag) == "Relationship"
                   and el.get("Id") == rid), None)
    if not target:
        raise _Fallback
    path = target.lstrip("/") if target.startswith("/") else "xl/" + target
    if path not in names:
        raise _Fallback
    return str(path)


def _text(el: Any) -> str:
    """The text of an <si> or <is>: its <t> runs, without phonetic (<rPh>) runs."""
    if len(el) == 1 and isinstance(el[0].tag, str) and el[0].tag.endswith("}t"):  # the usual case: one plain run
        return str(el[0].text or "")
    if el.find("{*}rPh") is None:
        return "".join(el.itertext("{*}t"))
    return "".join(t.text or "" for t in el.iter("{*}t") if _local(t.getparent().tag) != "rPh")


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and "e" not in text.lower() else text


def _rows(zf: Any) -> Iterator[Row]:
    shared: list[str] = []
    if "xl/sharedStrings.xml" in zf.namelist():
        for si in _iterparse(zf.read("xl/sharedStrings.xml"), "si"):
            shared.append(_text(si))
            si.clear()
    sheet = zf.read(_first_sheet(zf))
    expected = 0
    columns: dict[str, int] = {}    # cell reference → column index, e.g. "B7" → 1 (memoised by letters)
    for row in _iterparse(sheet, "row"):
        expected += 1
        number = int(row.get("r") or expected)
        expected = number
        cells: dict[int, str] = {}
        for c in row.iterchildren("{*}c"):
            ref = c.get("r") or ""
            letters = ref.rstrip(_DIGITS)
            col = columns.get(letters, -1) if letters != ref else -1
            if col < 0:
                m = _REF.match(ref)
                col = _column(m.group(1)) if m else len(cells)
                if m:
                    columns[letters] = col
            if col >= _MAX_COLUMNS:
                continue
            kind = c.get("t") or "n"
            if kind == "inlineStr":
                value = "".join(_text(x) for x in c.iterchildren("{*}is"))
            else:
                v = c.findtext("{*}v") or ""
                if kind == "s":
                    value = shared[int(v)] if v.isdigit() and int(v) < len(shared) else ""
                elif kind == "n":
                    value = _number(v)
                elif kind == "b":
                    value = "True" if v == "1" else "False"
                else:
                    value = v
            cells[col] = value
        row.clear()
        if any(cells.values()):
            width = max(cells) + 1
            yield number, [cells.get(i, "") for i in range(width)]
