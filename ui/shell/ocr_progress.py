"""Page-by-page progress and cancel for the text recognition of a scan: the OCR pass runs in the
scan worker and reports each page through a queued signal; cancelling the scan stops it before
the next page (the document is then reported as cancelled, not half-read)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from app.ocr.options import OcrOptions


class OcrProgress(QObject):
    page = Signal(int, int, int)      # pages done, pages to recognise, 1-based page number

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def options(self, mode: str) -> OcrOptions:
        """The options of one scan (a fresh cancel flag each time)."""
        self._cancel = flag = threading.Event()
        return OcrOptions(mode, progress=self.page.emit, cancelled=flag.is_set)

    def cancel(self) -> None:
        self._cancel.set()
