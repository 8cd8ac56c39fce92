"""TrueType CJK fonts for the printed forms, embedded (subset) in every PDF.

GB/T 9704 sets titles in 小标宋 (or 黑体) and the body in 仿宋. reportlab embeds TrueType outlines
only: the Noto CJK families Debian ships (fonts-noto-cjk, .ttc with CFF outlines) cannot be embedded,
so the first font found in each list below is used — the Windows/WPS fonts first, then the free
TrueType fonts `scripts/bootstrap.sh` installs from Debian (fonts-wqy-zenhei: 文泉驿正黑, a 黑体;
fonts-arphic-uming: AR PL UMing, a 明体/宋体 serif), then TrueType builds of Noto Sans/Serif SC
if present. There is deliberately no fallback to a non-embedded CID font (STSong-Light): a form
whose glyphs the reader supplies is not a form one can file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_WIN = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
_WIN_USER = Path(os.environ.get("LOCALAPPDATA", "C:/Users/Default/AppData/Local")) / "Microsoft/Windows/Fonts"
_UNIX = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
         Path("/System/Library/Fonts"), Path("/Library/Fonts"))

#: (file name, subfont index), best first.
TITLE_FONTS = (("FZXBSJW.TTF", 0), ("方正小标宋简体.ttf", 0), ("simhei.ttf", 0), ("SIMHEI.TTF", 0),
               ("wqy-zenhei.ttc", 0), ("wqy-microhei.ttc", 0), ("NotoSansSC-Bold.ttf", 0),
               ("NotoSansSC-Regular.ttf", 0))
BODY_FONTS = (("simfang.ttf", 0), ("SIMFANG.TTF", 0), ("FangSong.ttf", 0), ("uming.ttc", 0),
              ("simsun.ttc", 0), ("NotoSerifSC-Regular.ttf", 0), ("wqy-zenhei.ttc", 0),
              ("wqy-microhei.ttc", 0), ("NotoSansSC-Regular.ttf", 0))
#: For the few symbols the CJK fonts lack (☐ ☒ and the like); optional.
SYMBOL_FONTS = (("DejaVuSans.ttf", 0), ("seguisym.ttf", 0), ("arial.ttf", 0))


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class FormFonts:
    title: str   # registered reportlab font names
    body: str
    title_file: str
    body_file: str
    symbols: str = ""   # a third font for symbols, "" when none is installed


def _find(name: str) -> Path | None:
    for folder in (_WIN, _WIN_USER):   # fonts installed for all users, then for this user
        if (folder / name).is_file():
            return folder / name
    for root in _UNIX:
        if root.is_dir():
            for hit in root.rglob(name):
                return hit
    return None


def _register(key: str, candidates: tuple[tuple[str, int], ...]) -> tuple[str, str]:
    for file_name, index in candidates:
        path = _find(file_name)
        if path is None:
            continue
        name = f"MiShen{key}-{path.stem}-{index}"
        if name in pdfmetrics.getRegisteredFontNames():
            return name, str(path)
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except Exception:  # CFF outlines, a broken file: try the next one
            continue
        return name, str(path)
    raise FontMissing(key)


_cache: list[FormFonts] = []


def form_fonts() -> FormFonts:
    """The title and body fonts, registered once; FontMissing when no embeddable CJK font exists."""
    if not _cache:
        title, title_file = _register("Title", TITLE_FONTS)
        body, body_file = _register("Body", BODY_FONTS)
        try:
            symbols, _ = _register("Symbols", SYMBOL_FONTS)
        except FontMissing:
            symbols = ""
        _cache.append(FormFonts(title, body, title_file, body_file, symbols))
    return _cache[0]


def covers(font_name: str, ch: str) -> bool:
    face = pdfmetrics.getFont(font_name).face
    return ord(ch) in face.charToGlyph
