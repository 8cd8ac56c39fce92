"""Defences applied before and while a document's internals are parsed.

Zip containers (docx, xlsx, xlsx lexicons) are checked as a whole before anything decompresses
them: entry count, number of XML parts, total uncompressed size, total size of the XML parts
(which parsers turn into trees many times their size) and compression ratio, per entry and for
the whole archive (twenty 10 MiB parts that each pass are still one 200 MiB document); XML is parsed without entity resolution, network access
or huge-tree mode. PDFs have a page, text and time budget and LibreOffice conversions a size and
time budget (constants below). Every failure becomes a `ReadError` with a stable code.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from app.errors import ReadError

MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_UNCOMPRESSED = 1024 * 1024 * 1024      # 1 GiB declared in total
MAX_ENTRY_UNCOMPRESSED = 512 * 1024 * 1024     # one part
MAX_RATIO = 200                                # uncompressed / compressed, for large entries
RATIO_MIN_SIZE = 10 * 1024 * 1024              # small entries may compress well without harm
MAX_XML_PARTS = 5_000                          # parts that are parsed (.xml, .rels, .vml)
MAX_XML_UNCOMPRESSED = 64 * 1024 * 1024        # all parsed parts together, declared sizes (~25× that in memory once parsed)
_XML_SUFFIXES = (".xml", ".rels", ".vml")

# PDF text extraction (app/readers/pdf.py): a 1,000-page report reads in a few seconds and holds
# a few million characters; these stop a crafted file long before memory or patience runs out.
MAX_PDF_PAGES = 5_000
MAX_PDF_TEXT_CHARS = 50_000_000                # all pages together (~200 MB as Python str at worst)
MAX_PDF_SECONDS = 300.0                        # wall clock for all pages, checked between pages

# LibreOffice conversion (app/readers/office.py); the converted docx/xlsx then goes through the
# zip budget above like any other.
MAX_CONVERT_BYTES = 100 * 1024 * 1024          # a .doc/.wps/.et/.rtf/.odt larger than this is not converted
CONVERT_TIMEOUT_S = 180.0                      # one conversion; soffice and its children are then killed


def _bomb(detail: str) -> ReadError:
    return ReadError(f"文件疑似“压缩炸弹”（{detail}），为保护本机未予解压。请向来源确认文件后再审查。",
                     code="zip_bomb")


def too_large(what: str, detail: str) -> ReadError:
    """An input over one of the budgets above (`detail` names the count and the limit)."""
    return ReadError(f"{what}文件过大（{detail}），为保护本机未予完整读取。请拆分文件后分别审查。",
                     code="too_large")


def size_text(size: int) -> str:
    """1536 → "2 KB", 150 MiB → "150 MB"."""
    mib = 1024 * 1024
    return f"{size / mib:.0f} MB" if size >= mib else f"{max(1, round(size / 1024))} KB"


def too_slow(what: str, detail: str) -> ReadError:
    """Reading an input took longer than its time budget."""
    return ReadError(f"{what}文件读取超时（{detail}），未能完整审查。文件可能已损坏或被刻意构造；"
                     f"请拆分文件或用原软件另存一份后再审查。", code="too_slow")


def corrupt(what: str, detail: str = "") -> ReadError:
    extra = f"（{detail}）" if detail else ""
    return ReadError(f"{what}文件已损坏或不完整{extra}，无法读取。请向来源重新获取文件，"
                     f"或用原软件打开后另存一份再审查。", code="corrupt")


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open `data` as a zip and check it is safe to decompress. `kind` names the format ("Word")."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise corrupt(kind, "压缩包目录缺失，可能是下载或拷贝不完整") from exc
    check_zip(zf)
    return zf


def check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _bomb(f"包含 {len(infos)} 个条目，超过上限 {MAX_ZIP_ENTRIES}")
    total = compressed = xml_total = xml_parts = 0
    for info in infos:
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > MAX_ENTRY_UNCOMPRESSED:
            raise _bomb(f"条目 {info.filename} 解压后达 {info.file_size // (1024 * 1024)} MB")
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(f"条目 {info.filename} 压缩比超过 {MAX_RATIO} 倍")
        if info.filename.lower().endswith(_XML_SUFFIXES):
            xml_parts += 1
            xml_total += info.file_size
    if total > MAX_ZIP_UNCOMPRESSED:
        raise _bomb(f"解压后共 {total // (1024 * 1024)} MB")
    if xml_parts > MAX_XML_PARTS:
        raise _bomb(f"包含 {xml_parts} 个 XML 部件，超过上限 {MAX_XML_PARTS}")
    if xml_total > MAX_XML_UNCOMPRESSED:
        raise _bomb(f"XML 部件解压后共 {xml_total // (1024 * 1024)} MB，超过上限 "
                    f"{MAX_XML_UNCOMPRESSED // (1024 * 1024)} MB")
    if total > RATIO_MIN_SIZE and total > MAX_RATIO * max(compressed, 1):
        raise _bomb(f"整个文件解压后 {total // (1024 * 1024)} MB，压缩比超过 {MAX_RATIO} 倍")


def read_member(zf: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """Read one zip entry; a damaged entry (bad CRC, truncated data) is a corrupt file."""
    try:
        return zf.read(name)
    except KeyError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise corrupt(kind, f"内部文件 {name} 无法解压") from exc


def xml_parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           remove_comments=True, remove_pis=True)


def parse_xml(blob: bytes, part_name: str) -> Any:
    """Parse one XML part safely; malformed XML is a `ReadError` naming the part."""
    from lxml import etree

    try:
        root = etree.fromstring(blob, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise malformed(part_name, exc) from exc
    if root is None:
        raise malformed(part_name, None)
    return root


def malformed(part_name: str, exc: BaseException | None) -> ReadError:
    detail = f"：{exc}" if exc is not None else ""
    return ReadError(f"文件内部的 {part_name} 不是合法的 XML{detail}。文件可能已损坏或被改动过，"
                     f"请用原软件打开后另存一份再审查。", code="malformed_xml")
