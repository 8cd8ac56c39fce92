"""The two leak checks every copy passes before it is written.

Gate 1: re-extract the copy with MiShen's own reader and with a second extractor (pdfminer.six,
the engine of pdfplumber, for PDF; the raw XML — every text node and attribute — of every part of an Office package; the raw
decoded text for txt/html) and find none of the withheld strings, whitespace- and
line-break-insensitively. Gate 2 (PDF): no extractable character (pdfium character boxes) inside
any redaction box."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.redact.match import contains_any, squeeze
from app.redact.model import Box


@dataclass
class GateReport:
    problems: list[str] = field(default_factory=list)      # Chinese, one per failure
    pages: set[int] = field(default_factory=set)           # PDF pages that failed

    @property
    def ok(self) -> bool:
        return not self.problems


def _short(needles: Sequence[str]) -> str:
    return "、".join(f"“{n[:2]}…”（{len(squeeze(n))} 字）" for n in needles)


def own_reader(path: Path, needles: Sequence[str], report: GateReport, ocr: str = "auto",
               kind: str | None = None) -> None:
    """MiShen's reader on the copy; `kind` ("txt", "html", "image") names the reader when the temp
    file's name does not (plain text and bmp are recognised by their suffix)."""
    import hashlib

    from app.errors import ReadError
    from app.ocr.options import OcrOptions
    from app.readers import read_document

    try:
        if kind == "html":
            from app.readers import html

            data = path.read_bytes()
            doc = html.read(path, data, hashlib.sha256(data).hexdigest())
        elif kind == "image":
            from app.readers import image

            data = path.read_bytes()
            doc = image.read(path, data, hashlib.sha256(data).hexdigest(), ocr=OcrOptions(ocr))
        elif kind == "txt":
            from app.readers import text

            data = path.read_bytes()
            doc = text.read(path, data, hashlib.sha256(data).hexdigest())
        else:
            doc = read_document(path, ocr=OcrOptions(ocr))
    except ReadError as exc:
        report.problems.append(f"本软件无法重新读取生成的副本：{exc.message}")
        return
    found = contains_any(doc.text, needles)
    if found:
        report.problems.append(f"用本软件重新读取副本，仍能读出被遮盖的内容：{_short(found)}")
        for seg in doc.segments:
            if seg.location.page is not None and contains_any(seg.text, needles):
                report.pages.add(seg.location.page)


def pdfminer_pages(path: Path) -> list[str]:
    """Every character each page shows, in content order, as pdfminer.six (the engine pdfplumber
    is built on) decodes them — without pdfplumber's layout pass, which is 3× slower and adds
    nothing to a whitespace-insensitive search. Characters inside form XObjects are included."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    def chars(item: object, out: list[str]) -> None:
        if isinstance(item, LTChar):
            out.append(item.get_text())
        elif isinstance(item, LTContainer):
            for child in item:
                chars(child, out)

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    with open(path, "rb") as fh:
        for page in PDFPage.get_pages(fh):
            interpreter.process_page(page)
            out: list[str] = []
            chars(device.get_result(), out)
            pages.append("".join(out))
    return pages


def pdf_gates(path: Path, needles: Sequence[str], boxes: dict[int, list[Box]], ocr: str = "auto") -> GateReport:
    """`ocr="auto"`: pages without a text layer (rasterised, scanned) are read by OCR as well."""
    from app.redact.pdf_locate import chars_in_boxes

    report = GateReport()
    own_reader(path, needles, report, ocr)
    for number, text in enumerate(pdfminer_pages(path), start=1):
        found = contains_any(text, needles)
        if found:
            report.problems.append(f"用 pdfminer（pdfplumber 的解析引擎）重新读取副本，第 {number} 页仍能读出"
                                   f"被遮盖的内容：{_short(found)}")
            report.pages.add(number)
    inside = chars_in_boxes(path, boxes)
    for number, chars in sorted(inside.items()):
        report.problems.append(f"副本第 {number} 页的遮盖框内仍有 {len(chars)} 个可提取的字符")
        report.pages.add(number)
    return report


def _xml_text(data: bytes) -> str | None:
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True))
    except etree.XMLSyntaxError:
        return None
    parts = ["".join(root.itertext())]
    for el in root.iter():
        parts.extend(str(v) for v in el.attrib.values())
        if el.tag is etree.Comment or el.tag is etree.PI:
            parts.append(str(el.text or ""))
    return "\n".join(parts)


_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "gb18030")


def raw_hits(data: bytes, needles: Sequence[str]) -> list[str]:
    """Needles whose bytes (in any common encoding, whitespace kept out) occur in `data`."""
    out = []
    for needle in needles:
        flat = squeeze(needle)
        if not flat:
            continue
        for enc in _ENCODINGS:
            try:
                if flat.encode(enc) in data:
                    out.append(needle)
                    break
            except UnicodeEncodeError:
                continue
    return out


def package_gates(path: Path, needles: Sequence[str]) -> GateReport:
    """Office packages: MiShen's reader, then every part of the zip — XML parsed (all text and
    attribute values, split runs joined), anything else searched as raw bytes."""
    report = GateReport()
    own_reader(path, needles, report)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            text = _xml_text(data) if info.filename.endswith((".xml", ".rels", ".vml")) or data[:5] == b"<?xml" else None
            found = contains_any(text, needles) if text is not None else []
            found = sorted(set(found) | set(raw_hits(data, needles)))
            if found:
                report.problems.append(f"副本的部件 {info.filename} 中仍有被遮盖的内容：{_short(found)}")
    return report


def text_gates(path: Path, needles: Sequence[str], encoding: str, kind: str) -> GateReport:
    report = GateReport()
    own_reader(path, needles, report, kind=kind)
    data = path.read_bytes()
    found = contains_any(data.decode(encoding, errors="replace"), needles) + raw_hits(data, needles)
    if found:
        report.problems.append(f"副本的原始文字中仍有被遮盖的内容：{_short(sorted(set(found)))}")
    return report
