"""Spam written into a hacked page by an inline script (黑链 via document.write), escaped or cut into
pieces: the reader recovers the Chinese text without running anything, and the scan flags it."""

from __future__ import annotations

from pathlib import Path

from app.model import Category, Part
from app.readers import read_document
from app.readers.html import SCRIPT_LABEL
from app.readers.script_text import MAX_CHARS, script_texts
from app.scan import Engine


def test_literals_escapes_and_joins() -> None:
    code = r"""
    document.write('<a href="http://x.example/">\u6fb3\u95e8\u8d4c\u573a</a>');
    var s = unescape('%u771F%u4EBA%u767E%u5BB6%u4E50');
    var u = decodeURIComponent('%E7%BD%91%E4%B8%8A%E8%B5%8C%E5%8D%9A');
    var a = "在线" + '投注' +
            `平台`;
    var t = String.fromCharCode(0x535a, 24425) + String.fromCharCode(20844, 21496);
    var e = "\u{6e38}\u{620f}\x41";
    alert("ok"); var x = 'abc'; var one = '中';
    """
    texts = script_texts(code)
    assert texts == ["澳门赌场", "真人百家乐", "网上赌博", "在线投注平台", "博彩公司", "游戏A"], texts


def test_broken_or_huge_scripts_are_bounded() -> None:
    assert script_texts("document.write('未闭合的字符串") == []
    assert script_texts("var s = '\\u12'; var t = '%E6%BE';") == []
    assert script_texts("'%E4%B8%AD%ZZ文字'") == ["中%ZZ文字"]      # the valid escapes decoded
    huge = "var s = [" + ",".join(f"'第{i}条政务信息'" for i in range(20_000)) + "];"
    out = script_texts(huge)
    assert sum(map(len, out)) <= MAX_CHARS and out[0] == "第0条政务信息"


def test_script_spam_is_read_and_flagged_and_ordinary_scripts_are_quiet(tmp_path: Path) -> None:
    page = tmp_path / "要点.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>县政府办公室关于印发工作要点的通知</title>'
        r"<script>document.write('<a href=\'http://x.example/\'>\u6fb3\u95e8\u8d4c\u573a</a>');</script>"
        "<script>function go(){ if(!kw){ alert('请输入搜索关键词'); } else { tip('您的浏览器版本过低'); } }</script>"
        '</head><body><p>各乡镇人民政府：现将工作要点印发给你们。</p></body></html>', encoding="utf-8")
    doc = read_document(page)
    scripted = [s for s in doc.segments if s.location.part is Part.ATTRIBUTE and s.location.label == SCRIPT_LABEL]
    assert [s.text for s in scripted] == ["澳门赌场", "请输入搜索关键词", "您的浏览器版本过低"]
    assert "澳门赌场" not in " ".join(s.text for s in doc.segments if s.location.part is Part.BODY)
    report = Engine.load().scan_file(page)
    harmful = [f for f in report.findings if f.category is Category.HARMFUL_CONTENT]
    assert [f.text for f in harmful] == ["澳门赌场"] and harmful[0].location.label == SCRIPT_LABEL
    assert not [f for f in report.findings if f.location.label == SCRIPT_LABEL and f.category is not Category.HARMFUL_CONTENT]


def test_deeply_nested_page_reads_scripts_too(tmp_path: Path) -> None:
    """The event reader (pages nested deeper than libxml2 builds) finds script text the same way."""
    page = tmp_path / "deep.html"
    page.write_text('<html><body>' + "<div>" * 3000 + "<p>正文内容。</p>"
                    + r"<script>document.write('\u771f\u4eba\u767e\u5bb6\u4e50');</script>"
                    + "</div>" * 3000 + "</body></html>", encoding="utf-8")
    doc = read_document(page)
    assert [s.text for s in doc.segments if s.location.label == SCRIPT_LABEL] == ["真人百家乐"]


def test_a_disclosure_copy_drops_the_script_that_writes_withheld_text(tmp_path: Path) -> None:
    from app.cli import main

    page = tmp_path / "要点.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>县政府办公室关于印发工作要点的通知</title>'
        r"<script>document.write('<a href=\'http://x.example/\'>\u6fb3\u95e8\u8d4c\u573a</a>');</script>"
        "<script>function go(){ alert('请输入搜索关键词'); }</script>"
        '</head><body><p>各乡镇人民政府：现将工作要点印发给你们。</p></body></html>', encoding="utf-8")
    out = tmp_path / "副本.html"
    assert main(["redact", str(page), "--category", "harmful_content", "-o", str(out)]) == 0
    copy = out.read_text(encoding="utf-8")
    assert "\\u6fb3" not in copy and copy.count("<script") == 1 and "请输入搜索关键词" in copy
    assert "各乡镇人民政府" in copy
