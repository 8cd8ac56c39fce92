"""A docx whose layout the document view must show: header, title, styled paragraphs, a list,
a table with a finding in a cell, a comment anchored mid-paragraph, a tracked insertion, hidden
text and hard page breaks (built with python-docx, like tests/builders.py)."""

from __future__ import annotations

from pathlib import Path

HEADER = "机密★1年"
TITLE = "关于做好信息公开工作的通知"
CENTERED = "各区县人民政府："
CELL_PHONE = "13905612345"
PAGE2_PHONE = "13705619876"
COMMENT = "此处手机号须删去"
HIDDEN = "拟任人选名单"
INSERTED = "（新增说明）"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def build_layout_docx(path: Path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import parse_xml
    from docx.shared import Pt

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = HEADER
    d.add_heading(TITLE, level=1)
    p = d.add_paragraph()
    run = p.add_run(CENTERED)
    run.bold = True
    run.font.size = Pt(16)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("第一项工作", style="List Number")
    d.add_paragraph("第二项工作", style="List Number")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate((("姓名", "单位", "电话"), ("张三", "办公室", f"手机{CELL_PHONE}"))):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    p = d.add_paragraph("请联系")
    anchored = p.add_run("经办人")
    p.add_run("核实。")
    d.add_comment([anchored], text=COMMENT, author="李四", initials="LS")
    p._p.append(parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="9" w:author="王五" w:date="2026-01-01T00:00:00Z">'
                          f'<w:r><w:t>{INSERTED}</w:t></w:r></w:ins>'))
    p = d.add_paragraph("可见文字")
    p.add_run(HIDDEN).font.hidden = True
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("第二页第一段。")
    d.add_paragraph(f"第二页联系人手机{PAGE2_PHONE}。")
    d.save(str(path))
    return path


BOLD_PHONE = "13812345678"
BOLD_RUN = f"手机{BOLD_PHONE}"
UNDERLINED = "务必按时报送"
BIG = "重要提示"
NOTE_TEXT = "数据来源为内部统计，未经核准"
CELL_BOLD = "重点"
_FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>{NOTE_TEXT}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def build_runs_docx(path: Path) -> Path:
    """Runs formatted unlike their paragraph — a bold phone number in the middle of normal text,
    an underlined, an italic and a larger run, a bold word in a table cell — and a footnote
    referenced mid-paragraph (the footnotes part added as raw XML: python-docx has no API)."""
    import docx
    from docx.oxml import parse_xml
    from docx.shared import Pt

    from tests.builders import rewrite_zip

    d = docx.Document()
    p = d.add_paragraph("请与")
    p.add_run(BOLD_RUN).bold = True
    p.add_run("联系。")
    p = d.add_paragraph("报表")
    p.add_run(UNDERLINED).underline = True
    p.add_run("，")
    p.add_run("斜体").italic = True
    big = p.add_run(BIG)
    big.font.size = Pt(20)
    p.add_run("。")
    p = d.add_paragraph("统计数据")
    p.add_run()._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W_NS}" w:id="1"/>'))
    p.add_run("见附表。")
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].add_run("本项")
    cell.paragraphs[0].add_run(CELL_BOLD).bold = True
    cell.paragraphs[0].add_run("工作")
    d.save(str(path))

    def change(name: str, data: bytes) -> bytes | None:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                b"</Relationships>")
        return data

    rewrite_zip(path, change, add={"word/footnotes.xml": _FOOTNOTES.encode("utf-8")})
    return path
