"""The real window on real files: open, scan in the worker, findings in place, navigation,
decisions, PDFs with page images and highlight boxes, errors as Chinese messages."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt

from app.model import Severity
from tests import builders
from tests.ui.conftest import corpus_file
from ui.review.dispositions import Status
from ui.shell.main_window import MainWindow

SCAN_TIMEOUT = 60_000


@pytest.fixture
def window(qtbot, settings, engine_holder):
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    win.show()
    return win


def open_file(qtbot, window, path):
    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT) as blocker:
        window.open_paths([str(path)])
    assert blocker.args == [True]
    page = window.current_page()
    assert page is not None, window.errors.last
    return page


def severity_counts(report):
    return dict(Counter(f.severity for f in report.findings))


def check_counts_match_engine(window, page, shared_engine):
    expected = shared_engine.scan_file(page.path)
    assert window.findings.model.counts() == severity_counts(expected)
    assert window.findings.model.total() == len(expected.findings)
    assert [f.id for f in page.report.findings] == [f.id for f in expected.findings]


def selected_text(view) -> str:
    cursor = view.editor.textCursor()
    return view.editor.document().toPlainText()[cursor.selectionStart():cursor.selectionEnd()]


def test_open_built_docx_counts_and_in_place_highlights(qtbot, window, tmp_path, shared_engine):
    path = builders.build_docx(tmp_path / "草稿.docx")
    page = open_file(qtbot, window, path)
    check_counts_match_engine(window, page, shared_engine)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "草稿.docx"
    view = page.text_view
    assert view is not None
    text = view.editor.document().toPlainText()
    # headers at the top as on a page, tracked changes and hidden text marked inline where they
    # sit, a badge where the comment is anchored, sections for comments and properties
    assert text.startswith("页眉")
    for mark in ("〔插入〕", "〔删除〕", "〔隐藏〕", "〔批注1〕", "■ 批注", "■ 文档属性"):
        assert mark in text
    # every finding maps onto exactly its text in the view
    for f in page.report.findings:
        a, b = view.finding_range(f)
        assert text[a:b] == f.text
    qtbot.waitUntil(lambda: view.formatting_done, timeout=SCAN_TIMEOUT)   # highlights painted off the hot path
    # hidden content is called out at the top of the findings panel
    assert window.findings.attention.isVisible()
    assert "隐藏内容" in window.findings.attention.text()


def test_navigation_f3_and_selection_scroll_to_finding(qtbot, window, tmp_path):
    page = open_file(qtbot, window, builders.build_docx(tmp_path / "nav.docx"))
    # F3 walks the findings in reading order (ui.document.finding_navigation), not by severity group
    ordered = sorted(window.findings.model.ordered_findings(), key=lambda f: (f.start, f.end, f.id))
    assert len(ordered) >= 3
    qtbot.keyClick(window, Qt.Key.Key_F3)
    first = window.findings.current_finding()
    assert first == ordered[0]
    assert page.text_view.current_finding() == first.id
    window.step_finding(1)
    assert window.findings.current_finding() == ordered[1]
    window.step_finding(-1)
    window.step_finding(-1)
    assert window.findings.current_finding() == ordered[-1]       # wraps around
    # the extra selection marks the current finding's text
    extras = page.text_view.editor.extraSelections()
    cursor = extras[-1].cursor
    doc_text = page.text_view.editor.document().toPlainText()
    assert doc_text[cursor.selectionStart():cursor.selectionEnd()] == ordered[-1].text
    # detail pane explains rule, basis and suggestion
    detail = window.findings.detail.toPlainText()
    assert ordered[-1].basis[:10] in detail and ordered[-1].rule in detail


def test_mark_false_alarm_needs_reason_and_is_recorded(qtbot, window, tmp_path):
    open_file(qtbot, window, builders.build_docx(tmp_path / "fa.docx"))
    panel = window.findings
    target = next(f for f in panel.model.ordered_findings() if f.category.value == "hidden_content")
    panel.select_finding(target.id)
    dialog = panel.ask_false_alarm()
    assert dialog is not None and not dialog.ok_button.isEnabled()     # reason required
    dialog.edit.setPlainText("作者信息已在发布版本中清除")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    page = window.current_page()
    assert page.dispositions.status(target.id) is Status.FALSE_ALARM
    assert page.dispositions.get(target.id).reason == "作者信息已在发布版本中清除"
    assert "误报" in panel.detail.toPlainText()
    assert not panel.false_alarm_button.isEnabled()


def test_waive_requires_level_three(qtbot, window, tmp_path):
    open_file(qtbot, window, builders.build_docx(tmp_path / "waive.docx"))
    panel = window.findings
    panel.step(1)
    panel.set_user_level(1)
    assert not panel.waive_button.isEnabled()
    assert panel.ask_waive() is None
    panel.set_user_level(3)
    assert panel.waive_button.isEnabled()


def test_filter_and_search(qtbot, window, tmp_path):
    page = open_file(qtbot, window, builders.build_docx(tmp_path / "filter.docx"))
    panel = window.findings
    panel.severity_box.setCurrentIndex(panel.severity_box.findText("禁止发布"))
    assert set(panel.model.counts()) == {Severity.BLOCK}
    panel.severity_box.setCurrentIndex(0)
    assert window.find_text(builders.BODY_TEXT[:6])
    assert selected_text(page.text_view) == builders.BODY_TEXT[:6]
    assert not window.find_text("不存在的文字甲乙丙")
    assert "未找到" in window.status_label.text()
    page.text_view.zoom(2)
    assert page.text_view.zoom_steps == 2


def test_open_built_pdf_shows_pages_with_highlight_boxes(qtbot, window, tmp_path, shared_engine):
    path = builders.build_text_pdf(tmp_path / "通知.pdf")
    page = open_file(qtbot, window, path)
    check_counts_match_engine(window, page, shared_engine)
    pdf = page.pdf_view
    assert pdf is not None
    qtbot.waitUntil(lambda: pdf.ready, timeout=SCAN_TIMEOUT)
    assert pdf.page_count() == 3
    target = page.report.findings[0]
    rects = pdf.highlight_rects(target.id)
    assert rects, "the finding has a highlight box"
    # the box sits on page 3, where the text was drawn (72pt from the left)
    top3 = pdf._tops[2]
    assert all(top3 <= r.top() and r.left() >= 70 for r in rects)
    with qtbot.waitSignal(pdf.page_rendered, timeout=SCAN_TIMEOUT,
                          check_params_cb=lambda i: i == 2):
        window.findings.select_finding(target.id)
    assert pdf.current_finding() == target.id
    assert 2 in pdf.rendered_pages()
    window.go_to_page(1)
    assert 0 in pdf.visible_pages()
    pdf.zoom(1)
    assert pdf.zoom_factor > 0
    # the same document can be shown as text
    window.text_mode_action.trigger()
    assert page.view is page.text_view


def test_scanned_pdf_calls_out_pages_without_text(qtbot, window, tmp_path):
    open_file(qtbot, window, builders.build_scanned_pdf(tmp_path / "scan.pdf"))
    assert window.findings.attention.isVisible()
    assert "没有文字层" in window.findings.attention.text()


def test_unreadable_files_give_chinese_messages(qtbot, window, tmp_path):
    broken = builders.build_truncated_docx(tmp_path / "broken.docx")
    locked = builders.build_text_pdf(tmp_path / "locked.pdf", encrypt="secret")
    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT):
        window.open_paths([str(broken), str(locked)])
    assert window.current_page() is None
    message = window.errors.last
    assert "broken.docx" in message
    assert "Traceback" not in message
    # the encrypted PDF is not an error: its password is asked for (tests/ui/test_pdf_view.py)
    assert window.password_prompt is not None and "locked.pdf" in window.password_prompt.labelText()
    window.password_prompt.reject()
    assert window.password_prompt is None


def test_cancel_stops_between_files(qtbot, window, tmp_path):
    paths = [str(builders.build_simple_docx(tmp_path / f"d{i}.docx")) for i in range(12)]
    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT) as blocker:
        window.open_paths(paths)
        window.cancel_scan()
    assert blocker.args == [False]
    assert len(window.pages()) < 12
    assert "取消" in window.status_label.text()


def test_recent_files_and_settings_persist(qtbot, window, tmp_path, settings):
    path = builders.build_simple_docx(tmp_path / "recent.docx")
    open_file(qtbot, window, path)
    assert settings.recent_files[0] == str(path)
    window._fill_recent()
    assert any(a.text() == str(path) for a in window.recent_menu.actions())


def test_corpus_docx_and_pdf(qtbot, window, shared_engine):
    docx = corpus_file("huaibei-accountability.docx")
    pdf = corpus_file("heilongjiang-environment.pdf")
    page = open_file(qtbot, window, docx)
    check_counts_match_engine(window, page, shared_engine)
    for f in page.report.findings:
        a, b = page.text_view.finding_range(f)
        assert page.text_view.editor.document().toPlainText()[a:b] == f.text
    page = open_file(qtbot, window, pdf)
    check_counts_match_engine(window, page, shared_engine)
    qtbot.waitUntil(lambda: page.pdf_view.ready, timeout=SCAN_TIMEOUT)
    boxed = [f for f in page.report.findings if page.pdf_view.highlight_rects(f.id)]
    on_pages = [f for f in page.report.findings if f.location.part.value == "page"]
    assert len(boxed) == len(on_pages) > 0
    window.step_finding(1)
    assert page.view.current_finding() == window.findings.current_finding().id
