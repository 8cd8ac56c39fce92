"""Document readers: one file in, one `Document` out, or a `ReadError` with a Chinese message.

`read_document` sniffs the format from the file's first bytes (the suffix only breaks ties),
hashes the bytes, and hands them to the per-format module, which is imported only when needed so
that importing `app.readers` stays cheap.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

from app.errors import ReadError
from app.model import Document
from app.ocr.options import OcrOptions

__all__ = ["MAX_FILE_BYTES", "SUPPORTED_FORMATS", "detect_format", "is_readable_regular_file",
           "read_document"]

MAX_FILE_BYTES = 200 * 1024 * 1024

SUPPORTED_FORMATS = ("docx、pdf、txt、html/htm、xlsx、图片（png、jpg、tif、bmp，经文字识别），"
                     "以及经 LibreOffice 转换的 doc、wps、rtf、odt、et、xls")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONVERTED_SUFFIXES = {".doc": "docx", ".wps": "docx", ".rtf": "docx", ".odt": "docx",
                       ".et": "xlsx", ".xls": "xlsx", ".ods": "xlsx"}
_BINARY_SUFFIXES = {".docx": "Word（docx）", ".xlsx": "Excel（xlsx）", ".pdf": "PDF"}


def read_document(path: str | os.PathLike[str], password: str | None = None,
                  ocr: OcrOptions | None = None) -> Document:
    """Read one file. Raises only `ReadError` (codes: see `app.errors.ReadError`). `password`: the
    user password of an encrypted PDF (ignored for other formats; wrong or missing: "encrypted").
    `ocr`: when to recognise pages without a text layer and images (default `auto`)."""
    p = Path(path)
    data = _load(p)
    sha = hashlib.sha256(data).hexdigest()
    kind = detect_format(p, data)
    failure: ReadError | None = None
    try:
        other = _polyglot_other_half(p, kind, data)
        if other is not None:
            return _read_polyglot(p, data, sha, kind, other, password, ocr)
        return _dispatch(kind, p, data, sha, password, ocr)
    except ReadError:
        raise
    except MemoryError:
        # raised below, outside this block: the MemoryError's traceback (and the parser's huge
        # intermediate objects it keeps alive) is released before anyone handles the ReadError
        failure = ReadError("文件过大或结构过于复杂，读取时内存不足。请拆分文件后再审查。", code="too_large")
    except RecursionError:
        failure = ReadError("文件结构嵌套过深，无法读取。文件可能已损坏或被刻意构造，请向来源确认。",
                            code="corrupt")
    except Exception as exc:  # any other failure inside a third-party parser: the file is bad
        raise ReadError(f"文件内容损坏或格式异常，无法读取（{type(exc).__name__}: {exc}）。"
                        f"请用原软件打开后另存一份再审查。", code="corrupt") from exc
    raise failure


def detect_format(path: Path, data: bytes) -> str:
    """One of "docx", "xlsx", "pdf", "txt", "html", "office", "image"; raises `ReadError` otherwise."""
    suffix = path.suffix.lower()
    head = data[:1024]
    if head.startswith(b"%PDF-"):  # at offset 0 only: a text mentioning "%PDF-" is not a PDF
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path, data)
    if head.startswith(_OLE2):
        return _ole2_kind(path, data)
    from app.readers.image import SUFFIXES as IMAGE_SUFFIXES
    from app.readers.image import sniff as sniff_image

    if sniff_image(path, head):
        return "image"
    if suffix in IMAGE_SUFFIXES:
        raise ReadError(f"文件扩展名为 {suffix}，但内容不是图片，可能已损坏或被改了扩展名。请向来源重新获取文件。",
                        code="corrupt")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "office"
    if suffix in _CONVERTED_SUFFIXES:
        if suffix == ".rtf":
            raise ReadError("文件扩展名为 .rtf，但内容不是 RTF 文档。请确认文件后再审查。", code="corrupt")
        return "office"  # let LibreOffice decide (e.g. WPS formats without a known signature)
    if suffix in _BINARY_SUFFIXES:
        what = _BINARY_SUFFIXES[suffix]
        if not data:
            raise ReadError(f"文件是空的（0 字节），不是有效的{what}文件。请向来源重新获取文件。", code="corrupt")
        raise ReadError(f"文件扩展名为 {suffix}，但内容不是{what}格式，可能已损坏或被改了扩展名。"
                        f"请向来源重新获取文件。", code="corrupt")
    if suffix in (".html", ".htm", ".xhtml", ".shtml") or _looks_html(head):
        return "html"
    if suffix in (".txt", ".text", ".csv", ".md", ".log", ""):
        return "txt"
    raise ReadError(f"不支持的文件类型（{suffix or '无扩展名'}）。支持的格式：{SUPPORTED_FORMATS}。"
                    f"请另存为其中一种格式后再审查。", code="unsupported")


def _load(p: Path) -> bytes:
    """The file's bytes, after checking it is a regular file of acceptable size (a FIFO, device or
    directory is refused without being opened, and an oversize file without being read)."""
    try:
        st = p.stat()
    except FileNotFoundError as exc:
        raise ReadError(f"找不到文件：{p}。请确认路径是否正确、文件是否已被移动或删除。", code="not_found") from exc
    except OSError as exc:
        raise ReadError(f"无法访问文件：{p}（{exc.strerror or exc}）。请检查文件权限后重试。", code="not_found") from exc
    _check_regular(p, st)
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after stat(), open() must not wait for a writer
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ReadError(f"无法读取文件：{p}（{exc.strerror or exc}）。请检查文件是否被其他程序占用或权限不足。",
                        code="not_found") from exc
    try:
        with open(fd, "rb", closefd=True) as fh:  # buffered: read(n) loops until n bytes or the end
            opened = os.fstat(fd)
            _check_regular(p, opened)  # the file actually opened, not the name stat() saw
            data = fh.read(opened.st_size + 1)  # one allocation of the file's size
            if len(data) > opened.st_size:  # it grew since (or reports no size): read on to the limit
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
            if len(data) > MAX_FILE_BYTES:
                raise _too_large(len(data))
            return data
    except OSError as exc:
        raise ReadError(f"无法读取文件：{p}（{exc.strerror or exc}）。请检查文件是否被其他程序占用或权限不足。",
                        code="not_found") from exc


def _check_regular(p: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        try:
            with os.scandir(p):
                pass
        except OSError as exc:
            raise ReadError(f"无法读取文件夹：{p}（{exc.strerror or exc}），其中的文件未能审查。"
                            f"请检查文件夹权限后重试。", code="not_found") from exc
        raise ReadError(f"{p} 是文件夹，不是文件。", code="unsupported")
    if not stat.S_ISREG(st.st_mode):
        what = "命名管道（FIFO）" if stat.S_ISFIFO(st.st_mode) else \
            "设备文件" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else \
            "套接字" if stat.S_ISSOCK(st.st_mode) else "特殊文件"
        raise ReadError(f"{p} 是{what}，不是普通文件，未予读取。请将要审查的内容保存为普通文件后再审查。",
                        code="unsupported")
    if st.st_size > MAX_FILE_BYTES:
        raise _too_large(st.st_size)


def _too_large(size: int) -> ReadError:
    return ReadError(f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）。"
                     f"请拆分后分别审查。", code="too_large")


def is_readable_regular_file(path: str | os.PathLike[str]) -> bool:
    """True for a regular file within the size limit (what may be hashed on an error path)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size <= MAX_FILE_BYTES


def _zip_kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    import zipfile

    from app.readers.guards import open_zip

    what = _BINARY_SUFFIXES.get(suffix, "压缩包")
    with open_zip(data, what) as zf:
        names = set(zf.namelist())
        office_package = "[Content_Types].xml" in names and not any(n.startswith("xl/") for n in names)
        if "word/document.xml" in names or (suffix == ".docx" and office_package):
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names:
            try:
                mime = zf.read("mimetype")[:100]
            except (zipfile.BadZipFile, OSError, KeyError):
                mime = b""
            if mime.startswith(b"application/vnd.oasis.opendocument"):
                return "office"
    if suffix in (".odt", ".ods"):
        return "office"
    raise ReadError(f"文件是压缩包，但不是 Word（docx）或 Excel（xlsx）文档。支持的格式：{SUPPORTED_FORMATS}。",
                    code="unsupported")


def _ole2_kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    encrypted = "EncryptionInfo".encode("utf-16-le") in data[:2 * 1024 * 1024] or \
        "EncryptedPackage".encode("utf-16-le") in data[:2 * 1024 * 1024]
    if encrypted:
        raise ReadError("文件已加密（设置了打开密码），无法读取。请取得未加密的版本后再审查。", code="encrypted")
    if suffix in (".docx", ".xlsx"):
        old = ".doc" if suffix == ".docx" else ".xls"
        raise ReadError(f"文件扩展名为 {suffix}，但实际是旧版二进制格式（{old}）或加密文档。"
                        f"请用 Word/WPS 打开后另存为 {suffix} 再审查，或将扩展名改为 {old} 后由本软件转换。",
                        code="unsupported")
    return "office"


def _looks_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower()


_KIND_NAMES = {"pdf": "PDF", "docx": "Word（docx）", "xlsx": "Excel（xlsx）"}


def _polyglot_other_half(p: Path, kind: str, data: bytes) -> str | None:
    """For a file that is at once a PDF and an Office zip package, the format of the half that
    `detect_format` did not pick; None for an ordinary file. PDF readers accept a header anywhere
    in the first kilobyte and zip readers find the archive from its end, so both can hold."""
    if kind == "pdf":
        import zipfile

        from app.readers.guards import check_zip

        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return None
        with zf:
            names = set(zf.namelist())
            if "word/document.xml" in names or "xl/workbook.xml" in names:
                check_zip(zf)
                return "docx" if "word/document.xml" in names else "xlsx"
        return None
    if kind in ("docx", "xlsx") and b"%PDF-" in data[:1024] and b"%%EOF" in data:
        return "pdf"
    return None


def _read_polyglot(p: Path, data: bytes, sha: str, kind: str, other: str,
                   password: str | None = None, ocr: OcrOptions | None = None) -> Document:
    """Both halves read and scanned as one document, with a notice saying the file is suspect."""
    from app.model import Notice

    first = _dispatch(kind, p, data, sha, password, ocr)
    try:
        second = _dispatch(other, p, data, sha, password, ocr)
    except ReadError:
        if other != "pdf":
            raise  # a valid zip package whose content cannot be read: nothing may go unseen
        return first  # "%PDF-" inside a zip member's stored bytes, but no PDF a reader would open
    zip_half, pdf_half = (second, first) if kind == "pdf" else (first, second)
    office = _KIND_NAMES[zip_half.format]
    notice = Notice(code="polyglot",
                    message=f"可疑文件：该文件同时是有效的 PDF 和{office}文件（一个文件两种格式，"
                            f"用不同软件打开会看到不同内容，常用于伪装或夹带）。两部分内容均已审查。"
                            f"请向来源核实，发布前另存为单一格式。")
    segments = [*zip_half.segments, *pdf_half.segments]
    return Document.build(str(p), first.format, sha, segments, pages=pdf_half.pages,
                          notices=(notice, *first.notices, *second.notices), encoding=first.encoding)


def _dispatch(kind: str, p: Path, data: bytes, sha: str, password: str | None = None,
              ocr: OcrOptions | None = None) -> Document:
    if kind == "pdf":
        from app.readers import pdf

        return pdf.read(p, data, sha, password=password, ocr=ocr)
    if kind == "image":
        from app.readers import image

        return image.read(p, data, sha, ocr=ocr)
    if kind == "docx":
        from app.readers import docx

        return docx.read(p, data, sha)
    if kind == "xlsx":
        from app.readers import xlsx

        return xlsx.read(p, data, sha)
    if kind == "html":
        from app.readers import html

        return html.read(p, data, sha)
    if kind == "office":
        from app.readers import office

        return office.read(p, data, sha)
    from app.readers import text

    return text.read(p, data, sha)
