"""Per-document budgets for PDFs (pages, extracted text, wall clock) and for LibreOffice
conversions (input size, conversion time), on real files written in tmp_path (issue 7, scanner
bounds). Lower limits are set by monkeypatching the constants in `app.readers.guards`; the readers
themselves are the real ones."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from app.errors import ReadError
from app.model import Part
from app.readers import guards, read_document
from tests import builders as b
from tests.conftest import REPO

HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
RTF = r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0 SimSun;}}\f0 \u20851?\u20110?\u36890?\u30693?\par}"


def write_empty_pages_pdf(path: Path, pages: int) -> Path:
    """A valid PDF of `pages` empty pages, written by hand (with a correct xref table)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + k) for k in range(pages))
               + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# --- PDF: page count ---------------------------------------------------------------------------

def test_pdf_over_page_limit_is_refused_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    path = write_empty_pages_pdf(tmp_path / "many.pdf", guards.MAX_PDF_PAGES + 1)
    assert time.monotonic() - started < 5
    started = time.monotonic()
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "too_large"
    assert f"{guards.MAX_PDF_PAGES + 1} 页" in err.value.message
    assert f"上限 {guards.MAX_PDF_PAGES} 页" in err.value.message
    assert time.monotonic() - started < 10  # refused before any page is extracted


def test_pdf_at_page_limit_still_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_PDF_PAGES", 50)
    doc = read_document(write_empty_pages_pdf(tmp_path / "fifty.pdf", 50))
    assert doc.pages == 50
    with pytest.raises(ReadError) as err:
        read_document(write_empty_pages_pdf(tmp_path / "fifty-one.pdf", 51))
    assert err.value.code == "too_large" and "51 页" in err.value.message


def test_thousand_page_pdf_reads_within_default_limits(tmp_path: Path) -> None:
    path = b.build_text_pdf(tmp_path / "long.pdf", [f"第{p + 1}页 关于信息公开工作的通知" for p in range(1000)])
    started = time.monotonic()
    doc = read_document(path)
    elapsed = time.monotonic() - started
    pages = [s for s in doc.segments if s.location.part is Part.PAGE]
    assert doc.pages == 1000 and len(pages) == 1000
    assert pages[-1].text.strip() == "第1000页 关于信息公开工作的通知"
    assert elapsed < guards.MAX_PDF_SECONDS / 10, elapsed


# --- PDF: text budget --------------------------------------------------------------------------

def test_pdf_text_budget_refuses_before_extracting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = b.build_big_pdf(tmp_path / "big.pdf", pages=5)  # 30 lines of ~35 chars per page
    whole = read_document(path)
    page_chars = [len(s.text) for s in whole.segments if s.location.part is Part.PAGE]
    # a budget that the first two pages fit but the third overruns
    monkeypatch.setattr(guards, "MAX_PDF_TEXT_CHARS", page_chars[0] + page_chars[1] + 10)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "too_large"
    assert "第 3 页" in err.value.message and f"{page_chars[0] + page_chars[1] + 10:,} 字" in err.value.message
    monkeypatch.setattr(guards, "MAX_PDF_TEXT_CHARS", sum(page_chars))
    assert read_document(path).pages == 5  # exactly at the budget is fine


# --- PDF: wall clock ---------------------------------------------------------------------------

def test_pdf_time_budget_is_checked_between_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = b.build_big_pdf(tmp_path / "slow.pdf", pages=20)
    monkeypatch.setattr(guards, "MAX_PDF_SECONDS", 0.0)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "too_slow"
    assert "20 页中的 1 页" in err.value.message and "时限 0 秒" in err.value.message


def test_pdf_budget_failure_stays_with_its_document(tmp_path: Path) -> None:
    """Through the real CLI: the oversize PDF is an error in the JSON, the next file is scanned."""
    write_empty_pages_pdf(tmp_path / "a-many.pdf", guards.MAX_PDF_PAGES + 1)
    b.build_text_pdf(tmp_path / "b-ok.pdf", ["正常的一页"])
    done = subprocess.run([sys.executable, "-m", "app", "scan", "--format", "json",
                           str(tmp_path / "a-many.pdf"), str(tmp_path / "b-ok.pdf")], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    docs = json.loads(done.stdout)["documents"]
    assert [d["error_code"] for d in docs] == ["too_large", None]
    assert "5001 页" in docs[0]["error"]


# --- LibreOffice conversion --------------------------------------------------------------------

def test_conversion_input_over_size_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_CONVERT_BYTES", 1024)
    path = tmp_path / "big.rtf"
    path.write_text(RTF[:-1] + r"\par " * 400 + "}", encoding="ascii")
    assert path.stat().st_size > 1024
    started = time.monotonic()
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "too_large"
    assert "2 KB" in err.value.message and "上限 1 KB" in err.value.message
    assert time.monotonic() - started < 2  # refused without starting LibreOffice


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for left-over processes")
def test_conversion_timeout_kills_soffice_and_its_children(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.rtf"
    path.write_text(RTF, encoding="ascii")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # the conversion's profile lives under here
    monkeypatch.setattr(guards, "CONVERT_TIMEOUT_S", 0.5)  # far less than soffice needs to start
    started = time.monotonic()
    with pytest.raises(ReadError) as err:
        read_document(path)
    elapsed = time.monotonic() - started
    assert err.value.code == "too_slow"
    assert "0.5 秒" in err.value.message
    assert elapsed < 10, elapsed
    # right away: with a plain subprocess.run timeout only the launcher died and soffice.bin
    # carried on converting as an orphan (measured: still there after the ReadError)
    deadline = time.monotonic() + 0.3
    while _processes_mentioning(str(work)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_mentioning(str(work)) == []  # no soffice.bin left running
    assert list(work.iterdir()) == []  # and the temporary directory is gone


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_conversion_within_limits_still_works(tmp_path: Path) -> None:
    path = tmp_path / "a.rtf"
    path.write_text(RTF, encoding="ascii")
    doc = read_document(path)
    assert any("关于通知" in s.text for s in doc.segments)
    assert os.path.getsize(path) <= guards.MAX_CONVERT_BYTES
