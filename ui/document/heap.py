"""Keeps Python's cyclic garbage collector from stalling the window while a document opens.

A full collection walks every live object: with the lexicons and a 1,000-page draft in memory
that is 50–300 ms during which no thread runs, the GUI included. While a scan runs the collector
is paused (reading and scanning make almost no reference cycles; reference counting frees the
rest), and when it ends everything alive — lexicons, documents, reports, view plans — is moved out
of the collector's sight (`gc.freeze`), so later collections only walk what is new. Closing a
document hands its objects back (`gc.unfreeze`), so nothing stays uncollectable.
"""

from __future__ import annotations

import gc

_paused = 0


def hold() -> None:
    """A scan starts: no automatic collections until `release`."""
    global _paused
    _paused += 1
    gc.disable()


def release() -> None:
    """The scan ended: long-lived objects frozen, collections back on."""
    global _paused
    _paused = max(0, _paused - 1)
    if _paused == 0:
        gc.freeze()
        gc.enable()


def thaw() -> None:
    """A document closed: frozen objects become collectable again (freed by the next collection)."""
    gc.unfreeze()


def reset() -> None:
    """The window closes (a scan may have been cut off without ending): collector back to normal."""
    global _paused
    _paused = 0
    gc.unfreeze()
    gc.enable()
