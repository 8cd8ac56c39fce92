"""Work around a reference-counting bug of PySide6 6.12.0 (abi3 wheel) on Python 3.10/3.11.

Every call of a void Qt method from Python (`label.setText(...)`, `widget.hide()`…) returns
`None` without taking a reference, and some calls do the same with `True`/`False`; each call
therefore drops one reference the interpreter never gave. On Python 3.12+ these objects are
immortal and nothing happens; on 3.11 the window dies with "Fatal Python error: none_dealloc"
after a few thousand calls (reproduce: `for _ in range(6000): QLabel().hide()`).

`protect_singletons()` gives None, True and False a very large reference count once at start-up,
so they behave as on 3.12. Remove this module when PySide6 is upgraded past the bug.
"""

from __future__ import annotations

import sys

_BOOST = 1 << 40
_done = False


def needed() -> bool:
    return sys.version_info < (3, 12) and sys.implementation.name == "cpython"


def protect_singletons() -> bool:
    """Idempotent; True when the counts were raised."""
    global _done
    if _done or not needed():
        return False
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BOOST
    _done = True
    return True
