"""The page-view machinery shared by the PDF and image views (ui/document/page_canvas.py): a page
whose render was still in flight when the zoom changed is drawn again at the new zoom — on PDF
pages too, not only on pictures."""

from __future__ import annotations

import pytest

from tests import builders
from ui.shell.main_window import MainWindow

WAIT = 60_000


@pytest.fixture
def window(qtbot, settings, engine_holder):
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    return win


def test_pdf_page_in_flight_during_zoom_is_drawn_again_at_the_new_zoom(qtbot, window, tmp_path,
                                                                      monkeypatch) -> None:
    import time

    from ui.document import pdf_view

    real_render = pdf_view.render_page

    def slow_render(*args, **kwargs):    # a heavy page: the debounce timer fires before it is drawn
        time.sleep(0.3)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pdf_view, "render_page", slow_render)
    path = builders.build_text_pdf(tmp_path / "通知.pdf")
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    assert page is not None and page.pdf_view is not None, window.errors.last
    pdf = page.pdf_view
    zoomed: list[float] = []

    def zoom_while_rendering(_page: int) -> None:
        # page_changed comes right after the first pages were sent to the worker: page 1 is in flight
        if zoomed:
            return
        zoomed.append(pdf.zoom_factor)
        pdf.zoom(3)
        pdf.go_to_page(1)       # looks at the visible pages again while page 1 is still being drawn

    pdf.page_changed.connect(zoom_while_rendering)
    qtbot.waitUntil(lambda: pdf.ready, timeout=WAIT)
    assert zoomed and pdf.zoom_factor > zoomed[0] * 1.5

    def wanted() -> float:
        return pdf.zoom_factor * pdf.canvas.logicalDpiX() / 72.0 * pdf.devicePixelRatioF()

    qtbot.waitUntil(lambda: (s := pdf.rendered_scale(0)) is not None and abs(s - wanted()) / wanted() < 0.05,
                    timeout=10_000)
    assert 0 in pdf.rendered_pages()
