"""The shared evaluation corpus reads as its labels expect (skipped when ../shared is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import ReadError
from app.model import Part
from app.readers import read_document

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "eval" / "corpus"

pytestmark = [pytest.mark.shared,
              pytest.mark.skipif(not (CORPUS / "labels.json").is_file(),
                                 reason=f"evaluation corpus not found at {CORPUS} (../shared is absent)")]


def _labels() -> dict[str, dict[str, object]]:
    if not (CORPUS / "labels.json").is_file():
        return {}
    docs: dict[str, dict[str, object]] = json.loads((CORPUS / "labels.json").read_text("utf-8"))["documents"]
    return docs


@pytest.mark.parametrize("name", sorted(_labels()) or ["<no corpus>"])
def test_document_reads_as_labelled(name: str) -> None:
    info = _labels()[name]
    expect = info["expect"]
    assert isinstance(expect, dict)
    if expect.get("error"):
        with pytest.raises(ReadError):
            read_document(CORPUS / name)
        return
    doc = read_document(CORPUS / name)
    assert doc.format == info["format"]
    if "encoding" in info:
        assert doc.encoding == info["encoding"]
    if expect.get("notice"):
        assert expect["notice"] in {n.code for n in doc.notices}
    else:
        assert doc.chars > 0


def test_password_pdf_is_encrypted() -> None:
    with pytest.raises(ReadError) as err:
        read_document(CORPUS / "password-protected.pdf")
    assert err.value.code == "encrypted"


def test_broken_docx_is_corrupt() -> None:
    with pytest.raises(ReadError) as err:
        read_document(CORPUS / "broken.docx")
    assert err.value.code == "corrupt"


def test_pdf_text_is_usable() -> None:
    """The README warns the text extracts letter-spaced in some libraries; pdfium keeps it dense,
    and either way the normaliser can match across the spacing."""
    from app.normalize import normalize_document

    doc = read_document(CORPUS / "heilongjiang-environment.pdf")
    assert doc.pages == 5
    assert "工作秘密" in normalize_document(doc).text


def test_docx_hidden_places() -> None:
    doc = read_document(CORPUS / "huaibei-accountability.docx")
    parts = {s.location.part for s in doc.segments}
    assert {Part.BODY, Part.TABLE, Part.HEADER, Part.COMMENT, Part.INSERTION, Part.HIDDEN, Part.METADATA} <= parts
