"""Statistics over a real small ledger built by running the real review flow (two units, the real
engine, real sign-offs, a waiver, a false alarm, a return, two consultations), the CLI and the
printable report (PDF rendered with pypdfium2, docx, xlsx print settings)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import Decision, open_review, scanning, sign_review, waive_finding
from app.review.consult import import_reply, reply_consultation, send_consultation
from app.review.consult_model import ConsultDecision
from app.review.false_alarms import mark_false_alarm
from app.review.service import load_review
from app.stats import compute_stats
from app.stats.report import export_stats, stats_text
from app.users import Role, unlock
from tests.app.test_package_trust import ADMIN, make_unit, register
from tests.app.test_review_helpers import PASSWORD, cli, real_scanner, write_doc

CST = timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three reviews at 市应急局: approved at levels 1–2 after an answered consultation; a block
    waived, a false alarm and a return; one whose consultation ran out (视为同意) and then level 1."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MISHEN_TEST_FAST_KDF", "1")
    mp.setattr(scanning, "_DEFAULT", [real_scanner])
    root = tmp_path_factory.mktemp("stats")
    a = make_unit(root / "a", "市应急局", {"xiao_li": Role.OFFICER, "wang_fg": Role.DIVISION_LEADER,
                                          "zhang_zy": Role.PRINCIPAL})
    b = make_unit(root / "b", "市公安局", {})
    register(a, b)
    register(b, a)
    d1 = write_doc(root, "一.txt", "关于开展安全检查的通知。[[medium]] [[low]]\n")
    d2 = write_doc(root, "二.txt", "工作情况报告。[[block]]\n")
    d3 = write_doc(root, "三.txt", "联合执法情况。[[medium]]\n")
    with Ledger.open(a) as ledger:
        r1 = open_review(ledger, d1, title="安全检查通知", unit="市应急局")
        send_consultation(ledger, r1.id, to="市公安局", output=root / "l1.mishen", admin=ADMIN, password=PASSWORD)
    with Ledger.open(b) as ledger:
        reply_consultation(ledger, root / "l1.mishen", decision=ConsultDecision.AGREE, opinion="",
                           output=root / "r1.mishen", admin=ADMIN, password=PASSWORD)
    with Ledger.open(a) as ledger:
        import_reply(ledger, root / "r1.mishen")
        for level, user in ((1, "xiao_li"), (2, "wang_fg")):
            sign_review(ledger, r1.id, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE)
        r2 = open_review(ledger, d2, title="工作情况报告", unit="市应急局")
        block = next(f for f in r2.current.findings if f.severity.value == "block")
        _user, signer = unlock(ledger, "xiao_li", PASSWORD)
        mark_false_alarm(ledger, load_review(ledger, r2.id), finding_id=block.id, reason="转载的公开标题",
                         user="xiao_li", signer=signer)
        waive_finding(ledger, r2.id, finding_id=block.id, user="zhang_zy", password=PASSWORD, reason="已解密")
        sign_review(ledger, r2.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.RETURN,
                    opinion="请删去密级标志")
        r3 = open_review(ledger, d3, title="联合执法情况", unit="市公安局")
        # sent on 12 Feb 2026, due 26 Feb (春节, 调休): long past, 视为同意 is recorded at the sign-off
        send_consultation(ledger, r3.id, to="市公安局", output=root / "l3.mishen", admin=ADMIN, password=PASSWORD,
                          now=datetime(2026, 2, 12, 10, 0, tzinfo=CST))
        sign_review(ledger, r3.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
    mp.undo()
    return a


def _get(items: tuple, key: str) -> int:  # type: ignore[type-arg]
    return next((c.count for c in items if c.key == key), 0)


def test_counts_from_the_real_flow(worked: Path) -> None:
    with Ledger.open(worked) as ledger:
        s = compute_stats(ledger)
    assert s.reviews == 3 and s.versions == 3 and s.signoffs == 4
    assert {c.key: c.count for c in s.by_status} == {"approved": 1, "awaiting_revision": 1, "in_review": 1}
    assert [(c.label, c.count) for c in s.by_unit] == [("市应急局", 2), ("市公安局", 1)]
    assert s.findings == 4
    assert [(c.key, c.count) for c in s.findings_by_severity] == [("block", 1), ("medium", 2), ("low", 1)]
    assert _get(s.findings_by_category, "personal_info") == 2 and _get(s.findings_by_category, "secret_mark") == 1
    assert next(c.label for c in s.findings_by_category if c.key == "secret_mark") == "密级标志"
    assert {c.key: c.count for c in s.dispositions} == {"waived": 1, "false_alarm": 1}
    assert _get(s.decisions, "approve") == 3 and _get(s.decisions, "return") == 1 and s.returns == 1
    assert [(t.level, t.count) for t in s.level_timings] == [(1, 2), (2, 1)]
    assert all(t.max_hours >= t.mean_hours >= 0 for t in s.level_timings)
    assert (s.consultations, s.consult_on_time, s.consult_late, s.consult_deemed, s.consult_open) == (2, 1, 0, 1, 0)
    assert s.answered_for_others == 0
    with Ledger.open(worked.parent / "b") as ledger:      # 市公安局 answered one letter of 市应急局
        other = compute_stats(ledger)
    assert other.reviews == 0 and other.answered_for_others == 1
    assert verify_ledger(ledger_path(worked)).ok


def test_period_and_unit_filters(worked: Path) -> None:
    today = datetime.now().astimezone().date()
    with Ledger.open(worked) as ledger:
        assert compute_stats(ledger, unit="市应急局").reviews == 2
        assert compute_stats(ledger, unit="市公安局").consultations == 1
        assert compute_stats(ledger, since=today + timedelta(days=1)).reviews == 0
        assert compute_stats(ledger, since=today, until=today).reviews == 3
        assert compute_stats(ledger, until=date(2020, 1, 1)).findings == 0


def test_cli_text_json_and_errors(worked: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(monkeypatch, worked, "stats") == 0
    text = capsys.readouterr().out
    assert "审核文稿（建立审核单）\t3" in text and "逾期未答复，视为同意\t1" in text and "密级标志" in text
    assert cli(monkeypatch, worked, "stats", "--unit", "市应急局", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reviews"] == 2 and data["unit"] == "市应急局" and data["consult_on_time"] == 1
    assert cli(monkeypatch, worked, "stats", "--since", "2026-13-01") == 1
    assert "格式错误" in capsys.readouterr().err
    assert cli(monkeypatch, worked, "stats", "--since", "2026-12-31", "--until", "2026-01-01") == 1
    assert "晚于" in capsys.readouterr().err
    assert cli(monkeypatch, worked, "stats", "-o", str(worked.parent / "x.txt")) == 1
    assert not (worked.parent / "x.txt").exists()


def check_pdf_a4_embedded(path: Path) -> str:
    import pikepdf
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        text = []
        for i in range(len(pdf)):
            w, h = pdf[i].get_size()
            assert abs(w - 595) <= 1 and abs(h - 842) <= 1, (w, h)       # A4 portrait
            image = pdf[i].render(scale=1).to_pil()
            assert image.getextrema() != ((255, 255), (255, 255), (255, 255))
            text.append(pdf[i].get_textpage().get_text_range())
    finally:
        pdf.close()
    with pikepdf.open(path) as doc:
        fonts = 0
        for page in doc.pages:
            for _name, font in page.resources.get("/Font", {}).items():
                fonts += 1
                desc = font.get("/FontDescriptor")
                if desc is None and "/DescendantFonts" in font:
                    desc = font.DescendantFonts[0].get("/FontDescriptor")
                assert desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
        assert fonts
    return "".join(text)


def test_report_pdf_docx_xlsx(worked: Path, tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    with Ledger.open(worked) as ledger:
        s = compute_stats(ledger)
        before = len(ledger.events(kinds=("exported",)))
        pdf = export_stats(ledger, s, tmp_path / "统计.pdf")
        docx = export_stats(ledger, s, tmp_path / "统计.docx")
        xlsx = export_stats(ledger, s, tmp_path / "统计.xlsx")
        exported = ledger.events(kinds=("exported",))[before:]
    assert [e.payload["what"] for e in exported] == ["review_stats"] * 3
    text = check_pdf_a4_embedded(pdf).replace("\r", "").replace("\n", "")
    assert "信息发布保密审查工作统计" in text and "视为同意" in text and "密级标志" in text
    assert f"#{s.head_seq}-" in text                                    # the receipt of the ledger entry
    assert "secret_mark" not in text and "T0" not in text
    doc = Document(str(docx))
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert "工作统计" in doc.paragraphs[0].text and len(doc.tables) == 10
    ws = load_workbook(xlsx).active
    assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows.replace("$", "") == "1:1"
    assert isinstance(ws["B3"].value, datetime)
    assert any(c.border.left.style == "thin" for row in ws.iter_rows() for c in row if c.value == "数量")
    assert stats_text(s).startswith("信息发布保密审查工作统计")
    assert verify_ledger(ledger_path(worked)).ok
