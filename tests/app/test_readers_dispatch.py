"""read_document: format sniffing, hashing, size limit, errors, lazy imports."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import app.readers
from app.errors import ReadError
from app.readers import read_document
from tests import builders as b

REPO = Path(__file__).resolve().parents[2]


def _code(path: Path) -> str:
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.message and not err.value.message.isascii()  # Chinese, for people
    return err.value.code


def test_not_found(tmp_path: Path) -> None:
    assert _code(tmp_path / "missing.docx") == "not_found"


def test_directory(tmp_path: Path) -> None:
    assert _code(tmp_path) == "unsupported"


def test_unsupported_suffix_names_formats(tmp_path: Path) -> None:
    path = tmp_path / "image.gif"       # png, jpg, tif and bmp are read by OCR (tests/app/test_ocr_*.py)
    path.write_bytes(b"GIF89a" + b"\0" * 100)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "unsupported"
    assert "docx" in err.value.message and "pdf" in err.value.message


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = b.build_txt(tmp_path / "a.txt", "一二三四五六七八九十", "utf-8")
    monkeypatch.setattr(app.readers, "MAX_FILE_BYTES", 10)
    assert _code(path) == "too_large"


def test_sha256_of_bytes(tmp_path: Path) -> None:
    path = b.build_simple_docx(tmp_path / "a.docx")
    assert read_document(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_magic_bytes_win_over_suffix(tmp_path: Path) -> None:
    pdf = b.build_text_pdf(tmp_path / "a.pdf")
    renamed = tmp_path / "really-a-pdf.txt"
    renamed.write_bytes(pdf.read_bytes())
    assert read_document(renamed).format == "pdf"
    docx = b.build_simple_docx(tmp_path / "b.docx")
    renamed = tmp_path / "really-a-docx.pdf"
    renamed.write_bytes(docx.read_bytes())
    assert read_document(renamed).format == "docx"


def test_ole2_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "unsupported"
    assert "旧版" in err.value.message


def test_encrypted_ooxml(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptionInfo".encode("utf-16-le"))
    assert _code(path) == "encrypted"


def test_empty_docx(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    assert _code(path) == "corrupt"


def test_plain_zip_is_unsupported(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert _code(path) == "unsupported"


def test_importing_readers_is_light() -> None:
    code = ("import sys, app.readers; heavy = [m for m in ('pypdfium2', 'docx', 'openpyxl', 'lxml', "
            "'charset_normalizer') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_qt_in_readers() -> None:
    for path in (REPO / "app" / "readers").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "PySide6" not in text and "from ui" not in text, path
