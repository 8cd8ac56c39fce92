"""Every top-level window and dialog fits an office PC screen (1366×768, 1280×720, 1920×1080), with
the default font and with font size 14 from 设置, and its decision buttons are on screen.

In-process the screen is passed to the sizing helper as an explicit available geometry (the test
QApplication has one offscreen screen); one subprocess per size also checks the real path, where
the window reads the screen itself (offscreen platform with a configured screen size)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QWidget

from tests import builders
from tests.ui.conftest import PASSWORDS, REPO
from ui.shell.main_window import MainWindow
from ui.shell.screen_fit import fit_size, fit_window, keep_inside

WAIT = 30_000
SCREENS = {"1366x768": QRect(0, 0, 1366, 768), "1280x720": QRect(0, 0, 1280, 720),
           "1920x1080": QRect(0, 0, 1920, 1080)}
#: a task bar at the bottom: the available area is what counts
TASKBAR = 40


def available(name: str) -> QRect:
    r = SCREENS[name]
    return QRect(r.x(), r.y(), r.width(), r.height() - TASKBAR)


@pytest.fixture(params=[10, 14], ids=["font10", "font14"])
def font_size(request, qapp):
    from ui.shell.fonts import apply_app_font

    before = qapp.font()
    apply_app_font(qapp, None, request.param)
    yield request.param
    qapp.setFont(before)


def assert_fits(widget: QWidget, area: QRect) -> None:
    geo = widget.frameGeometry()
    assert area.contains(geo), f"{widget.objectName() or type(widget).__name__} {geo} outside {area}"
    hint = widget.minimumSizeHint()
    # the layout's own minimum fits: nothing had to be squeezed below it to fit the screen
    assert hint.width() <= area.width() and hint.height() <= area.height(), (type(widget).__name__, hint, area)


def assert_on_screen(button: QWidget, window: QWidget) -> None:
    assert button.isVisible(), button.text()
    top_left = button.mapTo(window, button.rect().topLeft())
    inside = QRect(top_left, button.size())
    assert window.rect().contains(inside), (button.text(), inside, window.rect())
    assert not button.visibleRegion().isEmpty(), button.text()


def settle(qtbot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()


# --- the helper ---------------------------------------------------------------------------------

def test_fit_size_never_larger_than_the_screen():
    area = available("1366x768")
    assert fit_size(QSize(1400, 900), area).width() <= area.width()
    assert fit_size(QSize(1400, 900), area).height() <= area.height()
    assert fit_size(QSize(600, 400), area) == QSize(600, 400)      # small windows keep their size


def test_keep_inside_pulls_a_restored_window_back(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.resize(1900, 1000)
    w.move(300, 200)
    area = available("1280x720")
    keep_inside(w, area)
    assert area.contains(QRect(w.pos(), w.size()))


# --- windows ----------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, settings, engine_holder, data_dir, font_size):
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(win)
    return win


@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_window_fits_and_review_buttons_reachable(qtbot, window, screen, tmp_path):
    area = available(screen)
    window.fit_to_screen(area)
    settle(qtbot, window)
    assert_fits(window, area)
    # the review dock can be hidden and shown again from 查看
    review = window.review
    assert review is not None
    toggle = review.toggle_action
    assert toggle.isEnabled() and toggle in window.view_menu.actions()
    assert window.findings_dock.toggleViewAction().isEnabled()
    toggle.trigger()
    assert not review.dock.isVisible()
    toggle.trigger()
    assert review.dock.isVisible()
    # login and 建立审核单 reachable after opening a draft (inside the dock's scroll area)
    path = builders.build_simple_docx(tmp_path / "通知.docx", ["关于做好信息公开工作的通知。"])
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    QApplication.processEvents()
    panel = review.panel
    scroll = review.dock.widget()
    for button in (panel.login_button, panel.open_button):
        scroll.ensureWidgetVisible(button)
        QApplication.processEvents()
        assert_on_screen(button, window)
    assert window.statusBar().isVisible()
    assert window.rect().contains(window.statusBar().geometry())


@pytest.mark.parametrize("screen", list(SCREENS))
def test_batch_and_ledger_windows_fit(qtbot, window, screen):
    area = available(screen)
    batch = window.open_batch()
    ledger = window.open_ledger()
    for w, preferred in ((batch, QSize(1000, 680)), (ledger, QSize(1300, 760))):
        fit_window(w, preferred, area)
        settle(qtbot, w)
        assert_fits(w, area)
    # the batch window's 状态 column is inside its table's viewport
    from ui.batch.batch_models import FileColumn

    header = batch.file_table.horizontalHeader()
    right = header.sectionViewportPosition(FileColumn.STATUS) + header.sectionSize(FileColumn.STATUS)
    assert right <= batch.file_table.viewport().width()
    for b in (ledger.verify_button, ledger.ledger_button):
        assert_on_screen(b, ledger)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_lexicon_editor_and_stats_windows_fit(qtbot, window, screen):
    """词库管理 (with its 规则词表 and 工作日历 tabs) and 审查工作统计 on an office screen."""
    area = available(screen)
    editor = window.open_lexicon_editor()
    stats = window.open_stats()
    assert stats is not None
    for w, preferred in ((editor, QSize(1100, 720)), (stats, QSize(1100, 760))):
        fit_window(w, preferred, area)
        settle(qtbot, w)
        assert_fits(w, area)
    for index in range(editor.tabs.count()):          # every tab's own minimum fits too
        editor.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert_fits(editor, area)


def _login_and_open_review(qtbot, window, tmp_path):
    path = builders.build_simple_docx(tmp_path / "通知.docx", ["关于做好信息公开工作的通知。", "联系人：李四。"])
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    page = window.current_page()
    controller = window.review.controller
    qtbot.waitUntil(lambda: bool(controller.users), timeout=WAIT)
    dialog = window.review.ask_login()
    dialog.user_box.setEditText("李信息")
    dialog.password.setText(PASSWORDS["李信息"])
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: controller.session is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    dialog = window.review.ask_open_review()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.review is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    return page


@pytest.mark.parametrize("screen", ["1366x768", "1280x720"])
def test_leader_view_and_sign_dialog_decisions_visible(qtbot, window, screen, tmp_path):
    area = available(screen)
    window.fit_to_screen(area)
    settle(qtbot, window)
    _login_and_open_review(qtbot, window, tmp_path)
    leader = window.open_leader_view()
    from ui.review.leader_view import PREFERRED_SIZE

    fit_window(leader, PREFERRED_SIZE, area)
    leader.digest.setHtml("<p>很长的审查发现</p>" * 400)      # content far taller than the screen
    settle(qtbot, leader)
    assert_fits(leader, area)
    for b in (leader.approve_button, leader.return_button, leader.reject_button):
        assert_on_screen(b, leader)
        assert b.isEnabled(), b.toolTip()       # level 1 by the officer, no block open
    # the splitter between the document digest and the opinions moves
    sizes = leader.split.sizes()
    leader.split.setSizes([sizes[0] + 100, sizes[1] - 100])
    assert leader.split.sizes()[0] > sizes[0]

    dialog = window.review.ask_sign()
    fit_window(dialog, QSize(620, 640), area)
    settle(qtbot, dialog)
    assert_fits(dialog, area)
    dialog.password.setText(PASSWORDS["李信息"])
    assert_on_screen(dialog.ok_button, dialog)
    assert dialog.ok_button.isEnabled(), dialog.error.text()
    dialog.reject()
    users = window.review.ask_users()
    fit_window(users, users.size(), area)
    settle(qtbot, users)
    assert_fits(users, area)
    users.reject()


@pytest.mark.parametrize("screen", ["1366x768", "1280x720"])
def test_settings_dialog_fits_and_shows_directories_in_effect(qtbot, window, screen, data_dir):
    area = available(screen)
    dialog = window.open_settings()
    fit_window(dialog, QSize(640, 560), area)
    settle(qtbot, dialog)
    assert_fits(dialog, area)
    from PySide6.QtWidgets import QDialogButtonBox

    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert_on_screen(ok, dialog)
    text = dialog.in_effect.text()
    assert f"数据目录：{data_dir}" in text and "审批台帐：" in text and str(data_dir) in text.split("审批台帐：")[1]
    dialog.reject()


def test_window_title_names_the_app_once(window):
    # Qt appends the display name itself ("信息发布保密审查工作站 — 密审"): the title must not start with it
    assert window.windowTitle() == "信息发布保密审查工作站"


# --- the real screen: a subprocess with a configured offscreen screen ------------------------------

PROBE = textwrap.dedent("""
    import json, sys, tempfile
    from PySide6.QtCore import QSettings
    from ui.shell.main import create_app
    from ui.shell.fonts import apply_app_font
    app = create_app()
    apply_app_font(app, None, int(sys.argv[1]))
    from ui.shell.main_window import MainWindow
    from ui.shell.settings import Settings
    s = Settings(QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat))
    w = MainWindow(settings=s, data_dir=tempfile.mkdtemp())
    w.show(); app.processEvents()
    area = app.primaryScreen().availableGeometry()
    out = {"screen": [area.width(), area.height()]}
    def rect(x):
        g = x.frameGeometry(); return [g.x(), g.y(), g.width(), g.height()]
    out["main"] = rect(w)
    for name in ("open_settings", "open_batch", "open_ledger", "open_leader_view"):
        d = getattr(w, name)(); app.processEvents(); out[name] = rect(d)
    lv = w.review.leader_view
    out["buttons"] = all(b.isVisible() and not b.visibleRegion().isEmpty()
                         for b in (lv.approve_button, lv.return_button, lv.reject_button))
    from PySide6.QtCore import QTranslator, QLibraryInfo
    from PySide6.QtWidgets import QDialogButtonBox
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    out["cancel"] = box.button(QDialogButtonBox.StandardButton.Cancel).text()
    w.shutdown()
    print(json.dumps(out))
""")


@pytest.mark.parametrize("size,font", [((1366, 768), 14), ((1280, 720), 10), ((1280, 720), 14), ((1920, 1080), 10)])
def test_real_screen_sizes(tmp_path, size, font):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": size[0],
                                               "height": size[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", MISHEN_HOME=str(tmp_path / "home"),
               QT_LOGGING_RULES="qt.qpa.*=false")
    run = subprocess.run([sys.executable, "-c", PROBE, str(font)], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["screen"] == list(size)
    for name in ("main", "open_settings", "open_batch", "open_ledger", "open_leader_view"):
        x, y, w, h = out[name]
        assert x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1], (name, out[name])
    assert out["buttons"]
    assert out["cancel"] == "取消"        # Qt's own translations are loaded


def test_findings_get_most_of_the_right_column(qtbot, window):
    window.fit_to_screen(available("1366x768"))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.findings_dock.height() > window.review.dock.height(), timeout=2000)
    assert window.findings_dock.height() > 1.4 * window.review.dock.height()


def test_review_collapses_to_a_status_line(qtbot, window, tmp_path):
    window.fit_to_screen(available("1366x768"))
    settle(qtbot, window)
    review = window.review
    assert not review.summary_button.isVisible()                 # nothing open: no line
    path = builders.build_simple_docx(tmp_path / "通知.docx", ["关于做好信息公开工作的通知。"])
    with qtbot.waitSignal(window.scan_finished, timeout=WAIT):
        window.open_paths([str(path)])
    review.toggle_action.trigger()                               # hide the dock
    assert not review.dock.isVisible()
    button = review.summary_button
    assert button.isVisible() and "尚未建立审核单" in button.text()
    assert_on_screen(button, window)
    button.click()
    assert review.dock.isVisible()
