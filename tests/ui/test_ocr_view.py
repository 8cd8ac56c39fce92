"""A scanned page in the window: the setting chooses whether it is read by OCR; when it is, the
findings sit in boxes on the page image where the text was drawn, the status bar follows the
pages, and the attention line says the page was read by OCR."""

from __future__ import annotations

import pytest

from tests import ocr_builders as ob
from ui.shell.main_window import MainWindow
from ui.shell.settings_dialog import SettingsDialog

WAIT = 120_000


@pytest.fixture
def window(qtbot, settings, engine_holder):
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    return win


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    image, boxes = ob.scan_page()
    path = ob.image_pdf(tmp_path_factory.mktemp("ocr-ui") / "scan.pdf", [image])
    return path, {text: ob.to_points(box) for text, box in boxes.items()}


def _open(qtbot, window, path):
    messages: list[str] = []
    original = window.show_message

    def record(text: str) -> None:
        messages.append(text)
        original(text)

    window.show_message = record
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    assert page is not None, window.errors.last
    return page, messages


def test_scanned_page_is_highlighted_on_the_image(qtbot, window, scanned) -> None:
    path, drawn = scanned
    assert window.settings.ocr_mode == "auto"
    page, messages = _open(qtbot, window, path)
    assert any("文字识别：第 2 页" in m for m in messages), messages
    assert "文字识别（OCR）" in window.findings.attention.text()
    view = page.pdf_view
    assert view is not None
    qtbot.waitUntil(lambda: view.ready, timeout=WAIT)
    ident = next(f for f in page.report.findings if f.text == ob.ID_NUMBER)
    rects = view.highlight_rects(ident.id)
    assert rects, "the OCR finding has a box on the page"
    top = view._tops[1]                                     # page 2 starts here in the scene
    x0, y0, x1, y1 = drawn[ob.ID_LINE]
    assert any(r.left() < x1 and x0 < r.right() and r.top() - top < y1 and y0 < r.bottom() - top
               for r in rects), (rects, drawn[ob.ID_LINE])


def test_search_on_a_scanned_page_boxes_the_recognised_text(qtbot, window, scanned) -> None:
    """Search in a PDF page read by OCR boxes the match where OCR read it (the page has no text
    layer to search), and on the text-layer page where the PDF has it."""
    path, drawn = scanned
    page, _ = _open(qtbot, window, path)
    view = page.pdf_view
    assert view is not None
    qtbot.waitUntil(lambda: view.ready, timeout=WAIT)
    assert view.find(ob.ID_NUMBER)
    rects = view.search_match_rects()
    assert rects, "the match on the scanned page is boxed"
    top = view.page_top(1)
    x0, y0, x1, y1 = drawn[ob.ID_LINE]
    assert all(r.left() < x1 and x0 < r.right() and r.top() - top < y1 and y0 < r.bottom() - top
               for r in rects), (rects, drawn[ob.ID_LINE])
    assert view.find(ob.FIRST_PAGE[:6])                     # page 1's text layer, found by pdfium
    qtbot.waitUntil(lambda: bool(view.search_match_rects()), timeout=WAIT)
    assert all(r.bottom() < view.page_top(1) for r in view.search_match_rects())


def test_setting_off_is_passed_to_the_scan(qtbot, window, scanned) -> None:
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.ocr_mode.setCurrentIndex(dialog.ocr_mode.findData("off"))
    dialog.accept()
    assert window.settings.ocr_mode == "off"
    page, _ = _open(qtbot, window, scanned[0])
    assert not any(f.text == ob.ID_NUMBER for f in page.report.findings)
    assert "没有文字层" in window.findings.attention.text()
    assert "文字识别（OCR）" not in window.findings.attention.text()
