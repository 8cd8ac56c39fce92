"""The lexicon editor window (审核 → 词库管理) driven like a person would: start from the bundled
lexicons, add a term through the dialog, try it on a sentence, add a vector, build and sign a
version with a key file and password, install it, scan with it; the unit's own layer; a second
version and an explicit rollback; the expired-pack warning; false-alarm proposals as candidates."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.ledger import Ledger
from app.packs.editor import LOCAL, EditorEntry
from app.packs.format import PackEntry
from app.scan import Engine
from tests.stations import KEY_PASSWORD, bureau_station
from tests.ui.flow import open_lexicon_editor


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A data directory with its 保密管理员 that trusts the bureau's key (tests/stations.py)."""
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    return bureau_station(tmp_path)


def _wait(qtbot, editor) -> None:
    qtbot.waitUntil(lambda: editor.idle, timeout=30000)


def _scan(home: Path, text: str, tmp_path: Path):
    doc = tmp_path / "draft.txt"
    doc.write_text(text, encoding="utf-8")
    engine = Engine.load(data_dir=home)
    return engine, engine.scan_file(doc)


def test_add_try_build_sign_install_then_scan_finds_it(qtbot, station, tmp_path: Path) -> None:
    home, key = station
    editor = open_lexicon_editor(qtbot, home)
    assert editor.draft is not None and len(editor.draft.entries) > 500   # the bundled lexicons as first pack
    assert editor.draft.rules is not None and editor.draft.rules.spam_morphemes  # with the rule vocabularies
    assert "程序内置词库" in editor.status.text()

    # add a term through the dialog
    dialog = editor.ask_add()
    dialog.term.setText("青龙工程")
    dialog.basis.setText("保密局〔2026〕7号")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    editor.set_filter(query="青龙工程")
    (row,) = editor.visible_rows()
    assert row.entry.category == "sensitive_term" and row.entry.severity == "high" and row.entry.id.startswith("bureau-")
    editor.set_filter(category="typo")
    assert editor.visible_rows() and all(r.entry.category == "typo" for r in editor.visible_rows())
    editor.set_filter(category="allow")
    assert editor.visible_rows() and all(r.entry.allow for r in editor.visible_rows())
    editor.set_filter(severity="block", layer="bureau")
    assert all(r.entry.severity == "block" for r in editor.visible_rows())
    editor.set_filter(query="青龙工程")
    editor.entries_view.setCurrentIndex(editor.entries.index(0, 1))
    assert editor.trial_term.text() == "青龙工程"

    # try it on a sentence: normalised forms, the match, what the whole draft engine reports
    editor.try_term(sentence="我们参与了青龍 工程的建设。")
    _wait(qtbot, editor)
    trial = editor.trial
    assert trial.term_normalised == "青龙工程" and "青龙工程" in trial.sentence_normalised
    assert [m.text for m in trial.matches] == ["青龍 工程"]
    assert any(f.text == "青龍 工程" for f in trial.findings)
    assert "命中 1 处" in editor.trial_result.toPlainText()
    editor.try_term("白虎工程", "我们参与了青龙工程的建设。")
    _wait(qtbot, editor)
    assert not editor.trial.matches and "没有命中" in editor.trial_result.toPlainText()

    # a vector, then build and sign (key file + password) and install
    editor.vector_text.setText("本单位参与青龙工程。")
    editor.vector_category.setCurrentIndex(editor.vector_category.findData("sensitive_term"))
    editor._add_vector_from_fields()
    assert (True, "本单位参与青龙工程。") in [(f, v.text) for f, v in editor.vectors.rows]
    editor.m_issuer.setText("市保密局")
    editor.key_file.setText(str(key))
    editor.key_password.setText("wrong-password")
    editor.output.setText(str(tmp_path / "bureau-1.signed.json"))
    editor.build_button.click()
    _wait(qtbot, editor)
    assert editor.built is None and editor.status.text()            # wrong password: nothing written
    assert not (tmp_path / "bureau-1.signed.json").exists()
    editor.key_password.setText(KEY_PASSWORD)
    editor.build_button.click()
    _wait(qtbot, editor)
    assert editor.built == tmp_path / "bureau-1.signed.json" and editor.built.exists(), editor.status.text()
    assert editor.key_password.text() == ""                          # not kept after use
    with qtbot.waitSignal(editor.lexicons_changed, timeout=30000):
        editor.install_button.click()
    _wait(qtbot, editor)
    assert [(i.id, i.version, i.active) for i in editor.installed.rows] == [("bureau", "1", True)]
    kinds = [h[1] for h in editor.history.rows]
    assert "lexicon_pack_installed" in kinds and "lexicon_pack_activated" in kinds
    assert editor.m_version.text() == "2"                            # the next version to build

    engine, report = _scan(home, "本单位参与青龙工程，要再接再励。\n", tmp_path)
    assert {f.text for f in report.findings} >= {"青龙工程", "再接再励"}   # bundled terms came with the first pack
    (info,) = engine.lexicons
    assert (info.name, info.version) == ("bureau", "1")

    # the unit's own layer, saved at once and recorded
    with qtbot.waitSignal(editor.lexicons_changed, timeout=30000):
        editor.add_entry(EditorEntry(LOCAL, PackEntry("", "朱雀小组", "sensitive_term", "medium", "本单位规定")))
    _wait(qtbot, editor)
    editor.set_filter(layer="local")
    assert [r.entry.term for r in editor.visible_rows()] == ["朱雀小组"]
    _, report = _scan(home, "朱雀小组负责青龙工程。\n", tmp_path)
    local = next(f for f in report.findings if f.text == "朱雀小组")
    assert local.layer == "local" and "本单位词库" in local.rule_name

    # a second version, then an explicit rollback to the first
    editor.set_filter()
    editor.add_entry(EditorEntry("bureau", PackEntry("", "白虎工程", "sensitive_term", "block", "保密局〔2026〕8号")))
    editor.key_password.setText(KEY_PASSWORD)
    editor.output.setText(str(tmp_path / "bureau-2.signed.json"))
    editor.build_button.click()
    _wait(qtbot, editor)
    editor.install()
    _wait(qtbot, editor)
    assert [(i.version, i.active) for i in editor.installed.rows] == [("1", False), ("2", True)]
    assert any(f.text == "白虎工程" for f in _scan(home, "白虎工程启动。\n", tmp_path)[1].findings)
    editor.installed_view.setCurrentIndex(editor.installed.index(0, 0))
    with qtbot.waitSignal(editor.lexicons_changed, timeout=30000):
        editor.rollback_selected()
    _wait(qtbot, editor)
    assert [(i.version, i.active) for i in editor.installed.rows] == [("1", True), ("2", False)]
    assert "lexicon_pack_rolled_back" in [h[1] for h in editor.history.rows]
    assert not any(f.text == "白虎工程" for f in _scan(home, "白虎工程启动。\n", tmp_path)[1].findings)

    # installing the active version again changes nothing; a pack altered after signing is refused
    editor.install(tmp_path / "bureau-1.signed.json")
    _wait(qtbot, editor)
    assert "该版本已是启用版本" in editor.status.text()
    altered = tmp_path / "bureau-3.signed.json"
    altered.write_bytes((tmp_path / "bureau-2.signed.json").read_bytes().replace(b"\"2\"", b"\"3\"", 1))
    editor.install(altered)
    _wait(qtbot, editor)
    assert "签名无效" in editor.status.text() or "改动" in editor.status.text()
    assert "lexicon_pack_refused" in [h[1] for h in editor.history.rows]
    assert [(i.version, i.active) for i in editor.installed.rows] == [("1", True), ("2", False)]


def test_expired_pack_warns_and_proposals_become_candidate_allow_entries(qtbot, settings, station,
                                                                       tmp_path: Path) -> None:
    from datetime import date

    from app.packs.editor import bundled_pack, with_entries
    from app.packs.format import Manifest, write_pack
    from app.packs.service import install
    from app.packs.signing import sign_pack

    home, key = station
    first = bundled_pack(Manifest("bureau", "1", "市保密局", "2020-01-01", "2020-12-31"))
    signed = sign_pack(with_entries(first, first.entries[:50]), key, KEY_PASSWORD)
    path = write_pack(signed, tmp_path / "old.json")
    with Ledger.open(home) as ledger:
        install(ledger, path.read_bytes(), home, today=date(2020, 6, 1))
    editor = open_lexicon_editor(qtbot, home)
    assert editor.warning.isVisible() and "2020-12-31" in editor.warning.text()

    proposals = tmp_path / "误报建议.csv"
    proposals.write_text("词条,类别,白名单,范围,理由,说明\n再接再励,typo,是,,引用原文,误报 2 次\n", encoding="utf-8")
    before = len(editor.draft.entries)
    editor.import_proposals(proposals)
    _wait(qtbot, editor)
    assert len(editor.draft.entries) == before + 1
    rows = editor.visible_rows()
    assert [(r.entry.term, r.entry.allow, r.entry.reason) for r in rows if r.entry.term == "再接再励"] == [
        ("再接再励", True, "引用原文")]

    from ui.shell.main_window import MainWindow

    win = MainWindow(settings=settings, data_dir=str(home))   # the main window says so after a scan
    qtbot.addWidget(win)
    doc = tmp_path / "draft.txt"
    doc.write_text("今天开会。\n", encoding="utf-8")
    with qtbot.waitSignal(win.scan_finished, timeout=30000):
        win.open_paths([str(doc)])
    assert "审查完成" in win.status_label.text() and "2020-12-31 过期" in win.status_label.text()


def test_review_menu_opens_the_editor_on_the_windows_ledger(qtbot, settings, station) -> None:
    from ui.shell.main_window import MainWindow

    home, _ = station
    win = MainWindow(settings=settings, data_dir=str(home))
    qtbot.addWidget(win)
    assert win.lexicon_action in win.review_menu.actions()
    assert win.lexicon_action.text() == "词库管理…"
    win.lexicon_action.trigger()
    editor = win.lexicon_editor
    assert editor is not None and editor.isVisible()
    _wait(qtbot, editor)
    assert editor.draft is not None and editor.entries.rowCount() > 500
    if win.review is not None:   # the review controller's one ledger, not a second one
        assert editor.ledger is win.review.controller
    with qtbot.waitSignal(editor.lexicons_changed, timeout=30000):
        editor.add_entry(EditorEntry(LOCAL, PackEntry("", "玄武小组", "sensitive_term", "high", "本单位规定")))
    _wait(qtbot, editor)
    assert not win.engine.loaded     # the window's engine is rebuilt with the new layer on the next scan
    assert any(f.text == "玄武小组" for f in win.engine.get().scan_document(_doc("玄武小组开会。")).findings)
    from ui.shell import worker

    qtbot.waitUntil(lambda: all(j.done for j in worker.live_jobs()), timeout=10000)


def _doc(text: str):
    from app.model import Document, Location, Part, Segment

    return Document.build("t.txt", "txt", "0" * 64, [Segment(text, Location(Part.BODY, paragraph=1))])
