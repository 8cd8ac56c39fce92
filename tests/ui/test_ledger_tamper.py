"""核验台帐完整性 in the ledger window catches an entry edited directly in the SQLite file (the
append-only triggers dropped, the row changed, the triggers put back) while the window was closed."""

from __future__ import annotations

import sqlite3

from app.ledger.store import ledger_path
from tests import builders
from tests.ui.conftest import PASSWORDS
from tests.ui.flow import WAIT, login, open_file, open_review
from ui.shell.main_window import MainWindow


def new_window(qtbot, settings, engine_holder, data_dir):
    win = MainWindow(settings=settings, engine=engine_holder, data_dir=str(data_dir))
    qtbot.addWidget(win)
    win.show()
    return win


def tamper(path, kind: str, old: str, new: str) -> int:
    """Rewrite one entry's payload as someone with the file would; returns its sequence number."""
    conn = sqlite3.connect(path)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        seq = conn.execute("SELECT seq FROM events WHERE kind = ? ORDER BY seq LIMIT 1", (kind,)).fetchone()[0]
        with conn:
            for name, _sql in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            changed = conn.execute("UPDATE events SET payload = replace(payload, ?, ?) WHERE seq = ?",
                                   (old, new, seq)).rowcount
            assert changed == 1
            for _name, sql in triggers:
                conn.execute(sql)
    finally:
        conn.close()
    return seq


def test_verify_names_the_first_edited_entry(qtbot, settings, engine_holder, data_dir, tmp_path):
    window = new_window(qtbot, settings, engine_holder, data_dir)
    page = open_file(qtbot, window, builders.build_simple_docx(tmp_path / "原标题.docx", ["关于做好信息公开工作的通知。"]))
    login(qtbot, window, "李信息", PASSWORDS["李信息"])
    open_review(qtbot, window, page)
    ledger = window.open_ledger()
    with qtbot.waitSignal(ledger.verified, timeout=WAIT) as blocker:
        ledger.verify_button.click()
    assert blocker.args == [True]
    window.close()                                  # the controller closes its connection
    assert window.review.controller._ledger is None

    seq = tamper(ledger_path(data_dir), "review_opened", "原标题", "改过的标题")

    window = new_window(qtbot, settings, engine_holder, data_dir)
    ledger = window.open_ledger()
    with qtbot.waitSignal(ledger.verified, timeout=WAIT) as blocker:
        ledger.verify_button.click()
    assert blocker.args == [False]
    text = ledger.result.text()
    assert f"第一处异常：第 {seq} 条记录" in text
    assert f"第 {seq} 条记录的内容与其哈希值不符（被改动）" in text
    assert "#c00000" in ledger.result.styleSheet()
    assert "台帐完好" not in text


def test_verify_shows_a_clock_set_back_as_a_note(qtbot, settings, engine_holder, data_dir, tmp_path, monkeypatch):
    """A clock set back between two entries: the ledger is intact, and the window says that the
    times around the step are not reliable."""
    from datetime import datetime, timedelta

    from app.ledger import Ledger, store
    from app.review import open_review as open_review_core

    doc = builders.build_simple_docx(tmp_path / "通知.docx", ["关于做好信息公开工作的通知。"])
    ahead = (datetime.now().astimezone() + timedelta(hours=2)).isoformat(timespec="milliseconds")
    with monkeypatch.context() as m:
        m.setattr(store, "now_iso", lambda: ahead)
        with Ledger.open(data_dir) as ledger:
            open_review_core(ledger, doc, title="时钟调快时建立", unit="县营商办")
    with Ledger.open(data_dir) as ledger:                      # the real clock: two hours earlier
        open_review_core(ledger, doc, title="时钟调回后建立", unit="县营商办")
    window = new_window(qtbot, settings, engine_holder, data_dir)
    ledger_window = window.open_ledger()
    with qtbot.waitSignal(ledger_window.verified, timeout=WAIT) as blocker:
        ledger_window.verify_button.click()
    assert blocker.args == [True]
    text = ledger_window.result.text()
    assert "台帐完好" in text and "提示：台帐记录的时间曾倒退" in text, text
