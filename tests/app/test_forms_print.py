"""审查单 and 领导审批台帐 ready to print and file (issue 9): A4 pages, embedded fonts, Chinese
location labels, local times, xlsx print setup and date cells, docx page and column widths.

Every PDF page is rendered with pypdfium2 (a page that does not render fails the test)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from app.ledger import Ledger
from app.review import Decision, InfoClass, open_review, sign_review, waive_finding
from tests.app.test_review_helpers import PASSWORD, PLANTED, copy_template, real_scanner, write_doc

#: Labels of the old forms that must not reach paper.
INTERNAL = re.compile(r"\bbody\b|\btable\b|\bmetadata\b|\bheader\b|R\d+C\d+|core:|app:|¶|☒|\ufffd")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LOCAL_TIME = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{2}:\d{2}")  # a cell may wrap at the space


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def _docx_draft(folder: Path) -> Path:
    import docx

    path = folder / "通知.docx"
    d = docx.Document()
    d.core_properties.author = "张三 13912345678"
    d.add_paragraph("关于做好防汛工作的通知")
    d.add_paragraph("各区县：" + PLANTED["low"].content)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "联系人"
    t.cell(1, 1).text = PLANTED["high"].content
    d.sections[0].header.paragraphs[0].text = PLANTED["medium"].content
    d.save(str(path))
    return path


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, str, str]:
    """Two reviews: a docx draft with findings in the body, a table, the header and the properties
    (signed at level 1), and a text draft with a waived block item signed at all four levels."""
    home = copy_template(tmp_path_factory, tmp_path / "home")
    with Ledger.open(home) as ledger:
        r1 = open_review(ledger, _docx_draft(tmp_path), title="防汛工作通知", unit="市水务局",
                         info_class=InfoClass.IMPORTANT, scanner=real_scanner)
        sign_review(ledger, r1.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE,
                    opinion="")
        doc = write_doc(tmp_path, "通报.txt", "关于防汛工作的通报 [[block]]\n")
        r2 = open_review(ledger, doc, title="防汛工作通报", unit="市水务局", info_class=InfoClass.CRITICAL,
                         scanner=real_scanner)
        waive_finding(ledger, r2.id, finding_id=r2.current.findings[0].id, user="zhang_zy", password=PASSWORD,
                      reason="标志为引用的已公开文件名称")
        for level, user, opinion in ((1, "xiao_li", ""), (2, "wang_fg", ""),
                                     (3, "zhang_zy", "=HYPERLINK(\"http://x\")同意"), (4, "city_zhao", "同意发布")):
            sign_review(ledger, r2.id, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE,
                        opinion=opinion)
    return home, r1.id, r2.id


def _pdf_fonts(raw: bytes) -> list[tuple[str, bool]]:
    """(BaseFont, embedded) for every font dictionary, read from the raw PDF objects (reportlab
    writes uncompressed object dictionaries, the content streams are Flate)."""
    out: list[tuple[str, bool]] = []
    objects = {m.group(1): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", raw, re.S)}
    for body in objects.values():
        if re.search(rb"/Type\s*/Font\b", body):
            name = re.search(rb"/BaseFont\s*/([^\s/<>\[\]]+)", body)
            sub = re.search(rb"/Subtype\s*/(\w+)", body)
            if name is None or sub is None:
                continue
            if sub.group(1) in (b"Type0",):
                continue   # its descendant carries the descriptor
            desc = re.search(rb"/FontDescriptor\s+(\d+) 0 R", body)
            embedded = bool(desc and re.search(rb"/FontFile[23]?\s", objects.get(desc.group(1), b"")))
            out.append((name.group(1).decode("latin-1"), embedded))
    return out


def _render(path: Path, out_png: Path | None = None) -> tuple[list[tuple[float, float]], str]:
    """Render every page (2x); page sizes in points and the extracted text."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        sizes, text = [], []
        for i in range(len(pdf)):
            page = pdf[i]
            sizes.append(page.get_size())
            image = page.render(scale=2).to_pil()
            assert image.size[0] > 1000 and image.getextrema() != ((255, 255), (255, 255), (255, 255))
            if out_png is not None and i == 0:
                image.save(out_png)
            text.append(page.get_textpage().get_text_range())
        return sizes, "".join(text).replace("\r\n", "").replace("\n", "")
    finally:
        pdf.close()


def _a4(size: tuple[float, float], *, landscape: bool = False) -> bool:
    w, h = (842.0, 595.0) if landscape else (595.0, 842.0)
    return abs(size[0] - w) <= 1 and abs(size[1] - h) <= 1


def _check_pdf(path: Path, *, landscape: bool, png: Path | None = None) -> str:
    sizes, text = _render(path, png)
    assert sizes and all(_a4(s, landscape=landscape) for s in sizes), sizes
    raw = path.read_bytes()
    fonts = _pdf_fonts(raw)
    assert fonts, "no font dictionaries found"
    assert all(embedded for _, embedded in fonts), fonts
    assert b"STSong" not in raw and b"/Encoding /UniGB" not in raw
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert not ISO_TIME.search(text), ISO_TIME.search(text)
    return text


def test_review_sheet_pdf_a4_embedded_chinese_labels(home: tuple[Path, str, str], tmp_path: Path) -> None:
    from app.exports.review_sheet import export_review_sheet

    data, r1, r2 = home
    with Ledger.open(data) as ledger:
        sheet1 = export_review_sheet(ledger, r1, tmp_path / "审查单1.pdf")
        sheet2 = export_review_sheet(ledger, r2, tmp_path / "审查单2.pdf")
    text = _check_pdf(sheet1, landscape=False, png=tmp_path / "sheet.png")
    for label in ("正文 第2段", "表1 第2行第2列", "第1节 页眉", "文档属性 作者", "高风险"):
        assert label in text, label
    assert LOCAL_TIME.search(text)
    text2 = _check_pdf(sheet2, landscape=False)
    assert "标志为引用的已公开文件名称" in text2 and len(LOCAL_TIME.findall(text2)) >= 5   # waiver + 4 signatures


def test_review_sheet_docx_a4_margins_and_widths(home: tuple[Path, str, str], tmp_path: Path) -> None:
    import docx
    from docx.shared import Mm

    from app.exports.review_sheet import export_review_sheet

    data, r1, _ = home
    with Ledger.open(data) as ledger:
        path = export_review_sheet(ledger, r1, tmp_path / "审查单.docx")
    d = docx.Document(str(path))
    s = d.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.5) and abs(s.page_height - Mm(297)) < Mm(0.5)
    assert abs(s.top_margin - Mm(37)) < Mm(0.5) and abs(s.bottom_margin - Mm(35)) < Mm(0.5)
    assert abs(s.left_margin - Mm(28)) < Mm(0.5) and abs(s.right_margin - Mm(26)) < Mm(0.5)
    text_width = s.page_width - s.left_margin - s.right_margin
    findings = d.tables[1]
    widths = [c.width for c in findings.rows[0].cells]
    assert abs(sum(widths) - text_width) < Mm(2)
    # 五号 is 3.7 mm a character: the remark column holds 10 a line, the others from 内容 on at least 6
    # (the old form had 3–5 everywhere), 序号 and 级别 at least 2
    assert widths[3] > Mm(37) and min(widths[2:]) > Mm(22) and min(widths[:2]) > Mm(7.4)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert all(t.rows[0]._tr.trPr.find(w + "tblHeader") is not None for t in d.tables)   # repeated header
    cells = " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "表1 第2行第2列" in cells and not INTERNAL.search(cells)
    assert LOCAL_TIME.search(cells) and not ISO_TIME.search(cells)
    title = d.paragraphs[0].runs[0]
    rfonts = title.element.rPr.rFonts
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"


def test_approval_ledger_pdf_docx_xlsx_print_ready(home: tuple[Path, str, str], tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm
    from openpyxl import load_workbook

    from app.exports.approval_ledger import export_approval_ledger

    data, _, _ = home
    with Ledger.open(data) as ledger:
        pdf, n = export_approval_ledger(ledger, tmp_path / "台帐.pdf")
        xlsx, _ = export_approval_ledger(ledger, tmp_path / "台帐.xlsx")
        word, _ = export_approval_ledger(ledger, tmp_path / "台帐.docx")
    assert n == 2
    text = _check_pdf(pdf, landscape=True, png=tmp_path / "ledger.png")
    assert "city_zhao" in text and len(LOCAL_TIME.findall(text)) == 2

    ws = load_workbook(xlsx).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2"
    times = [ws.cell(row=r, column=2) for r in (3, 4)]
    assert all(isinstance(c.value, datetime) and c.is_date for c in times), [c.value for c in times]
    assert times[0].value <= times[1].value
    body = ws.cell(row=3, column=12)
    assert body.value.startswith("'=HYPERLINK") and body.alignment.wrap_text
    assert all(ws.cell(row=r, column=c).border.left.style == "thin" for r in (2, 3, 4) for c in (1, 12, 14))
    assert all((ws.column_dimensions[col].width or 0) >= 5 for col in "ABCDEFGHIJKLMN")

    d = docx.Document(str(word))
    s = d.sections[0]
    assert abs(s.page_width - Mm(297)) < Mm(0.5) and abs(s.page_height - Mm(210)) < Mm(0.5)
    assert s.orientation == WD_ORIENT.LANDSCAPE
    widths = [c.width for c in d.tables[0].rows[0].cells]
    assert abs(sum(widths) - (s.page_width - s.left_margin - s.right_margin)) < Mm(2)


def test_labels_and_times() -> None:
    from app.exports.labels import location_text
    from app.exports.timefmt import local_time

    assert location_text({"part": "body", "paragraph": 5}) == "正文 第5段"
    assert location_text({"part": "table", "table": 1, "cell": "R2C2", "paragraph": 11}) == "表1 第2行第2列"
    assert location_text({"part": "metadata", "label": "core:author"}) == "文档属性 作者"
    assert location_text({"part": "header", "paragraph": 1, "label": "第1节 页眉"}) == "第1节 页眉 第1段"
    assert location_text({"part": "comment", "label": "批注 作者：张三"}) == "批注 作者：张三"
    assert location_text({"part": "cell", "sheet": "收支", "cell": "B7"}) == "工作表“收支” B7单元格"
    moment = datetime(2026, 12, 1, 20, 5).astimezone()
    assert local_time(moment.isoformat()) == "2026年12月1日 20:05"
    assert local_time("not a time") == "not a time"


def test_no_embeddable_font_is_an_export_error(home: tuple[Path, str, str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from app.exports import pdf_fonts
    from app.exports.atomic import ExportError
    from app.exports.review_sheet import export_review_sheet

    monkeypatch.setattr(pdf_fonts, "_cache", [])
    monkeypatch.setattr(pdf_fonts, "TITLE_FONTS", (("no-such-font.ttf", 0),))
    data, r1, _ = home
    with Ledger.open(data) as ledger, pytest.raises(ExportError) as err:
        export_review_sheet(ledger, r1, tmp_path / "x.pdf")
    assert err.value.code == "no_font" and not (tmp_path / "x.pdf").exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_symbols_missing_from_the_cjk_fonts_come_from_an_embedded_font(tmp_path: Path) -> None:
    from app.exports.pdf import fonts, markup, write_pdf
    from app.exports.pdf_fonts import covers

    f = fonts()
    if not f.symbols:
        pytest.skip("no symbol font (DejaVu Sans) installed")
    assert not covers(f.body, "☐") and covers(f.symbols, "☐")
    assert f'<font name="{f.symbols}">☐</font>' in markup("选项☐", f.body)
    path = tmp_path / "s.pdf"
    write_pdf(path, "标题", [("heading", "一、符号"), ("text", "选项☐已勾选☑，控制字符\x07"),
                            ("table", (["甲", "乙"], [["☐", "•"]], [1, 1]))])
    sizes, text = _render(path)
    assert _a4(sizes[0]) and "☐" in text and "␇" in text
    fonts_found = _pdf_fonts(path.read_bytes())
    assert len(fonts_found) >= 3 and all(e for _, e in fonts_found), fonts_found


def test_approval_ledger_prints_the_dispositions_of_a_deciding_level(home: tuple[Path, str, str],
                                                                     tmp_path: Path) -> None:
    """Level 3 decides the high items one by one: the 批示意见 cell of its row in every format
    carries “须修改 N 处：…；同意公开 M 处” after the 批示."""
    import docx
    from openpyxl import load_workbook

    from app.exports.approval_ledger import export_approval_ledger
    from app.review import load_review
    from app.review.model import DispositionKind

    data, r1, _ = home
    with Ledger.open(data) as ledger:
        highs = [f for f in load_review(ledger, r1).current.findings if f.severity.value == "high"]
        assert highs
        decisions = [(highs[0].id, DispositionKind.CHANGE, "删去该号码")]
        decisions += [(f.id, DispositionKind.AGREE, "已公开信息") for f in highs[1:]]
        sign_review(ledger, r1, level=2, user="wang_fg", password=PASSWORD, decision=Decision.APPROVE, opinion="")
        sign_review(ledger, r1, level=3, user="zhang_zy", password=PASSWORD, decision=Decision.APPROVE,
                    opinion="修改后发布", decisions=decisions)
        pdf, n = export_approval_ledger(ledger, tmp_path / "台帐.pdf")
        xlsx, _ = export_approval_ledger(ledger, tmp_path / "台帐.xlsx")
        word, _ = export_approval_ledger(ledger, tmp_path / "台帐.docx")
    assert n == 3
    change = f"须修改 1 处：{highs[0].text}（删去该号码）"
    agree = f"同意公开 {len(highs) - 1} 处" if len(highs) > 1 else ""
    ws = load_workbook(xlsx).active
    cells = [str(ws.cell(row=r, column=12).value or "") for r in range(3, 3 + n)]
    (mine,) = [c for c in cells if c.startswith("修改后发布")]
    assert change in mine and agree in mine and mine.count("\n") == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$2:$2"   # print setup kept
    assert sum("须修改" in c for c in cells) == 1     # the other rows decided nothing item by item
    words = " ".join(c.text for t in docx.Document(str(word)).tables for row in t.rows for c in row.cells)
    assert change in words and agree in words
    text = _check_pdf(pdf, landscape=True).replace(" ", "")
    assert change.replace(" ", "") in text and agree.replace(" ", "") in text


def test_review_sheet_lists_the_consultations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """征求意见 on the 审查单 (docx and PDF): 单位, 发出时间, 答复期限, 答复/视为同意, 意见."""
    from datetime import timedelta, timezone

    import docx

    from app.exports.review_sheet import export_review_sheet
    from app.exports.timefmt import local_time
    from app.review import scanning
    from app.review.consult import (
        consultations_for,
        import_reply,
        reply_consultation,
        send_consultation,
        settle_overdue,
    )
    from app.review.consult_model import ConsultDecision
    from app.users import Role
    from tests.app.test_package_trust import ADMIN, make_unit, register

    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])
    cst = timezone(timedelta(hours=8))
    a = make_unit(tmp_path / "a", "市应急局", {"xiao_li": Role.OFFICER})
    b = make_unit(tmp_path / "b", "市公安局", {})
    c = make_unit(tmp_path / "c", "市卫健委", {})
    for x, y in ((a, b), (b, a), (a, c), (c, a)):
        register(x, y)
    doc = write_doc(tmp_path, "通报.txt", "关于联合执法检查的情况通报。\n")
    with Ledger.open(a) as ledger:
        rid = open_review(ledger, doc, title="联合执法通报", unit="市应急局").id
        send_consultation(ledger, rid, to="市公安局", output=tmp_path / "l1.mishen", admin=ADMIN, password=PASSWORD,
                          now=datetime(2026, 9, 28, 9, 0, tzinfo=cst))   # due 2026-10-10 (National Day)
        send_consultation(ledger, rid, to="市卫健委", output=tmp_path / "l2.mishen", admin=ADMIN, password=PASSWORD,
                          now=datetime(2026, 2, 12, 10, 0, tzinfo=cst))  # due 2026-02-26, never answered
        settle_overdue(ledger, now=datetime(2026, 2, 27, 8, 0, tzinfo=cst))
    with Ledger.open(b) as ledger:
        reply_consultation(ledger, tmp_path / "l1.mishen", decision=ConsultDecision.REVISE, opinion="删去案件编号",
                           output=tmp_path / "r1.mishen", admin=ADMIN, password=PASSWORD)
    with Ledger.open(a) as ledger:
        import_reply(ledger, tmp_path / "r1.mishen")
        sent = [local_time(x.sent_time) for x in consultations_for(ledger, rid)]   # when recorded
        pdf = export_review_sheet(ledger, rid, tmp_path / "审查单.pdf")
        word = export_review_sheet(ledger, rid, tmp_path / "审查单.docx")
    expected = ["征求意见（2 次）", "市公安局", "2026年10月10日", "已答复：修改后同意公开", "删去案件编号",
                "市卫健委", "2026年2月26日", "期满未答复，视为同意", *sent]
    d = docx.Document(str(word))
    words = " ".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells])
    assert all(e in words for e in expected), [e for e in expected if e not in words]
    text = _check_pdf(pdf, landscape=False).replace(" ", "")
    assert all(e.replace(" ", "") in text for e in expected), [e for e in expected if e.replace(" ", "") not in text]
