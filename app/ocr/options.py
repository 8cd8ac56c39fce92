"""How a scan uses OCR: `auto` (pages without a text layer; the default), `on` (every page, and
image files), `off` (never: pages without a text layer are reported as not checked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

OCR_MODES = ("auto", "on", "off")
MODE_NAMES = {"auto": "自动（仅识别没有文字层的页面）", "on": "全部页面都识别", "off": "不识别"}


@dataclass(frozen=True)
class OcrOptions:
    mode: str = "auto"
    #: called after each page is recognised: (pages done, pages to do, 1-based page number)
    progress: Callable[[int, int, int], None] | None = None
    #: asked before each page; True stops the document with a ReadError "cancelled"
    cancelled: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        if self.mode not in OCR_MODES:
            raise ValueError(f"OCR mode must be one of {OCR_MODES}, not {self.mode!r}")

    def pdf_pages(self, count: int, without_text: list[int]) -> list[int]:
        """The 1-based pages of a `count`-page PDF to recognise."""
        if self.mode == "off":
            return []
        if self.mode == "on":
            return list(range(1, count + 1))
        return list(without_text)

    def check_cancelled(self, done: int, total: int) -> None:
        if self.cancelled is not None and self.cancelled():
            from app.errors import ReadError

            raise ReadError(f"已取消：文字识别在需识别的 {total} 页中读完 {done} 页时被取消，该文件未审查完。",
                            code="cancelled")
