"""What to install when Qt cannot start: the shared library named in a loader error, mapped to the
Debian/Ubuntu/Kylin/UOS package that ships it, and the Chinese message `mishen gui` prints."""

from __future__ import annotations

import re

#: Library soname prefix -> Debian package (bookworm names; also valid on Ubuntu, Kylin, UOS).
LIBRARY_PACKAGES: tuple[tuple[str, str], ...] = (
    ("libGLX", "libgl1"),
    ("libGL", "libgl1"),
    ("libOpenGL", "libopengl0"),
    ("libEGL", "libegl1"),
    ("libxkbcommon-x11", "libxkbcommon-x11-0"),
    ("libxkbcommon", "libxkbcommon0"),
    ("libfontconfig", "libfontconfig1"),
    ("libfreetype", "libfreetype6"),
    ("libdbus-1", "libdbus-1-3"),
    ("libxcb-cursor", "libxcb-cursor0"),
    ("libxcb-icccm", "libxcb-icccm4"),
    ("libxcb-keysyms", "libxcb-keysyms1"),
    ("libxcb-image", "libxcb-image0"),
    ("libxcb-render-util", "libxcb-render-util0"),
    ("libxcb", "libxcb1"),
    ("libX11-xcb", "libx11-xcb1"),
    ("libX11", "libx11-6"),
    ("libglib-2.0", "libglib2.0-0"),
    ("libgthread-2.0", "libglib2.0-0"),
)

FONT_PACKAGE = "fonts-noto-cjk"

_SONAME = re.compile(r"(lib[A-Za-z0-9_+\-.]*?)\.so(?:\.[0-9]+)*")


def missing_library(error: str) -> str | None:
    """The shared library a loader error names (`libEGL.so.1: cannot open shared object file`)."""
    match = _SONAME.search(error)
    return match.group(0) if match else None


def package_for(library: str) -> str | None:
    """The package that ships `library` (`libEGL.so.1` -> `libegl1`), or None when unknown."""
    stem = library.split(".so", 1)[0]
    for prefix, package in LIBRARY_PACKAGES:
        if stem == prefix:
            return package
    return None


def qt_failure_message(error: str) -> str:
    """The message `mishen gui` prints when PySide6 cannot be imported."""
    library = missing_library(error)
    package = package_for(library) if library else None
    if library and package:
        return (f"无法启动图形界面：缺少系统库 {library}。请让管理员安装软件包 {package}"
                f"（如 sudo apt install {package}）后重试。命令行功能（mishen scan 等）不受影响。")
    if library:
        return (f"无法启动图形界面：缺少系统库 {library}（{error}）。请安装提供该库的软件包后重试；"
                f"常见的有 libgl1、libegl1、libxkbcommon0、libfontconfig1、libdbus-1-3。")
    return (f"无法启动图形界面：{error}。从源码运行时请先运行 scripts/bootstrap.sh 安装依赖；"
            f"安装包版本请确认已安装 libgl1、libegl1、libxkbcommon0、libfontconfig1、libdbus-1-3。")


def no_cjk_font_message() -> str:
    """Shown at GUI start when no Chinese font is installed (every glyph would be a box)."""
    return (f"未找到中文字体，界面中的汉字将显示为方框。请让管理员安装软件包 {FONT_PACKAGE}"
            f"（如 sudo apt install {FONT_PACKAGE}）后重新启动密审。")
