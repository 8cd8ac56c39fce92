"""The pinned PySide6 must keep Python's reference counts straight on the Python we run.

PySide6 6.12.0's abi3 wheel drops a reference to None on every void call under Python 3.10/3.11;
a long session then dies with "Fatal Python error: none_dealloc". This guards the pin.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_do_not_drop_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2_000):
        label.setText("密审")
        label.hide()
        label.setVisible(label.isVisible())
    assert sys.getrefcount(None) >= before - 10, "PySide6 drops references to None: pin another release"
