"""An encrypted PDF read through `read_document(path, password=…)`, the bounded reader every scan
uses (the window's password path goes through it too). PDFs generated here with reportlab."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from app.errors import ReadError
from app.readers import read_document


def _encrypted_pdf(path: Path, password: str) -> Path:
    c = canvas.Canvas(str(path), encrypt=StandardEncryption(password, ownerPassword="owner-" + password, strength=128))
    c.drawString(72, 720, "Secret level: classified 2031-EX-77")
    c.showPage()
    c.save()
    return path


def test_right_password_reads_the_text(tmp_path: Path) -> None:
    pdf = _encrypted_pdf(tmp_path / "locked.pdf", "k3y-2031")
    document = read_document(pdf, password="k3y-2031")
    assert document.format == "pdf"
    assert "2031-EX-77" in document.text


@pytest.mark.parametrize("password", [None, "wrong"])
def test_missing_or_wrong_password_is_error_code_encrypted(tmp_path: Path, password: str | None) -> None:
    pdf = _encrypted_pdf(tmp_path / "locked.pdf", "k3y-2031")
    with pytest.raises(ReadError) as info:
        read_document(pdf, password=password)
    assert info.value.code == "encrypted"
    assert "密码" in info.value.message


def test_password_path_still_refuses_a_fifo(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(ReadError) as info:
        read_document(fifo, password="x")
    assert info.value.code in ("unsupported", "not_found")
