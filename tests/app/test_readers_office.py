"""Conversion through LibreOffice: the missing-converter error always; a real conversion when
soffice is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.errors import ReadError
from app.model import Part
from app.readers import read_document
from tests import builders as b

RTF = r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0 SimSun;}}\f0 \u20851?\u20110?\u36890?\u30693?\par}"


def test_no_converter_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.rtf"
    path.write_text(RTF, encoding="ascii")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "no_converter"
    assert "LibreOffice" in err.value.message and "apt install libreoffice-writer" in err.value.message


def test_ole2_doc_goes_to_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "no_converter"


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed")
def test_odt_round_trip(tmp_path: Path) -> None:
    import subprocess

    docx = b.build_simple_docx(tmp_path / "src.docx", ["关于转换测试的通知"])
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(docx)], check=True, timeout=180)
    doc = read_document(tmp_path / "src.odt")
    assert doc.format == "odt"
    assert any(n.code == "converted" for n in doc.notices)
    assert any(s.location.part is Part.BODY and "转换测试" in s.text for s in doc.segments)
