"""The document tab shows exactly one close button, at the tab's end (none left over from the
开始 placeholder painted over the title)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QTabBar

from tests import builders
from tests.ui.flow import open_file
from ui.shell.main_window import MainWindow


def visible_close_buttons(bar: QTabBar) -> list[QAbstractButton]:
    return [b for b in bar.findChildren(QAbstractButton) if b.metaObject().className() == "CloseButton"
            and b.isVisible()]


def test_one_close_button_per_tab_clear_of_the_title(qtbot, settings, engine_holder, tmp_path):
    window = MainWindow(settings=settings, engine=engine_holder, data_dir=str(tmp_path / "data"))
    qtbot.addWidget(window)
    window.show()
    bar = window.tabs.tabBar()
    assert visible_close_buttons(bar) == []               # 开始 cannot be closed
    path = builders.build_simple_docx(tmp_path / "sample-draft.docx", ["关于做好信息公开工作的通知。"])
    for _round in range(2):                               # also after closing the last tab and reopening
        open_file(qtbot, window, path)
        buttons = visible_close_buttons(bar)
        assert len(buttons) == 1
        button, rect = buttons[0], bar.tabRect(0)
        assert button is bar.tabButton(0, QTabBar.ButtonPosition.RightSide)
        text_width = bar.fontMetrics().horizontalAdvance(bar.tabText(0))
        assert button.geometry().left() >= rect.left() + text_width       # right of the title
        assert rect.contains(button.geometry())
        window.close_tab(0)
        assert visible_close_buttons(bar) == []
