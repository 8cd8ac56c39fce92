"""PDF views: every finding highlights exactly its words in the text view (Ctrl+T) and sits in its
box on the page; the page view opens at the top of page 1; a password-protected PDF asks for its
password and opens with it."""

from __future__ import annotations

import pytest

from tests import builders
from tests.ui.conftest import CORPUS
from ui.document.text_offsets import display_text, pieces
from ui.shell.main_window import MainWindow

WAIT = 60_000
MULTI_LINE = [["第一行：关于加强信息公开工作的通知", "第二行：统计数据显示增长百分之五", "第三行：此件不公开",
               "第四行：联系电话 13912345678", "第五行：绝密★长期"]] * 3


@pytest.fixture
def window(qtbot, settings, engine_holder):
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    return win


def open_pdf(qtbot, window, path):
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    assert page is not None and page.pdf_view is not None, window.errors.last
    qtbot.waitUntil(lambda: page.pdf_view.ready, timeout=WAIT)
    return page


def check_text_view(qtbot, window, page) -> None:
    window.text_mode_action.trigger()                        # Ctrl+T
    view = page.text_view
    assert view is not None and page.view is view
    qtbot.waitUntil(lambda: view.formatting_done, timeout=WAIT)
    assert page.report.findings
    for f in page.report.findings:
        assert view.finding_text(f) == display_text(f.text), (f.rule, f.text)
    window.text_mode_action.trigger()
    assert page.view is page.pdf_view


def check_page_boxes(page) -> None:
    """Each page finding's box holds its words (the text pdfium finds inside the box)."""
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK

    doc = page.report.document
    PDFIUM_LOCK.acquire()     # pdfium is not thread-safe: the view renders pages in the worker meanwhile
    pdf = pdfium.PdfDocument(page.path)
    try:
        boxed = 0
        for f in page.report.findings:
            rects = page.pdf_view.highlight_rects(f.id)
            if not rects or f.location.part.value != "page":
                continue
            boxed += 1
            index = doc.segments[pieces(doc, f.start, f.end, f.segment)[0][0]].location.page - 1
            top = page.pdf_view._tops[index]
            height = pdf.get_page_size(index)[1]
            textpage = pdf[index].get_textpage()
            inside = ""
            for r in rects:
                inside += textpage.get_text_bounded(left=r.left() - 0.5, bottom=height - (r.bottom() - top) - 0.5,
                                                    right=r.right() + 0.5, top=height - (r.top() - top) + 0.5)
            squash = "".join(inside.split())
            assert "".join(f.text.split()) in squash, (f.text, inside)
        assert boxed
    finally:
        pdf.close()
        PDFIUM_LOCK.release()


def test_multiline_pdf_highlights_exact_words(qtbot, window, tmp_path):
    page = open_pdf(qtbot, window, builders.build_text_pdf(tmp_path / "多行.pdf", MULTI_LINE))
    assert "\r\n" in page.report.document.text            # pdfium's line breaks: what used to drift
    check_text_view(qtbot, window, page)
    check_page_boxes(page)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else [],
                         ids=lambda p: p.name)
def test_corpus_pdfs_highlight_exact_words(qtbot, window, path):
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    if page is None or page.pdf_view is None or not page.report.findings:
        if window.password_prompt is not None:
            window.password_prompt.reject()
        pytest.skip(f"{path.name}: no text layer, encrypted or no findings")
    qtbot.waitUntil(lambda: page.pdf_view.ready, timeout=WAIT)
    check_text_view(qtbot, window, page)
    check_page_boxes(page)


def test_corpus_present_or_skip():
    if not CORPUS.is_dir() or not list(CORPUS.glob("*.pdf")):
        pytest.skip(f"needs the shared evaluation corpus at {CORPUS}")


def test_page_view_opens_at_top_of_page_one(qtbot, window, tmp_path):
    page = open_pdf(qtbot, window, builders.build_text_pdf(tmp_path / "通知.pdf"))
    pdf = page.pdf_view
    canvas = pdf.canvas

    def view_top() -> float:
        return canvas.mapToScene(canvas.viewport().rect().topLeft()).y()

    assert view_top() <= pdf._tops[0] + 1
    window.resize(1000, 700)                       # a resize (fit width) keeps the top in place
    qtbot.wait(100)
    assert view_top() <= pdf._tops[0] + 1
    assert pdf.current_page() == 1


def test_highlight_boxes_are_outline_and_light_fill(qtbot, window, tmp_path):
    from ui.document.pdf_view import HIGHLIGHT_ALPHA

    page = open_pdf(qtbot, window, builders.build_text_pdf(tmp_path / "通知.pdf"))
    items = [i for items in page.pdf_view._highlights.values() for i in items]
    assert items
    for item in items:
        assert item.brush().color().alpha() == HIGHLIGHT_ALPHA <= 64
        assert item.pen().widthF() > 0 and item.pen().color().alpha() == 255


def test_password_protected_pdf_asks_and_opens(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QLineEdit

    path = builders.build_text_pdf(tmp_path / "加密.pdf", encrypt="secret")
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    assert window.current_page() is None
    prompt = window.password_prompt
    assert prompt is not None and prompt.isVisible()
    assert prompt.textEchoMode() is QLineEdit.EchoMode.Password
    assert "加密.pdf" in prompt.labelText()
    # a wrong password asks again
    with qtbot.waitSignal(window.password_scanned, timeout=WAIT):
        prompt.setTextValue("wrong")
        prompt.accept()
    retry = window.password_prompt
    assert retry is not None and retry is not prompt and "密码不正确" in retry.labelText()
    with qtbot.waitSignal(window.password_scanned, timeout=WAIT):
        retry.setTextValue("secret")
        retry.accept()
    page = window.current_page()
    assert page is not None and page.pdf_view is not None
    assert page.report.findings                      # scanned: 此件不公开 on page 3
    qtbot.waitUntil(lambda: page.pdf_view.ready, timeout=WAIT)
    qtbot.waitUntil(lambda: 0 in page.pdf_view.rendered_pages(), timeout=WAIT)   # rendered with the password
    assert page.pdf_view.highlight_count() > 0
    assert window.password_prompt is None
