"""The scan engine, loaded lazily in the worker (lexicon compilation never runs on the GUI
thread), and the scan generator the window and the batch window iterate."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

EngineFactory = Callable[[], Any]


def default_factory(extra_lexicons: Sequence[str] = (), use_defaults: bool = True,
                    data_dir: str | None = None) -> EngineFactory:
    """Like `mishen scan`: the active lexicon packs of the data directory (`data_dir`, else
    MISHEN_HOME / the platform default) when it has any, else the bundled lexicons."""
    def load() -> Any:
        from app.paths import data_dir as resolve_data_dir
        from app.scan import Engine

        return Engine.load(list(extra_lexicons), use_defaults=use_defaults, data_dir=resolve_data_dir(data_dir))

    return load


class EngineHolder:
    """Builds the engine once, on first use, from whichever thread asks (the worker)."""

    def __init__(self, factory: EngineFactory | None = None) -> None:
        self._factory = factory or default_factory()
        self._engine: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def get(self) -> Any:
        with self._lock:
            if self._engine is None:
                self._engine = self._factory()
                # The engine (lexicons, automaton, compiled rules, imported readers) lives as long
                # as the window: move it out of the garbage collector's sight, so that the full
                # collections a scan triggers do not walk it while holding the GIL.
                gc.freeze()
            return self._engine

    def reset(self, factory: EngineFactory | None = None) -> None:
        """Use another lexicon selection from the next scan on."""
        with self._lock:
            if factory is not None:
                self._factory = factory
            self._engine = None


def scan_events(paths: Sequence[str], holder: EngineHolder, *, prepare_view: bool = False,
                ocr: Any = None) -> Iterator[Any]:
    """`app.scan.scan_batch` over `paths`, loading the engine first (in the calling worker);
    `prepare_view` also lays out each document's text for the view while still in the worker;
    `ocr`: the `app.ocr.options.OcrOptions` (or just the mode, "auto"/"on"/"off") of the scan."""
    from app.ocr.options import OcrOptions
    from app.scan import scan_batch
    from ui.document.document_view import prepare_layout

    engine = holder.get()
    options = OcrOptions(ocr) if isinstance(ocr, str) else ocr
    for event in scan_batch(list(paths), engine, ocr=options):
        if prepare_view and event.report is not None and event.report.document is not None:
            prepare_layout(event.report.document)  # the text view's layout, off the GUI thread
        yield event
