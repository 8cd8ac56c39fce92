"""The 统计 window on a real ledger built by the real review flow (tests/app/test_stats.py):
opened from the main window's 审核 menu, counts and charts, the period filter, an export."""

from __future__ import annotations

from tests.app.test_stats import worked  # noqa: F401 - the module-scoped ledger fixture
from tests.ui.flow import WAIT
from ui.shell.main_window import MainWindow


def test_stats_window_from_the_menu(qtbot, settings, engine_holder, worked, tmp_path):  # noqa: F811
    window = MainWindow(settings=settings, engine=engine_holder, data_dir=str(worked))
    qtbot.addWidget(window)
    window.show()
    assert window.stats_action in window.review_menu.actions()
    window.stats_action.trigger()
    stats_window = window.stats_window
    assert stats_window is not None and stats_window.isVisible()
    qtbot.waitUntil(lambda: stats_window.stats is not None, timeout=WAIT)
    s = stats_window.stats
    assert s.reviews == 3 and s.consult_deemed == 1
    assert stats_window.severity_chart.values() == [("禁止发布", 1), ("需核实", 2), ("提示", 1)]
    assert ("密级标志", 1) in stats_window.category_chart.values()
    assert [name for name, _ in stats_window.timing_chart.values()] == ["一级审核（信息员）", "二级审核（分管领导）"]
    assert "审核文稿 3 份" in stats_window.summary.text()
    assert "视为同意" in stats_window.text.toPlainText()
    assert stats_window.pdf_button.isEnabled()
    stats_window.grab()          # the charts paint without error

    # a unit filter narrows it down; the new unit names were offered in the combo box
    assert stats_window.unit.findText("市公安局") >= 0
    stats_window.unit.setCurrentText("市应急局")
    with qtbot.waitSignal(stats_window.loaded, timeout=WAIT) as got:
        stats_window.refresh_button.click()
    assert got.args[0].reviews == 2

    out = tmp_path / "统计.xlsx"
    with qtbot.waitSignal(stats_window.exported, timeout=WAIT) as done:
        stats_window.export_to(out)
    assert done.args == [str(out)] and out.stat().st_size > 0
    assert "已导出" in stats_window.result.text()
