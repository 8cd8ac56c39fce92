"""Spam planted in a hacked page hides behind inline styles: each way of hiding is read as hidden
text (and scanned as such); ordinary styles of government pages are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Part
from app.readers import read_document
from app.readers.css_hidden import hides
from app.scan import Engine

HIDING = ["display:none", "DISPLAY: None !important", "visibility:hidden", "visibility: collapse",
          "font-size:0", "font-size: 0px", "font-size:0pt!important", "font-size:0.1px", "opacity:0",
          "opacity: 0.0", "position:absolute; left:-9999px", "position:absolute;top:-5000px",
          "text-indent:-9999px", "margin-left:-3000px", "text-indent:-100em", "left:-200%",
          "height:0; overflow:hidden", "width:1px;overflow:hidden;white-space:nowrap",
          "max-height:0px; overflow-y:hidden", "position:absolute; clip:rect(0 0 0 0)",
          "position:absolute;clip:rect(1px,1px,1px,1px)", "color:red; display:none; color:blue"]
SHOWING = ["", "color:#333", "text-indent:2em", "text-indent: 32px", "font-size:16px", "font-size:0.8em",
           "opacity:0.8", "margin-left:-20px", "left:-10px; position:relative", "height:0",
           "overflow:hidden; height:300px", "clip:rect(0 0 0 0)", "display:block", "visibility:visible",
           "font-family: 仿宋_GB2312; font-size: 16pt; line-height: 28pt", "width:100%;overflow:hidden",
           "display", "font-size:"]


@pytest.mark.parametrize("style", HIDING)
def test_styles_that_hide(style: str) -> None:
    assert hides(style), style


@pytest.mark.parametrize("style", SHOWING)
def test_styles_that_show(style: str) -> None:
    assert not hides(style), style


def test_spam_hidden_by_style_is_hidden_text_and_flagged(tmp_path: Path) -> None:
    page = tmp_path / "通知.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>关于开展安全生产大检查的通知</title></head><body>'
        '<p style="text-indent:2em;font-size:16pt">各乡镇人民政府：现就开展安全生产大检查有关事项通知如下。</p>'
        '<span style="font-size:0">真人百家乐 注册送彩金</span>'
        '<a href="http://x.example/" style="position:absolute;left:-9999px">在线投注 官方网址</a>'
        '<div style="height:0;overflow:hidden">加微信看福利直播</div>'
        '<p>县安全生产委员会办公室</p></body></html>', encoding="utf-8")
    doc = read_document(page)
    hidden = " ".join(s.text for s in doc.segments if s.location.part is Part.HIDDEN)
    body = " ".join(s.text for s in doc.segments if s.location.part is Part.BODY)
    for planted in ("真人百家乐", "在线投注", "加微信看福利直播"):
        assert planted in hidden and planted not in body, planted
    assert "各乡镇人民政府" in body and "县安全生产委员会办公室" in body
    report = Engine.load().scan_file(page)
    flagged = [f for f in report.findings if f.location.part is Part.HIDDEN]
    assert {"真人百家乐", "在线投注"} <= {t for f in flagged for t in ("真人百家乐", "在线投注") if t in f.text}
    assert any("加微信看福利直播" in f.text for f in flagged)


def _parts(tmp_path: Path, body: str, depth: int = 0) -> tuple[str, str]:
    page = tmp_path / "p.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body>' + "<div>" * depth + body
                    + "</div>" * depth + "</body></html>", encoding="utf-8")
    doc = read_document(page)
    return (" ".join(s.text for s in doc.segments if s.location.part is Part.BODY),
            " ".join(s.text for s in doc.segments if s.location.part is Part.HIDDEN))


@pytest.mark.parametrize("depth", [0, 3000])      # the tree walker, and the event reader of deep pages
def test_children_that_undo_a_zero_font_or_hidden_visibility_are_visible(tmp_path: Path, depth: int) -> None:
    body, hidden = _parts(tmp_path, (
        '<ul style="font-size:0"><li style="display:inline-block;font-size:14px">首页</li>'
        '<li style="display:inline-block;font-size:small">政务公开</li><li>看不见的菜单</li>'
        '<li style="font-size:1.5em">零的一点五倍</li><li style="font-size:1rem">按根字号</li></ul>'
        '<div style="visibility:hidden"><span style="visibility:visible">看得见的字</span>藏着的字</div>'
        '<div style="display:none"><span style="display:block;font-size:14px;visibility:visible">真藏着</span></div>'
        '<div style="opacity:0"><p style="font-size:16px">透明的字</p></div>'), depth)
    for visible in ("首页", "政务公开", "看得见的字", "按根字号"):
        assert visible in body and visible not in hidden, visible
    for invisible in ("看不见的菜单", "零的一点五倍", "藏着的字", "真藏着", "透明的字"):
        assert invisible in hidden and invisible not in body, invisible
