"""Image files in the window: shown as pages (not only as text), each OCR finding boxed over the
place on the picture where its text was drawn, selecting it scrolls it into view; a multi-page
TIFF shows its pages; EXIF orientation is applied as the reader does; and the start-up check of
the OCR models names the problem in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests import ocr_builders as ob
from ui.shell import worker
from ui.shell.main_window import MainWindow

WAIT = 120_000
SIZE = (800, 3700)          # taller than the reader's OCR_SIDE (3508): read and shown scaled down
MARK_AT = (120, 3300)        # far down the image: out of view until the finding is selected


@pytest.fixture
def window(qtbot, settings, engine_holder):
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    return win


@pytest.fixture(scope="module")
def marked_png(tmp_path_factory):
    """An 800×3700 px png: a title at the top, the secrecy mark near the bottom (as drawn: box)."""
    from PIL import Image, ImageDraw

    font = ob.cjk_font(56)
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 120), "关于信息公开的通知", font=font, fill="black")
    draw.text(MARK_AT, ob.MARK, font=font, fill="black")
    box = tuple(float(v) for v in draw.textbbox(MARK_AT, ob.MARK, font=font))
    path = tmp_path_factory.mktemp("image-view") / "notice.png"
    image.save(path)
    return path, box


def _open(qtbot, window, path: Path):
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    assert page is not None, window.errors.last
    return page


def test_png_finding_boxed_on_the_picture_and_scrolled_to(qtbot, window, marked_png) -> None:
    path, (x0, y0, x1, y1) = marked_png
    page = _open(qtbot, window, path)
    view = page.image_view
    assert view is not None and page.view is view, "an image file opens in the page view"
    qtbot.waitUntil(lambda: view.ready and view.rendered_pages() == [0], timeout=WAIT)
    assert view.page_count() == 1 and window.page_box.maximum() == 1
    mark = next(f for f in page.report.findings if "秘密" in f.text)
    rects = view.highlight_rects(mark.id)
    assert rects, "the OCR finding has a box on the picture"
    box = rects[0]
    for r in rects[1:]:
        box = box.united(r)
    top = view.page_top(0)
    # the box covers the drawn mark and not much more (OCR boxes are padded a little)
    assert box.left() < x0 + 20 and box.right() > x1 - 20, (box, (x0, x1))
    assert box.top() - top < y0 + 15 and box.bottom() - top > y1 - 15, (box, (y0, y1))
    assert box.left() > x0 - 60 and box.right() < x1 + 60 and box.top() - top > y0 - 40 and box.bottom() - top < y1 + 40
    assert not view.visible_scene_rect().contains(box.center()), "the mark starts out of view"
    # the picture is drawn scaled down as the reader scaled it for OCR, and lines up with the boxes
    from app.readers.image import OCR_SIDE

    prepared = OCR_SIDE / SIZE[1]
    dpr = view.devicePixelRatioF()
    assert view.rendered_scale(0) == pytest.approx(min(prepared, view.zoom_factor * dpr), rel=0.06)
    fit = view.zoom_factor
    with qtbot.waitSignal(view.page_rendered, timeout=WAIT):
        view.zoom(3)                                        # zoomed in past the prepared resolution
    assert view.zoom_factor > fit and view.rendered_scale(0) == pytest.approx(prepared, rel=0.01)
    view.zoom(0)
    assert view.zoom_factor == pytest.approx(fit, rel=0.03)     # (a scroll bar may come or go)
    _drawn_ink_lines_up(path, (x0, y0, x1, y1))

    assert window.findings.select_finding(mark.id)          # as a click in the list, or F3
    qtbot.waitUntil(lambda: view.current_finding() == mark.id, timeout=5000)
    assert view.visible_scene_rect().contains(box), (view.visible_scene_rect(), box)
    with qtbot.waitSignal(view.finding_clicked, timeout=5000) as clicked:   # a click on the box
        qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.canvas.mapFromScene(box.center()))
    assert clicked.args == [mark.id]
    stepped = window.step_finding(1)                        # F3 keeps to the page view
    assert stepped is not None and page.view is view
    qtbot.waitUntil(lambda: view.current_finding() == stepped.id, timeout=5000)

    window.text_mode_action.trigger()                       # the text view is one toggle away
    assert page.view is page.text_view
    window.text_mode_action.trigger()
    assert page.view is view


def _drawn_ink_lines_up(path: Path, drawn: tuple[float, float, float, float]) -> None:
    """The dark pixels of the mark's row in the rendered page, mapped back by the rendered scale,
    lie where the mark was drawn in the original."""
    from PIL import ImageOps

    from ui.document.image_pages import render_page

    qimage, scale = render_page(str(path), 0, 1.0)
    assert scale < 1.0
    from PIL import Image

    rendered = Image.frombytes("RGB", (qimage.width(), qimage.height()),
                               bytes(qimage.convertToFormat(qimage.Format.Format_RGB888).constBits()),
                               "raw", "RGB", qimage.bytesPerLine())
    x0, y0, x1, y1 = drawn
    band = (0, int((y0 - 80) * scale), rendered.width, int((y1 + 80) * scale))
    ink = ImageOps.invert(rendered.crop(band).convert("L")).point(lambda v: 255 if v > 128 else 0).getbbox()
    assert ink is not None
    left, top, right, bottom = (ink[0] / scale, (ink[1] + band[1]) / scale, ink[2] / scale, (ink[3] + band[1]) / scale)
    assert abs(left - x0) < 8 and abs(right - x1) < 8 and abs(top - y0) < 8 and abs(bottom - y1) < 8, \
        ((left, top, right, bottom), drawn)


def test_two_page_tiff_shows_two_pages(qtbot, window, tmp_path) -> None:
    from PIL import Image, ImageDraw

    window.settings.ocr_mode = "off"                         # pages only: no OCR needed here
    pages = []
    for size in ((800, 600), (600, 900)):
        image = Image.new("RGB", size, "white")
        ImageDraw.Draw(image).rectangle((50, 50, 250, 150), fill="black")
        pages.append(image)
    path = tmp_path / "two.tiff"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    page = _open(qtbot, window, path)
    view = page.image_view
    assert view is not None
    qtbot.waitUntil(lambda: view.ready, timeout=WAIT)
    assert view.page_count() == 2
    assert window.page_box.maximum() == 2 and window.page_box.isEnabled()
    assert view.page_top(1) >= 600, "page 2 lies below page 1"
    with qtbot.waitSignal(view.page_rendered, timeout=WAIT, check_params_cb=lambda i: i == 1):
        window.page_box.setValue(2)
    assert view.current_page() == 2


def test_exif_orientation_applied_like_the_reader(tmp_path) -> None:
    """A photo taken sideways: the view lays it out and renders it upright, as OCR read it."""
    from PIL import Image

    from app.readers.image import page_image, page_sizes
    from ui.document.image_pages import render_page

    image = Image.new("RGB", (300, 200), "white")
    image.paste((0, 0, 0), (0, 0, 40, 40))                  # a black corner to follow
    exif = Image.Exif()
    exif[0x0112] = 6                                         # rotate 90° clockwise to view
    path = tmp_path / "photo.jpg"
    image.save(path, exif=exif)
    assert page_sizes(path) == [(200, 300)]
    upright, scale = page_image(path, 1)
    assert upright.size == (200, 300) and scale == 1.0
    assert upright.getpixel((190, 10))[0] < 60 and upright.getpixel((10, 10))[0] > 200
    qimage, half = render_page(str(path), 0, 0.5)
    assert (qimage.width(), qimage.height()) == (100, 150) and half == pytest.approx(0.5)


def test_startup_check_names_missing_models(qtbot, settings, engine_holder, monkeypatch, tmp_path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("MISHEN_OCR_MODELS", str(empty))
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.findChild(QLabel, "ocrModelsProblem") is not None, timeout=10_000)
    label = win.findChild(QLabel, "ocrModelsProblem")
    assert "扫描件" in label.text() and label.isVisibleTo(win.statusBar())
    message = win.status_label.text()
    assert "扫描件页面和图片中的文字无法读取" in message and "缺少" in message and str(empty) in message


def test_startup_check_quiet_when_models_are_fine(qtbot, settings, engine_holder) -> None:
    pytest.importorskip("rapidocr")
    win = MainWindow(settings=settings, engine=engine_holder)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.ocr_models_check.done, timeout=10_000)
    assert win.ocr_models_check.ok
    assert win.findChild(QLabel, "ocrModelsProblem") is None
    assert not [j for j in worker.live_jobs() if j.name == "ocr-models-check" and not j.done]


def test_a_zoom_renders_from_the_prepared_page_without_decoding_again(tmp_path) -> None:
    """The prepared page is decoded once per file version: another zoom reuses it, a changed file
    is decoded again; the rendered sizes are the reader's own (app.readers.image.page_image)."""
    from PIL import Image

    from app.readers.image import page_image
    from ui.document.image_pages import prepared_page, render_page

    path = tmp_path / "photo.png"
    Image.new("RGB", (5000, 3000), "white").save(path)
    first = prepared_page(str(path), 0)
    assert prepared_page(str(path), 0) is first
    for scale in (0.1, 0.25, 2.0):
        image, actual = render_page(str(path), 0, scale)
        expected, expected_scale = page_image(path, 1, scale)
        assert (image.width(), image.height()) == expected.size and actual == pytest.approx(expected_scale)
    Image.new("RGB", (1200, 800), "black").save(path)      # another file under the same name
    again = prepared_page(str(path), 0)
    assert again is not first and again[0].size == (1200, 800)
