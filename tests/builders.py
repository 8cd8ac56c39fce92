"""Builders for real test documents, written by our own code (python-docx, reportlab, openpyxl).

Every builder takes the target path, writes the file and returns the path. Texts the tests look
for are module constants so that tests can import them too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

BODY_TEXT = "根据工作安排，现将有关事项通知如下。"
FIRST_HEADER = "机密★5年"
DEFAULT_HEADER = "某某市人民政府办公室"
FOOTER_TEXT = "内部资料 注意保存"
OUTER_CELL = "外层单元格"
NESTED_CELL = "内层单元格文字"
FOOTNOTE_TEXT = "脚注：数据来源为内部统计"
TEXTBOX_TEXT = "文本框里的内部意见"
COMMENT_TEXT = "此处数字尚未公开，先别发"
COMMENT_AUTHOR = "张三"
INSERTED_TEXT = "新增的未定稿内容"
DELETED_TEXT = "已删除的敏感句子"
HIDDEN_TEXT = "隐藏的拟任人选名单"
CORE_AUTHOR = "法制科 李某"
CORE_TITLE = "关于某事项的通知"
COMPANY = "某某市保密局"
MANAGER = "王科长"
PDF_PAGES = ("第一页：关于加强信息公开工作的通知", "第二页：统计数据显示增长百分之五", "第三页：此件不公开")

_FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>{FOOTNOTE_TEXT}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""

_TEXTBOX_RUN = f"""<w:r xmlns:w="{W_NS}"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
 xmlns:v="urn:schemas-microsoft-com:vml">
<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
<w:p><w:r><w:t>{TEXTBOX_TEXT}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{TEXTBOX_TEXT}</w:t></w:r></w:p>
</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"""

_TRACKED = f"""<w:p xmlns:w="{W_NS}"><w:r><w:t>修订前文字。</w:t></w:r>
<w:ins w:id="101" w:author="审核人" w:date="2025-01-01T00:00:00Z"><w:r><w:t>{INSERTED_TEXT}</w:t></w:r></w:ins>
<w:del w:id="102" w:author="审核人" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>{DELETED_TEXT}</w:delText></w:r></w:del>
<w:r><w:t>修订后文字。</w:t></w:r></w:p>"""


def rewrite_zip(path: Path, change: Callable[[str, bytes], bytes | None],
                add: dict[str, bytes] | None = None) -> None:
    """Rewrite a zip in place: `change(name, data)` returns new data (None drops the entry)."""
    with zipfile.ZipFile(path) as zf:
        entries = [(info.filename, zf.read(info)) for info in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            new = change(name, data)
            if new is not None:
                out.writestr(name, new)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    path.write_bytes(buf.getvalue())


def build_docx(path: Path) -> Path:
    """A docx with everything a reader must find: first-page and default headers, a footer, a
    table with a nested table, a footnote, a text box (with an mc:Fallback copy), a comment, a
    tracked insertion and deletion, a hidden run and core/app properties."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    section = d.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = FIRST_HEADER
    section.header.paragraphs[0].text = DEFAULT_HEADER
    section.footer.paragraphs[0].text = FOOTER_TEXT

    d.add_paragraph(BODY_TEXT)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = OUTER_CELL
    table.cell(0, 1).text = "右上"
    nested = table.cell(1, 1).add_table(rows=1, cols=2)
    nested.cell(0, 1).text = NESTED_CELL

    p = d.add_paragraph("正文带脚注")
    ref = p.add_run()._r
    ref.append(parse_xml(f'<w:footnoteReference xmlns:w="{W_NS}" w:id="1"/>'))

    p = d.add_paragraph("正文带文本框")
    p._p.append(parse_xml(_TEXTBOX_RUN))

    p = d.add_paragraph("批注所在段落")
    d.add_comment(p.runs, text=COMMENT_TEXT, author=COMMENT_AUTHOR, initials="ZS")

    d.element.body.insert(len(d.element.body) - 1, parse_xml(_TRACKED))

    p = d.add_paragraph("可见文字")
    p.add_run(HIDDEN_TEXT).font.hidden = True

    props = d.core_properties
    props.author = CORE_AUTHOR
    props.title = CORE_TITLE
    props.last_modified_by = ""
    props.comments = ""
    d.save(str(path))

    def change(name: str, data: bytes) -> bytes | None:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats'
                                b'.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                b"</Relationships>")
        if name == "docProps/app.xml":
            text = data.decode("utf-8")
            text = re.sub(r"<(Company|Manager)>[^<]*</(Company|Manager)>|<(Company|Manager)\s*/>", "", text)
            return text.replace("</Properties>", f"<Company>{COMPANY}</Company><Manager>{MANAGER}</Manager>"
                                                  "</Properties>").encode("utf-8")
        return data

    rewrite_zip(path, change, add={"word/footnotes.xml": _FOOTNOTES_XML.encode("utf-8")})
    return path


def build_big_docx(path: Path, pages: int = 100, *, planted: bool = False) -> Path:
    """About `pages` pages of text: 30 paragraphs of ~40 characters per page, a table every 10 pages.
    `planted`: each page also carries a mobile number and a typo (two findings a page)."""
    import docx

    d = docx.Document()
    line = "各地区各部门要认真贯彻落实信息公开条例，做好政府信息公开工作。"
    for page in range(pages):
        for k in range(30):
            d.add_paragraph(f"{page + 1}.{k + 1} {line}")
        if planted:
            d.add_paragraph(f"联系人手机1390561{page:04d}，各单位要再接再励。")
        if page % 10 == 0:
            table = d.add_table(rows=5, cols=4)
            for r in range(5):
                for c in range(4):
                    table.cell(r, c).text = f"第{r + 1}行第{c + 1}列"
    d.save(str(path))
    return path


def build_malformed_docx(path: Path) -> Path:
    build_simple_docx(path)
    rewrite_zip(path, lambda name, data: data.replace(b"</w:body>", b"<w:p><w:r></w:body>")
                if name == "word/document.xml" else data)
    return path


def build_simple_docx(path: Path, paragraphs: Sequence[str] = (BODY_TEXT,)) -> Path:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(str(path))
    return path


def build_truncated_docx(path: Path) -> Path:
    build_docx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def build_zip_bomb(path: Path, size_mb: int = 20) -> Path:
    """A docx-looking zip whose document.xml inflates to `size_mb` MB of zeros (written streaming)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(size_mb):
                fh.write(block)
    return path


def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def build_text_pdf(path: Path, pages: Sequence[str | Sequence[str]] = PDF_PAGES, *,
                   encrypt: str | None = None, author: str | None = None,
                   blank_pages: Sequence[int] = ()) -> Path:
    """Chinese text pages (a page is a string or a list of lines); 1-based `blank_pages` get an
    image-like drawing but no text; `encrypt` sets a user password."""
    from reportlab.pdfgen import canvas

    font = _cjk_font()
    c = canvas.Canvas(str(path), encrypt=encrypt)
    if author:
        c.setAuthor(author)
    total = len(pages) + len(blank_pages)
    texts = iter(pages)
    for number in range(1, total + 1):
        if number in blank_pages:
            _draw_scan(c)
        else:
            page = next(texts)
            lines = [page] if isinstance(page, str) else list(page)
            c.setFont(font, 14)
            for k, line in enumerate(lines):
                c.drawString(72, 760 - 22 * k, line)
        c.showPage()
    c.save()
    return path


def _draw_scan(c: object) -> None:
    """Something that looks like a scanned page: filled shapes and an embedded image, no text."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(c, Canvas)
    try:
        from PIL import Image

        img = Image.new("L", (200, 100), 200)
        c.drawImage(ImageReader(img), 72, 500, width=400, height=200)
    except ImportError:
        pass
    c.rect(72, 300, 300, 100, fill=1)


def build_scanned_pdf(path: Path) -> Path:
    return build_text_pdf(path, ["第一页有文字"], blank_pages=(2, 3))


def build_big_pdf(path: Path, pages: int = 100) -> Path:
    line = "各地区各部门要认真贯彻落实信息公开条例做好政府信息公开工作"
    return build_text_pdf(path, [[f"{p + 1}-{k + 1} {line}" for k in range(30)] for p in range(pages)])


def build_txt(path: Path, text: str, encoding: str, *, bom: bool = False) -> Path:
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>网页标题：政务公开</title>
<meta name="description" content="页面描述：内部测试">
<meta name="keywords" content="关键词一,关键词二">
<style>p {{ color: red }} .x:before {{ content: "样式里的字" }}</style>
<script>var secret = "脚本里的字";</script>
</head><body>
<h1>正文标题</h1>
<p>第一段正文，<b>加粗部分</b>继续。</p>
<img src="a.png" alt="图片说明：秘密文件扫描件">
<a href="#" title="链接提示文字">链接</a>
<div style="display:none">隐藏的段落文字</div>
<p hidden>另一个隐藏段落</p>
<noscript>不应读取的文字</noscript>
<!-- 注释里的内部意见 -->
<p>最后一段&nbsp;正文</p>
</body></html>
"""


def build_html(path: Path, charset: str = "utf-8") -> Path:
    encoding = "gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset
    path.write_bytes(HTML_PAGE.format(charset=charset).encode(encoding))
    return path


XLSX_COMMENT = "该数据尚未发布"


def build_xlsx(path: Path) -> Path:
    """Sheets "月报" (numbers, a percentage, a formula with and without cached value, a comment,
    a hidden row and a hidden column), "附表" and a hidden sheet "内部"."""
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "月报"
    ws["A1"] = "指标"
    ws["B1"] = "数值"
    ws["A2"] = "地区生产总值"
    ws["B2"] = 845.2
    ws["B2"].comment = Comment(XLSX_COMMENT, "统计科")
    ws["A3"] = "增速"
    ws["B3"] = 0.061
    ws["B3"].number_format = "0.0%"
    ws["A4"] = "企业数"
    ws["B4"] = 12.0
    ws["B5"] = "=B2*2"
    ws["A6"] = "隐藏行内容"
    ws.row_dimensions[6].hidden = True
    ws["D1"] = "隐藏列内容"
    ws.column_dimensions["D"].hidden = True
    ws2 = wb.create_sheet("附表")
    ws2["A1"] = "附表内容"
    ws3 = wb.create_sheet("内部")
    ws3["A1"] = "隐藏表内容"
    ws3.sheet_state = "hidden"
    wb.properties.creator = "统计科 王某"
    wb.save(str(path))
    return path


def build_many_entries_zip(path: Path, entries: int = 10_001) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for k in range(entries):
            zf.writestr(f"x/{k}", b"")
    return path
