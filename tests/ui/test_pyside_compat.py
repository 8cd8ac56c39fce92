"""The PySide6 6.12.0 / Python 3.11 reference-count workaround keeps a long session alive."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

from ui.pyside_compat import needed, protect_singletons


def test_many_void_calls_do_not_exhaust_none(qtbot):
    protect_singletons()
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):      # without the workaround: "Fatal Python error: none_dealloc" on 3.11
        label.setText("密审")
    assert sys.getrefcount(None) > 1000
    if not needed():
        assert sys.getrefcount(None) >= before - 1
