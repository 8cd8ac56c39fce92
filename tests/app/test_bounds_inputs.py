"""Inputs that used to be missed silently or to hang: deep HTML, special files, unreadable
folders, oversize files, sniffing at offset 0, PDF/zip polyglots (issue 7, scanner bounds)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.errors import ReadError
from app.readers import MAX_FILE_BYTES, read_document
from app.scan import expand_paths
from tests import builders as b
from tests.conftest import REPO

MARK = "机密★5年"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _error(path: Path) -> ReadError:
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.message and not err.value.message.isascii()  # Chinese, for people
    return err.value


def _read_with_deadline(path: Path, seconds: float = 10.0) -> ReadError | None:
    """read_document in a thread: a hang fails the test instead of blocking the run."""
    result: list[ReadError | None] = []

    def target() -> None:
        try:
            read_document(path)
            result.append(None)
        except ReadError as exc:
            result.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"read_document({path}) did not return within {seconds} s"
    return result[0]


def _nested_html(depth: int, inner: str) -> str:
    return ("<!DOCTYPE html><html><head><title>通知</title></head><body>" + "<div><span>" * depth + inner
            + "</span></div>" * depth + "<p>正文结束</p></body></html>")


@pytest.mark.parametrize("depth", [300, 1500, 5000])
def test_deeply_nested_html_loses_nothing(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.html"
    path.write_text(_nested_html(depth, f"<p>{MARK}</p><p style='display:none'>隐藏的名单</p>"), encoding="utf-8")
    doc = read_document(path)
    texts = [(s.text, s.location.part.value) for s in doc.segments]
    assert (MARK, "body") in texts
    assert ("隐藏的名单", "hidden") in texts
    assert ("通知", "title") in texts and ("正文结束", "body") in texts


def test_mark_at_depth_5000_is_found_by_the_scan(tmp_path: Path) -> None:
    from app.scan import Engine

    path = tmp_path / "deep.html"
    path.write_text(_nested_html(5000, MARK), encoding="utf-8")
    report = Engine.load().scan_file(path)
    assert report.error is None
    assert any(f.category.value == "secret_mark" and f.text == MARK for f in report.findings)


@needs_fifo
def test_fifo_given_as_file_is_an_error_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    err = _read_with_deadline(fifo)
    assert err is not None and err.code == "unsupported" and "管道" in err.message and str(fifo) in err.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_device_given_as_file_is_an_error_without_hanging() -> None:
    err = _read_with_deadline(Path("/dev/zero"))
    assert err is not None and err.code == "unsupported" and "设备" in err.message


def test_directory_given_as_file_is_an_error(tmp_path: Path) -> None:
    err = _error(tmp_path)
    assert err.code == "unsupported" and "文件夹" in err.message


def test_sparse_oversize_file_is_refused_at_once_and_not_hashed(tmp_path: Path) -> None:
    from app.scan import Engine

    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(20 * 1024 ** 3)  # 20 GB, sparse: costs nothing on disk
    assert path.stat().st_size > MAX_FILE_BYTES
    start = time.perf_counter()
    report = Engine.load().scan_file(path)  # also the error path (no hashing of the whole file)
    elapsed = time.perf_counter() - start
    assert report.error_code == "too_large" and report.sha256 is None
    assert elapsed < 2.0, f"refusing a 20 GB file took {elapsed:.1f} s"


def test_text_mentioning_pdf_signature_is_not_a_pdf(tmp_path: Path) -> None:
    txt = tmp_path / "notes.txt"
    txt.write_text("关于文件格式的说明：PDF 文件以 %PDF-1.7 开头。\n机密★5年\n", encoding="utf-8")
    doc = read_document(txt)
    assert doc.format == "txt" and MARK in doc.text
    html = tmp_path / "page.html"
    html.write_text("<html><body><p>签名 %PDF-1.4 示例</p><p>内部资料</p></body></html>", encoding="utf-8")
    doc = read_document(html)
    assert doc.format == "html" and "内部资料" in doc.text


def test_pdf_signature_must_be_at_offset_zero(tmp_path: Path) -> None:
    pdf = b.build_text_pdf(tmp_path / "a.pdf")
    shifted = tmp_path / "shifted.pdf"
    shifted.write_bytes(b"junk\n" + pdf.read_bytes())
    assert _error(shifted).code == "corrupt"  # .pdf whose content does not start as a PDF


def _polyglot(tmp_path: Path, name: str) -> Path:
    """A PDF at offset 0 with a complete docx appended: PDF readers read the front, zip readers
    find the archive from its end."""
    pdf = b.build_text_pdf(tmp_path / "front.pdf", pages=("PDF 页面上的公开内容",))
    docx = b.build_simple_docx(tmp_path / "back.docx", paragraphs=(f"藏在 Word 部分的{MARK}",))
    path = tmp_path / name
    path.write_bytes(pdf.read_bytes() + docx.read_bytes())
    return path


@pytest.mark.parametrize("name", ["report.docx", "report.pdf"])
def test_pdf_docx_polyglot_is_flagged_and_both_halves_read(tmp_path: Path, name: str) -> None:
    path = _polyglot(tmp_path, name)
    doc = read_document(path)
    assert "PDF 页面上的公开内容" in doc.text
    assert MARK in doc.text
    assert [n.code for n in doc.notices][:1] == ["polyglot"]
    assert "可疑" in doc.notices[0].message


def test_polyglot_mark_in_zip_half_is_a_finding(tmp_path: Path) -> None:
    from app.scan import Engine

    report = Engine.load().scan_file(_polyglot(tmp_path, "report.docx"))
    assert report.error is None
    assert any(n.code == "polyglot" for n in report.notices)
    assert any(f.category.value == "secret_mark" for f in report.findings)


@needs_fifo
def test_special_files_inside_a_folder_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "ok.txt").write_text("正文", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    paths = expand_paths([folder])
    assert paths == [str(folder / "ok.txt"), str(folder / "pipe.txt")]
    err = _read_with_deadline(folder / "pipe.txt")
    assert err is not None and err.code == "unsupported"


def _unprivileged() -> list[str]:
    """A command prefix that makes folder permissions apply: root reads any folder whatever its
    mode, unless it gives up the capabilities that let it (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a folder cannot be made unreadable")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX folder permissions")
def test_unreadable_subfolder_is_an_error_and_exit_2(tmp_path: Path) -> None:
    top = tmp_path / "drafts"
    secret = top / "secret"
    secret.mkdir(parents=True)
    (top / "ok.txt").write_text("关于开展全民健身活动的通知\n", encoding="utf-8")
    (secret / "marked.txt").write_text(f"{MARK}\n", encoding="utf-8")
    secret.chmod(0)
    try:
        proc = subprocess.run([*_unprivileged(), sys.executable, "-m", "app", "scan", "--format", "json", str(top)],
                              capture_output=True, text=True, cwd=REPO, timeout=300)
    finally:
        secret.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    docs = {d["path"]: d for d in json.loads(proc.stdout)["documents"]}
    assert docs[str(top / "ok.txt")]["error"] is None
    assert docs[str(secret)]["error_code"] == "not_found"
    assert "无法读取文件夹" in docs[str(secret)]["error"]


def test_zip_first_polyglot_is_flagged_too(tmp_path: Path) -> None:
    """The other way round: a docx whose first member is a stored PDF, so "%PDF-" sits in the
    first kilobyte where PDF readers look for it."""
    import io
    import zipfile

    pdf = b.build_text_pdf(tmp_path / "p.pdf", pages=("PDF 页面上的公开内容",)).read_bytes()
    docx = b.build_simple_docx(tmp_path / "s.docx", paragraphs=(f"Word 部分{MARK}",))
    buf = io.BytesIO()
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(buf, "w") as out:
        out.writestr(zipfile.ZipInfo("a.pdf"), pdf)  # stored, not deflated
        for info in src.infolist():
            out.writestr(info, src.read(info))
    path = tmp_path / "zip-first.docx"
    path.write_bytes(buf.getvalue())
    doc = read_document(path)
    assert doc.format == "docx" and [n.code for n in doc.notices][:1] == ["polyglot"]
    assert "PDF 页面上的公开内容" in doc.text and MARK in doc.text


def test_docx_with_an_embedded_pdf_later_in_the_archive_is_not_a_polyglot(tmp_path: Path) -> None:
    docx = b.build_simple_docx(tmp_path / "s.docx")
    pdf = b.build_text_pdf(tmp_path / "p.pdf", pages=("附件",)).read_bytes()
    b.rewrite_zip(docx, lambda name, data: data, {"word/embeddings/a.pdf": pdf})
    doc = read_document(docx)
    assert doc.format == "docx" and not any(n.code == "polyglot" for n in doc.notices)


def test_nul_character_does_not_end_an_html_page(tmp_path: Path) -> None:
    path = tmp_path / "nul.html"
    """libxml2 used to stop at the NUL (and the encoding guess to read the page as UTF-16)."""
    filler = "<p>根据工作安排，现将有关事项通知如下。</p>" * 10
    path.write_text(f"<html><body>{filler}<p>前\x00后</p><p>{MARK}</p><p>机\x00密</p></body></html>",
                    encoding="utf-8")
    doc = read_document(path)
    assert MARK in doc.text and "前后" in doc.text and "机密" in doc.text
