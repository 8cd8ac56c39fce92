"""Start-up messages: no CJK font installed names the package to install."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ui.shell.fonts import cjk_font_problem, missing_cjk_font_message, pick_cjk_family


def test_no_families_names_the_font_package() -> None:
    assert pick_cjk_family([]) is None
    message = missing_cjk_font_message([], [])
    assert message is not None and "fonts-noto-cjk" in message and "中文字体" in message


def test_latin_only_families_warn() -> None:
    assert missing_cjk_font_message(["DejaVu Sans", "Liberation Serif"], []) is not None


def test_known_family_or_chinese_writing_system_is_enough() -> None:
    assert missing_cjk_font_message(["DejaVu Sans", "Noto Sans CJK SC"], []) is None
    assert missing_cjk_font_message(["AR PL UMing CN"], ["AR PL UMing CN"]) is None


def test_detection_agrees_with_fontconfig(qapp) -> None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fontconfig's fc-list not installed")
    chinese = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    if chinese.strip():
        assert cjk_font_problem() is None
    else:
        assert cjk_font_problem() is not None
