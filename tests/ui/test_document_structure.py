"""The document view shows a docx like a docx — header at the top, headings and styles, tables as
tables, inline tracked changes, hidden text and comment badges, page markers — and every finding
still highlights exactly its text; a workbook shows as sheet grids."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor, QTextTable

from app.structure import PLAIN
from tests import builders
from tests.layout_docs import COMMENT, HEADER, HIDDEN, INSERTED, PAGE2_PHONE, build_layout_docx
from ui.document.document_page import DocumentPage
from ui.document.document_view import TextDocumentView
from ui.document.locations import LocationWords
from ui.review.dispositions import Dispositions


@pytest.fixture(scope="module")
def layout_report(shared_engine, tmp_path_factory):
    return shared_engine.scan_file(build_layout_docx(tmp_path_factory.mktemp("layout") / "layout.docx"))


def open_view(qtbot, report) -> TextDocumentView:
    view = TextDocumentView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.set_report(report, Dispositions())
    qtbot.waitUntil(lambda: view.formatting_done, timeout=10_000)
    return view


def test_every_finding_highlights_exactly_its_text(qtbot, layout_report):
    view = open_view(qtbot, layout_report)
    text = view.editor.document().toPlainText()
    kinds = {f.location.part.value for f in layout_report.findings}
    assert {"table", "header", "comment", "insertion", "hidden", "body"} <= kinds
    for f in layout_report.findings:
        assert view.finding_text(f) == f.text, f.rule
        a, b = view.finding_range(f)
        assert text[a:b] == f.text, f.rule
    view.shutdown()


def test_header_on_top_table_as_table_inline_marks(qtbot, layout_report):
    view = open_view(qtbot, layout_report)
    doc = view.editor.document()
    text = doc.toPlainText()
    assert text.startswith("页眉") and HEADER in text.splitlines()[0]
    # the table is a real 2×3 table holding the cell texts
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 1 and (tables[0].rows(), tables[0].columns()) == (2, 3)
    cell = tables[0].cellAt(1, 2)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "手机13905612345"
    # tracked insertion and hidden text drawn inside their paragraph, after a badge
    assert f"请联系〔批注1〕经办人核实。〔插入〕{INSERTED}" in text
    assert f"可见文字〔隐藏〕{HIDDEN}" in text
    # the comment badge carries the comment's text in its tooltip; the comment is listed too
    at = text.index("〔批注1〕")
    probe = QTextCursor(doc)
    probe.setPosition(at + 1)
    assert COMMENT in probe.charFormat().toolTip()
    assert f"［批注1 作者：李四］ {COMMENT}" in text
    # page markers where the file breaks pages; the page box can go there
    assert "—— 第 2 页 ——" in text
    assert view.page_count() == 2
    view.go_to_page(2)
    assert text[view.editor.textCursor().position():].startswith("—— 第 2 页 ——")
    view.shutdown()


def test_headings_and_paragraph_styles(qtbot, layout_report):
    view = open_view(qtbot, layout_report)
    doc = view.editor.document()
    heading = doc.find("关于做好信息公开工作的通知")
    assert heading.blockFormat().headingLevel() == 1
    body = doc.find("第二页第一段")
    assert heading.charFormat().fontWeight() > body.charFormat().fontWeight()
    assert heading.charFormat().font().pointSizeF() > body.charFormat().font().pointSizeF()
    centered = doc.find("各区县人民政府")
    from PySide6.QtCore import Qt
    assert centered.blockFormat().alignment() & Qt.AlignmentFlag.AlignHCenter
    assert "1. 第一项工作" in doc.toPlainText() and "2. 第二项工作" in doc.toPlainText()
    view.shutdown()


def test_locations_in_the_words_people_use(layout_report):
    words = LocationWords(layout_report.document)
    by_text = {f.text: words.words(f) for f in layout_report.findings}
    assert by_text["13905612345"] == "第1页 表1 第2行第3列"
    assert by_text[PAGE2_PHONE] == "第2页 第2段"
    assert "页眉" in by_text[HEADER]


def test_workbook_as_sheet_grids(qtbot, shared_engine, tmp_path):
    report = shared_engine.scan_file(builders.build_xlsx(tmp_path / "book.xlsx"))
    page = DocumentPage(report)
    qtbot.addWidget(page)
    sheets = page.sheet_view
    assert sheets is not None and page.view is sheets
    names = [s.name for s in report.document.structure.sheets]
    assert [sheets.tabs.tabText(i).split("（")[0] for i in range(len(names))] == names
    from PySide6.QtCore import Qt
    for f in report.findings:
        page.show_finding(f)
        where = sheets.cell_of(f)
        if where is None:          # document properties: in the text tab, highlighted exactly
            assert sheets.tabs.currentWidget() is sheets.text
            qtbot.waitUntil(lambda: sheets.text.formatting_done, timeout=10_000)
            assert sheets.text.finding_text(f) == f.text
            continue
        table = sheets.tables[sheets.tabs.currentIndex()]
        index = table.currentIndex()
        assert where[0] == report.document.structure.sheets[sheets.tabs.currentIndex()].name
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None          # the cell is coloured
        assert f.text in (index.data(Qt.ItemDataRole.DisplayRole) or "") + (index.data(Qt.ItemDataRole.ToolTipRole) or "")
    page.shutdown()


def test_plain_style_is_the_default():
    assert PLAIN.heading == 0 and not PLAIN.bold and PLAIN.list_label is None


def test_page_box_follows_the_text(qtbot, layout_report):
    from ui.document.document_page import DocumentPage

    page = DocumentPage(layout_report)
    qtbot.addWidget(page)
    page.resize(700, 200)          # low: page 2 starts below the fold
    page.show()
    view = page.text_view
    qtbot.waitUntil(lambda: view.formatting_done, timeout=10_000)
    seen: list[int] = []
    page.page_changed.connect(seen.append)
    view.go_to_page(2)
    qtbot.waitUntil(lambda: seen and seen[-1] == 2, timeout=5_000)
    assert view.current_page() == 2
    view.editor.verticalScrollBar().setValue(0)
    assert seen[-1] == 1
    page.shutdown()


@pytest.fixture(scope="module")
def runs_report(shared_engine, tmp_path_factory):
    from tests.layout_docs import build_runs_docx

    return shared_engine.scan_file(build_runs_docx(tmp_path_factory.mktemp("runs") / "runs.docx"))


def _format_at(doc, position: int):
    probe = QTextCursor(doc)
    probe.setPosition(position + 1)        # the format of the character at `position`
    return probe.charFormat()


def test_bold_run_inside_a_paragraph_and_its_finding(qtbot, runs_report):
    from PySide6.QtGui import QFont

    from tests.layout_docs import BIG, BOLD_PHONE, BOLD_RUN, UNDERLINED

    view = open_view(qtbot, runs_report)
    doc = view.editor.document()
    text = doc.toPlainText()
    at = text.index(BOLD_RUN)
    assert text[at - 2:at] == "请与"
    assert _format_at(doc, at).fontWeight() == QFont.Weight.Bold
    assert _format_at(doc, at + len(BOLD_RUN) - 1).fontWeight() == QFont.Weight.Bold
    assert _format_at(doc, at - 1).fontWeight() != QFont.Weight.Bold            # "与" before it
    assert _format_at(doc, at + len(BOLD_RUN)).fontWeight() != QFont.Weight.Bold  # "联" after it
    u = text.index(UNDERLINED)
    assert _format_at(doc, u).fontUnderline() and not _format_at(doc, u - 1).fontUnderline()
    i = text.index("斜体")
    assert _format_at(doc, i).fontItalic() and not _format_at(doc, i - 1).fontItalic()
    big = text.index(BIG)
    assert _format_at(doc, big).font().pointSizeF() > _format_at(doc, big - 1).font().pointSizeF()
    # a finding inside the bold run highlights exactly its text; so does every other one
    phones = [f for f in runs_report.findings if BOLD_PHONE in f.text]
    assert phones
    for f in runs_report.findings:
        a, b = view.finding_range(f)
        assert text[a:b] == f.text == view.finding_text(f), f.rule
    a, b = view.finding_range(phones[0])
    assert at <= a < b <= at + len(BOLD_RUN)
    view.shutdown()


def test_footnote_reference_badge_with_its_text(qtbot, runs_report):
    from PySide6.QtGui import QTextCharFormat

    from tests.layout_docs import CELL_BOLD, NOTE_TEXT

    view = open_view(qtbot, runs_report)
    doc = view.editor.document()
    text = doc.toPlainText()
    assert "统计数据〔注1〕见附表。" in text
    badge = _format_at(doc, text.index("〔注1〕") + 1)
    assert NOTE_TEXT in badge.toolTip() and "脚注1" in badge.toolTip()
    assert badge.verticalAlignment() == QTextCharFormat.VerticalAlignment.AlignSuperScript
    assert _format_at(doc, text.index("统计数据")).verticalAlignment() != \
        QTextCharFormat.VerticalAlignment.AlignSuperScript
    assert NOTE_TEXT in text.split("■ 脚注和尾注", 1)[1]          # and listed with the notes
    from PySide6.QtGui import QFont
    cell = text.index(CELL_BOLD)
    assert _format_at(doc, cell).fontWeight() == QFont.Weight.Bold
    assert _format_at(doc, cell - 1).fontWeight() != QFont.Weight.Bold
    view.shutdown()
