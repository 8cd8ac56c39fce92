"""保密审查单 and 领导审批台帐 on disk: they open and carry the expected rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import Decision, InfoClass, open_review, sign_review, waive_finding
from tests.app.test_review_helpers import PASSWORD, copy_template, real_scanner, write_doc


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def done(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, str]:
    home = copy_template(tmp_path_factory, tmp_path / "home")
    doc = write_doc(tmp_path, "通报.txt", "关于防汛工作的通报 [[block]]\n")
    with Ledger.open(home) as ledger:
        r = open_review(ledger, doc, title="防汛工作通报", unit="市水务局", info_class=InfoClass.CRITICAL,
                        scanner=real_scanner)
        assert [(f.category, f.severity.value) for f in r.current.findings] == [("secret_mark", "block")]
        waive_finding(ledger, r.id, finding_id=r.current.findings[0].id, user="zhang_zy", password=PASSWORD,
                      reason="标志为引用的已公开文件名称")
        for level, user, opinion in ((1, "xiao_li", ""), (2, "wang_fg", ""),
                                     (3, "zhang_zy", "=HYPERLINK(\"http://x\")同意"), (4, "city_zhao", "同意发布")):
            sign_review(ledger, r.id, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE,
                        opinion=opinion)
    return home, r.id


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_review_sheet_pdf_and_docx(done: tuple[Path, str], tmp_path: Path) -> None:
    from app.exports.review_sheet import export_review_sheet

    home, rid = done
    with Ledger.open(home) as ledger:
        head = ledger.head()
        pdf = export_review_sheet(ledger, rid, tmp_path / "out" / "审查单.pdf")
        docx_head = ledger.head()
        docx = export_review_sheet(ledger, rid, tmp_path / "out" / "审查单.docx")
        assert ledger.events(kinds=("exported",))[-1].payload["what"] == "review_sheet"
    text = pdf_text(pdf)
    for expected in ("信息发布保密审查单", "防汛工作通报", "zhang_zy", "同意发布", "标志为引用的已公开文件名称",
                     "特级", head.hash[:16]):
        assert expected in text.replace("\n", "").replace("\r", ""), expected
    import docx as python_docx

    d = python_docx.Document(str(docx))
    cells = " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "city_zhao" in cells and "同意发布" in cells and docx_head.hash in " ".join(p.text for p in d.paragraphs)
    assert "市政府办公室" in cells
    assert not list((tmp_path / "out").glob("*.tmp"))
    assert verify_ledger(ledger_path(home)).ok


def test_approval_ledger_xlsx_csv_pdf(done: tuple[Path, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from app.exports.approval_ledger import export_approval_ledger

    home, rid = done
    with Ledger.open(home) as ledger:
        xlsx, n = export_approval_ledger(ledger, tmp_path / "台帐.xlsx")
        assert n == 2
        csv_path, _ = export_approval_ledger(ledger, tmp_path / "台帐.csv", levels=(3,))
        pdf, _ = export_approval_ledger(ledger, tmp_path / "台帐.pdf", since="2000-01-01")
        _, none = export_approval_ledger(ledger, tmp_path / "empty.csv", since="2999-01-01")
        _, other = export_approval_ledger(ledger, tmp_path / "other.csv", unit="别的单位")
    assert none == 0 and other == 0
    ws = load_workbook(xlsx).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=4)]
    assert [r[8] for r in rows] == ["zhang_zy", "city_zhao"]
    assert rows[0][11].startswith("'=HYPERLINK")  # neutralised
    assert rows[1][11] == "同意发布" and rows[0][3] == rid
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "zhang_zy" in text and "city_zhao" not in text and "'=HYPERLINK" in text
    assert "city_zhao" in pdf_text(pdf).replace("\r\n", "").replace("\n", "")


def test_neutralise() -> None:
    from app.exports.atomic import neutralise

    assert neutralise("=1+1") == "'=1+1" and neutralise("+x") == "'+x" and neutralise("-x") == "'-x"
    assert neutralise("@x") == "'@x" and neutralise("同意") == "同意" and neutralise(5) == 5
