"""LibreOffice is started without the frozen bundle's library, plugin and Python paths."""

from __future__ import annotations

import sys

import pytest

from app.readers.office import soffice_env

BUNDLE = {"LD_LIBRARY_PATH": "/opt/mishen/_internal", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib",
          "QT_PLUGIN_PATH": "/opt/mishen/_internal/PySide6/Qt/plugins", "PYTHONPATH": "/x",
          "HOME": "/home/u", "PATH": "/usr/bin"}


def test_frozen_bundle_paths_removed_and_user_library_path_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    env = soffice_env(BUNDLE)
    assert env == {"LD_LIBRARY_PATH": "/usr/local/lib", "HOME": "/home/u", "PATH": "/usr/bin"}


def test_from_source_only_python_paths_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    env = soffice_env(BUNDLE)
    assert "PYTHONPATH" not in env
    assert env["LD_LIBRARY_PATH"] == "/opt/mishen/_internal"
    assert env["QT_PLUGIN_PATH"] == BUNDLE["QT_PLUGIN_PATH"]
