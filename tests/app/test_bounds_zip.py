"""Per-document budgets for zip containers (docx, xlsx, xlsx lexicons) and failures that must
stay with their document: real bomb files written in tmp_path (issue 7, scanner bounds)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from app.errors import LexiconError, ReadError
from app.readers import read_document
from tests import builders as b
from tests.conftest import REPO

W_NS = b.W_NS
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MIB = 1024 * 1024


def _header_xml(size: int) -> bytes:
    """A header part of about `size` bytes: many small paragraphs (what makes lxml trees huge)."""
    para = f'<w:p><w:r><w:t>页眉{"x" * 20}</w:t></w:r></w:p>'.encode()
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W_NS}">'.encode()
    tail = b"</w:hdr>"
    return head + para * ((size - len(head) - len(tail)) // len(para)) + tail  # at most `size`


def build_header_bomb(path: Path, parts: int = 20, size: int = 10 * MIB) -> Path:
    """A valid docx plus `parts` header parts of `size` bytes each, all referenced."""
    b.build_simple_docx(path)
    blob = _header_xml(size)
    rels = "".join(f'<Relationship Id="rIdH{k}" Type="{R_NS}/header" Target="header{k}.xml"/>'
                   for k in range(parts))
    overrides = "".join(f'<Override PartName="/word/header{k}.xml" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>' for k in range(parts))

    def change(name: str, data: bytes) -> bytes:
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", overrides.encode() + b"</Types>")
        return data

    b.rewrite_zip(path, change, {f"word/header{k}.xml": blob for k in range(parts)})
    return path


def _sheet_xml(size: int) -> bytes:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
           b'spreadsheetml/2006/main"><sheetData>'
    tail = b"</sheetData></worksheet>"
    return head + row * ((size - len(head) - len(tail)) // len(row)) + tail


def build_sheet_bomb(path: Path, sheets: int = 90, size: int = 10 * MIB) -> Path:
    """A valid workbook whose first sheet part is replaced and `sheets - 1` more added, each
    `size` bytes of rows."""
    import openpyxl

    wb = openpyxl.Workbook()
    for k in range(1, sheets):
        wb.create_sheet(f"S{k}")
    wb.save(str(path))
    blob = _sheet_xml(size)
    b.rewrite_zip(path, lambda name, data: blob if name.startswith("xl/worksheets/sheet") else data)
    return path


def _refused_quickly(path: Path) -> ReadError:
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_document(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"refusing {path.name} took {elapsed:.1f} s"
    assert err.value.code == "zip_bomb" and "压缩炸弹" in err.value.message
    return err.value


def test_docx_of_twenty_10_mib_headers_is_refused_quickly(tmp_path: Path) -> None:
    path = build_header_bomb(tmp_path / "headers.docx")
    assert path.stat().st_size < 2 * MIB  # a small file…
    with zipfile.ZipFile(path) as zf:  # …each of whose parts passes the per-entry checks
        infos = [i for i in zf.infolist() if i.filename.startswith("word/header")]
        assert len(infos) == 20 and all(i.file_size <= 10 * MIB for i in infos)
    err = _refused_quickly(path)
    assert "MB" in err.message


def test_xlsx_of_90_10_mib_sheets_is_refused_quickly(tmp_path: Path) -> None:
    path = build_sheet_bomb(tmp_path / "sheets.xlsx")
    _refused_quickly(path)


def test_many_small_parts_are_refused(tmp_path: Path) -> None:
    """Under the per-entry ratio threshold one by one, over the budget together."""
    path = build_header_bomb(tmp_path / "many.docx", parts=150, size=1 * MIB)
    _refused_quickly(path)


def test_ordinary_docx_with_headers_still_reads(tmp_path: Path) -> None:
    path = build_header_bomb(tmp_path / "fine.docx", parts=3, size=64 * 1024)
    doc = read_document(path)
    assert any(s.location.part.value == "header" for s in doc.segments)


def test_xlsx_lexicon_bomb_is_a_clear_lexicon_error(tmp_path: Path) -> None:
    from app.lexicon.loader import load_lexicon_file

    path = build_sheet_bomb(tmp_path / "词库.xlsx", sheets=30, size=10 * MIB)
    start = time.perf_counter()
    with pytest.raises(LexiconError) as err:
        load_lexicon_file(path)
    assert time.perf_counter() - start < 5.0
    assert "词库.xlsx" in err.value.message and "压缩炸弹" in err.value.message


needs_rlimit = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")


def _limit_memory() -> None:
    import resource

    limit = 2 * 1024 ** 3  # 2 GiB of address space: the process must get by with that
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@needs_rlimit
def test_batch_with_bombs_continues_within_bounded_memory(tmp_path: Path) -> None:
    """The bombs are refused, the ordinary file after them is scanned and JSON is written, in a
    process whose address space is capped (the 20-header docx used to take 5 GB)."""
    bombs = [build_header_bomb(tmp_path / "headers.docx"), build_sheet_bomb(tmp_path / "sheets.xlsx")]
    marked = tmp_path / "marked.txt"
    marked.write_text("机密★5年\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "app", "scan", "--format", "json",
                           *map(str, bombs), str(marked)],
                          capture_output=True, text=True, cwd=REPO, timeout=300, preexec_fn=_limit_memory)
    assert proc.returncode == 2, proc.stderr
    docs = json.loads(proc.stdout)["documents"]
    assert [d["error_code"] for d in docs] == ["zip_bomb", "zip_bomb", None]
    assert docs[0]["sha256"] and docs[1]["sha256"]
    assert any(f["category"] == "secret_mark" for f in docs[2]["findings"])


@needs_rlimit
def test_memory_error_stays_with_its_document(tmp_path: Path) -> None:
    """A document too big for the memory the process has (a 40 MB text under a 400 MiB cap on
    the address space) is an error for that document; the next one is scanned and the JSON
    report is complete (a MemoryError, or a SystemError over one from a C extension, used to
    end the whole batch without JSON)."""
    big = tmp_path / "big.txt"
    line = ("关于做好年度工作的通知，请各单位认真贯彻落实。" * 4 + "\n").encode("utf-8")
    with big.open("wb") as fh:
        for _ in range(40 * MIB // len(line)):
            fh.write(line)
    marked = tmp_path / "marked.txt"
    marked.write_text("机密★5年\n", encoding="utf-8")
    script = ("import resource, sys\n"
              "limit = int(sys.argv[1])\n"
              "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
              "from app.cli import main\n"
              "sys.exit(main(['scan', '--format', 'json', *sys.argv[2:]]))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(400 * MIB), str(big), str(marked)],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 2, proc.stderr[-2000:]
    docs = json.loads(proc.stdout)["documents"]
    assert docs[0]["error_code"] == "too_large" and "内存不足" in docs[0]["error"]
    assert docs[1]["error"] is None
    assert any(f["category"] == "secret_mark" for f in docs[1]["findings"])


def _declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size a zip declares for `member` (local and central headers)."""
    import struct

    data = bytearray(path.read_bytes())
    name = member.encode()
    i = data.find(b"PK\x01\x02")
    while i != -1:
        name_len = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + name_len] == name:
            struct.pack_into("<I", data, i + 24, size)
            local = struct.unpack_from("<I", data, i + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        i = data.find(b"PK\x01\x02", i + 4)
    path.write_bytes(bytes(data))


def test_part_that_understates_its_size_cannot_inflate_past_it(tmp_path: Path) -> None:
    """The budgets use declared sizes; a part that declares 1 kB but holds 50 MiB is cut at
    1 kB by the zip reader, fails its CRC and the document is reported corrupt."""
    path = build_header_bomb(tmp_path / "liar.docx", parts=1, size=50 * MIB)
    _declare_size(path, "word/header0.xml", 1000)
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert time.perf_counter() - start < 5.0
    assert err.value.code == "corrupt"


def test_too_many_xml_parts_are_refused(tmp_path: Path) -> None:
    """Many tiny parts, each trivially small: the parts budget, not the size budget, stops it."""
    from app.readers.guards import MAX_XML_PARTS

    path = b.build_simple_docx(tmp_path / "parts.docx")
    b.rewrite_zip(path, lambda name, data: data,
                  {f"word/header{k}.xml": f'<w:hdr xmlns:w="{W_NS}"/>'.encode() for k in range(MAX_XML_PARTS)})
    err = _refused_quickly(path)
    assert "XML 部件" in err.message
