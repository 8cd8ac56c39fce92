"""Text in a Word draft that nobody reading the page sees although it is not marked hidden: white
text on the page, a 1-pt font. It is read as hidden text (and scanned); white text where a fill may
be dark (a table cell, a shaded paragraph, a highlight) stays ordinary text."""

from __future__ import annotations

from pathlib import Path

from docx import Document as Docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from app.model import Category, Part
from app.readers import read_document
from app.scan import Engine


def _draft(path: Path) -> Path:
    doc = Docx()
    p = doc.add_paragraph("关于做好年度安全生产检查工作的通知。")
    white = p.add_run("内部掌握：该数据尚未发布，请勿外传")
    white.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    tiny = doc.add_paragraph("各乡镇要认真落实。").add_run("绝密★")
    tiny.font.size = Pt(1)
    cell = doc.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].add_run("表头白字")
    cell.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    shaded = doc.add_paragraph()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), "1F4E79")
    shaded._p.get_or_add_pPr().append(shd)
    run = shaded.add_run("深色底白字标题")
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    marked = doc.add_paragraph().add_run("荧光笔白字")
    marked.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    marked.font.highlight_color = WD_COLOR_INDEX.BLUE
    doc.save(str(path))
    return path


def test_white_and_tiny_text_is_hidden_text(tmp_path: Path) -> None:
    doc = read_document(_draft(tmp_path / "通知.docx"))
    hidden = " ".join(s.text for s in doc.segments if s.location.part is Part.HIDDEN)
    shown = " ".join(s.text for s in doc.segments if s.location.part is not Part.HIDDEN)
    for unseen in ("内部掌握：该数据尚未发布，请勿外传", "绝密★"):
        assert unseen in hidden and unseen not in shown, unseen
    for seen in ("关于做好年度安全生产检查工作的通知", "各乡镇要认真落实", "表头白字", "深色底白字标题", "荧光笔白字"):
        assert seen in shown and seen not in hidden, seen


def test_the_scan_reports_it(tmp_path: Path) -> None:
    report = Engine.load().scan_file(_draft(tmp_path / "通知.docx"))
    hidden = [f for f in report.findings if f.category is Category.HIDDEN_CONTENT]
    assert {f.text for f in hidden} >= {"内部掌握：该数据尚未发布，请勿外传", "绝密★"}
    assert any(f.category is Category.SECRET_MARK and f.location.part is Part.HIDDEN for f in report.findings)


def test_a_clean_publishing_copy_drops_it(tmp_path: Path) -> None:
    from app.cli import main

    out = tmp_path / "清理后.docx"
    assert main(["sanitize", str(_draft(tmp_path / "通知.docx")), "-o", str(out)]) == 0
    doc = read_document(out)
    assert "内部掌握" not in doc.text and "绝密" not in doc.text
    for seen in ("关于做好年度安全生产检查工作的通知", "表头白字", "深色底白字标题", "荧光笔白字"):
        assert seen in doc.text, seen


def test_a_run_in_a_hidden_character_style_is_hidden_text(tmp_path: Path) -> None:
    """Hidden by its character style (styles.xml w:vanish), not by its own formatting."""
    from docx.enum.style import WD_STYLE_TYPE

    doc = Docx()
    style = doc.styles.add_style("内部批示字", WD_STYLE_TYPE.CHARACTER)
    style.font.hidden = True
    p = doc.add_paragraph("关于做好信息公开工作的通知。")
    p.add_run("领导批示：此件暂缓公开").style = style
    section_header = doc.sections[0].header.paragraphs[0]
    section_header.add_run("页眉里藏着的字").style = style
    path = tmp_path / "批示.docx"
    doc.save(str(path))
    read = read_document(path)
    hidden = " ".join(s.text for s in read.segments if s.location.part is Part.HIDDEN)
    assert "领导批示：此件暂缓公开" in hidden and "页眉里藏着的字" in hidden
    assert "领导批示" not in " ".join(s.text for s in read.segments if s.location.part is Part.BODY)
