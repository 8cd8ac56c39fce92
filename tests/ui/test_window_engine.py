"""The window's engine reads the lexicons `mishen scan` reads: the data directory's active
lexicon pack when one is installed, else the bundled lexicons."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.scan import Engine


def _window_lexicons(qtbot, settings, home: Path) -> list[str]:
    from ui.shell.main_window import MainWindow

    win = MainWindow(settings=settings, data_dir=str(home))
    qtbot.addWidget(win)
    return [lx.name for lx in win.engine.get().lexicons]


def test_window_uses_the_installed_pack(qtbot, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.app.test_packs import Bureau

    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    bureau = Bureau(tmp_path, monkeypatch)
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    expected = [lx.name for lx in Engine.load(data_dir=bureau.home).lexicons]
    assert expected == ["bureau"]
    assert _window_lexicons(qtbot, settings, bureau.home) == expected


def test_window_without_packs_uses_the_bundled_lexicons(qtbot, settings, tmp_path: Path) -> None:
    home = tmp_path / "empty"
    home.mkdir()
    names = _window_lexicons(qtbot, settings, home)
    assert names == [lx.name for lx in Engine.load(data_dir=home).lexicons]
    assert names and "bureau" not in names
