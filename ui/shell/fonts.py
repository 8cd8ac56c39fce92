"""Explicit CJK font choice. Under a C/POSIX locale Qt's fallback picks Japanese glyph variants
for Han characters, so the application font is set to a Simplified-Chinese family explicitly."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

#: Preferred families, best first (Linux, Windows, macOS, Adobe/Google, older Linux).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans SC",
    "SimHei",
    "SimSun",
)

DEFAULT_POINT_SIZE = 10


def pick_cjk_family(available: Iterable[str], preferred: str | None = None) -> str | None:
    """The first family present, honouring a user's choice when it is installed."""
    have = {f.casefold(): f for f in available}
    if preferred and preferred.casefold() in have:
        return have[preferred.casefold()]
    for name in CJK_FAMILIES:
        if name.casefold() in have:
            return have[name.casefold()]
    return None


def missing_cjk_font_message(available: Iterable[str], chinese: Iterable[str] = ()) -> str | None:
    """The Chinese warning when neither a known CJK family nor any family Qt lists for Simplified
    Chinese is installed (`available`: all families; `chinese`: those covering Simplified Chinese)."""
    if pick_cjk_family(available) is not None or any(True for _ in chinese):
        return None
    from app.gui_requirements import no_cjk_font_message

    return no_cjk_font_message()


def cjk_font_problem() -> str | None:
    """`missing_cjk_font_message` for the fonts fontconfig / the platform gives Qt."""
    return missing_cjk_font_message(QFontDatabase.families(),
                                    QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def cjk_families_installed() -> list[str]:
    have = {f.casefold() for f in QFontDatabase.families()}
    return [f for f in CJK_FAMILIES if f.casefold() in have]


def ui_font(preferred: str | None = None, point_size: int | None = None) -> QFont:
    """The application font: the chosen CJK family first, the other installed CJK families as
    fallbacks so no Han character falls through to a Japanese face."""
    families = QFontDatabase.families()
    chosen = pick_cjk_family(families, preferred)
    font = QFont()
    ordered = ([chosen] if chosen else []) + [f for f in cjk_families_installed() if f != chosen]
    if ordered:
        font.setFamilies(ordered)
    font.setPointSize(point_size or DEFAULT_POINT_SIZE)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def apply_app_font(app: QApplication, preferred: str | None = None, point_size: int | None = None) -> QFont:
    font = ui_font(preferred, point_size)
    app.setFont(font)
    return font
