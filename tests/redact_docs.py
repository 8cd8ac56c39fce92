"""Documents for the redaction and clean-copy tests, built by our own code (reportlab with an
embedded TrueType CJK font, pikepdf for the extras a PDF may carry, python-docx plus raw XML)."""

from __future__ import annotations

import zipfile
from pathlib import Path

ID_NUMBER = "11010519491231002X"
PHONE = "13905611234"
MARK = "机密★5年"
SECRET_LINE = f"本件密级：{MARK}，不得公开。"
KEPT = ("关于加强信息公开工作的通知", "其余内容照常办理", "请各单位认真落实")
PDF_LINES = (KEPT[0], f"联系人身份证号{ID_NUMBER}，请核对。", f"联系电话{PHONE}，工作日可拨打。",
             SECRET_LINE + KEPT[1], KEPT[2])
AUTHOR = "法制科 李某"
ANNOT_TEXT = "批注：电话先别公开"


def build_redact_pdf(path: Path, *, extras: bool = True, lines: tuple[str, ...] = PDF_LINES,
                     cid_font: bool = False, pagesize: tuple[float, float] = (595.2756, 841.8898)) -> Path:
    """One page of `lines` in an embedded TrueType CJK font (or, with `cid_font`, the
    non-embedded STSong-Light CID font with its UniGB-UCS2-H encoding, which the rewriter does not
    handle); `extras`: document info, XMP, an annotation, an outline, an attachment and a
    JavaScript open action."""
    from reportlab.pdfgen import canvas

    if cid_font:
        from tests.builders import _cjk_font

        font = _cjk_font()
    else:
        from app.exports.pdf_fonts import form_fonts

        font = form_fonts().body
    c = canvas.Canvas(str(path), pagesize=pagesize)
    c.setAuthor(AUTHOR)
    c.setTitle("内部标题")
    c.setFont(font, 14)
    for k, line in enumerate(lines):
        c.drawString(72, pagesize[1] - 82 - 24 * k, line)
    c.showPage()
    c.save()
    if extras:
        _add_extras(path)
    return path


def _add_extras(path: Path) -> None:
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_metadata() as meta:
            meta["dc:creator"] = [AUTHOR]
            meta["dc:description"] = "XMP 描述"
        page = pdf.pages[0]
        annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                                                     Rect=[400, 700, 420, 720], Contents=pikepdf.String(ANNOT_TEXT)))
        page.obj["/Annots"] = pdf.make_indirect(pikepdf.Array([annot]))
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("书签：联系人名单", 0))
        pdf.attachments["list.txt"] = pikepdf.AttachedFileSpec(pdf, f"名单 {PHONE}".encode())
        js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")))
        pdf.Root["/OpenAction"] = js
        pdf.save(path)


def build_image_pdf(path: Path, region: tuple[int, int, int, int], size: tuple[float, float] = (300.0, 375.0)) -> Path:
    """An image-only page of `size` points: a grey 'scan' (an 800×1000 px image over the whole
    page) with a dark block at pixel `region` (x0, y0, x1, y1, y down) and another block elsewhere."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (800, 1000), 225)
    draw = ImageDraw.Draw(img)
    draw.rectangle(region, fill=40)
    draw.rectangle((100, 700, 500, 760), fill=60)
    c = canvas.Canvas(str(path), pagesize=size)
    c.drawImage(ImageReader(img.convert("RGB")), 0, 0, width=size[0], height=size[1])
    c.showPage()
    c.save()
    return path


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
COMMENT = "此处电话先别公开"
INSERTED = "新增的未定稿内容"
DELETED = "已删除的敏感句子"
HIDDEN = "隐藏的拟任人选名单"
HEADER = f"页眉 {MARK}"
BODY_KEPT = "根据工作安排，现将有关事项通知如下。"


def build_redact_docx(path: Path) -> Path:
    """Body with the ID number split over two runs, the phone in a header and a footnote-free
    paragraph, a comment, a tracked insertion and deletion, hidden text, core and app properties."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = HEADER
    d.add_paragraph(BODY_KEPT)
    p = d.add_paragraph("联系人身份证号")
    p.add_run(ID_NUMBER[:6])
    p.add_run(ID_NUMBER[6:] + "，请核对。")
    p = d.add_paragraph(f"联系电话{PHONE}。")
    d.add_comment(p.runs, text=COMMENT, author="张三", initials="ZS")
    d.element.body.insert(len(d.element.body) - 1, parse_xml(
        f'<w:p xmlns:w="{W_NS}"><w:r><w:t>修订前。</w:t></w:r>'
        f'<w:ins w:id="101" w:author="审核人" w:date="2025-01-01T00:00:00Z"><w:r><w:t>{INSERTED}</w:t></w:r></w:ins>'
        f'<w:del w:id="102" w:author="审核人" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>{DELETED}</w:delText>'
        f'</w:r></w:del></w:p>'))
    p = d.add_paragraph("可见文字")
    p.add_run(HIDDEN).font.hidden = True
    d.add_paragraph(SECRET_LINE)
    d.core_properties.author = AUTHOR
    d.core_properties.last_modified_by = AUTHOR
    d.core_properties.title = f"关于{PHONE}的通知"
    d.save(str(path))
    return path


def add_zip_member(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(name, data)
    return path


def to_identity_h(path: Path) -> Path:
    """Turn each simple TrueType font of a reportlab PDF into a Type0 font with the Identity-H
    encoding and a CIDFontType2 descendant (what Word and WPS write): two-byte codes in the
    content, /W widths, a CIDToGIDMap stream and a two-byte ToUnicode map."""
    import pikepdf

    from app.redact.pdf_fonts import parse_tounicode, write_tounicode
    from app.redact.pdf_glyphs import _cmap_lookup, _tables

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.Font
            converted = set()
            for name in list(fonts.keys()):
                f = fonts[name]
                if f.get("/Subtype") != "/TrueType":
                    continue
                program = f.FontDescriptor.FontFile2
                lookup = _cmap_lookup(_tables(program.read_bytes())[b"cmap"])
                first = int(f.FirstChar)
                widths = [float(w) for w in f.Widths]
                gidmap = b"".join(lookup.get(c, 0).to_bytes(2, "big") for c in range(first + len(widths)))
                mapping, _ = parse_tounicode(f.ToUnicode.read_bytes())
                cid = pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=f.BaseFont,
                    CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                    FontDescriptor=f.FontDescriptor, DW=1000, W=pikepdf.Array([first, pikepdf.Array(widths)]),
                    CIDToGIDMap=pdf.make_stream(gidmap)))
                fonts[name] = pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=f.BaseFont,
                    Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=pikepdf.Array([cid]),
                    ToUnicode=pdf.make_stream(write_tounicode(mapping, 2))))
                converted.add(str(name))
            out, current = [], ""
            for inst in pikepdf.parse_content_stream(page):
                op, args = str(inst.operator), list(inst.operands)
                if op == "Tf":
                    current = str(args[0])
                if current in converted and op in ("Tj", "TJ", "'"):
                    def wide(s: object) -> object:
                        if isinstance(s, pikepdf.String):
                            return pikepdf.String(b"".join(b"\0" + bytes([c]) for c in bytes(s)))
                        return s
                    args = [pikepdf.Array([wide(x) for x in args[0]])] if op == "TJ" else [wide(args[0])]
                out.append(pikepdf.ContentStreamInstruction(args, inst.operator))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        pdf.save(path)
    return path


def to_gbk_euc(path: Path) -> Path:
    """Re-encode a reportlab STSong-Light PDF (UniGB-UCS2-H) with the GBK-EUC-H CMap: one byte
    for ASCII, two for Chinese — a predefined CMap of mixed code lengths the rewriter does not
    handle (the page is rasterised)."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            names = {str(n) for n, f in page.Resources.Font.items() if str(f.get("/Encoding")) == "/UniGB-UCS2-H"}
            for n in names:
                page.Resources.Font[n].Encoding = pikepdf.Name("/GBK-EUC-H")
            out, current = [], ""
            for inst in pikepdf.parse_content_stream(page):
                op, args = str(inst.operator), list(inst.operands)
                if op == "Tf":
                    current = str(args[0])
                if current in names and op == "Tj":
                    args = [pikepdf.String(bytes(args[0]).decode("utf-16-be").encode("gbk"))]
                out.append(pikepdf.ContentStreamInstruction(args, inst.operator))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        pdf.save(path)
    return path


def build_type3_pdf(path: Path, text: str = f"电话{PHONE}") -> Path:
    """One line in a Type3 font (each glyph a small filled square, a ToUnicode map for the text):
    the rewriter does not handle Type3, so a page with a box on it is rasterised."""
    import pikepdf

    chars = sorted(set(text))
    codes = {ch: i + 1 for i, ch in enumerate(chars)}
    pdf = pikepdf.new()
    procs = pikepdf.Dictionary()
    enc_diffs: list[object] = [1]
    for ch in chars:
        name = f"/g{codes[ch]}"
        procs[name] = pdf.make_stream(b"600 0 0 0 600 700 d1 50 0 500 700 re f")
        enc_diffs.append(pikepdf.Name(name))
    from app.redact.pdf_fonts import write_tounicode

    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3, FontBBox=[0, 0, 600, 700],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0], CharProcs=procs, FirstChar=1, LastChar=len(chars),
        Widths=[600] * len(chars), Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, Differences=enc_diffs),
        ToUnicode=pdf.make_stream(write_tounicode({codes[c]: c for c in chars}, 1))))
    data = bytes(codes[c] for c in text)
    content = b"BT /T3 14 Tf 72 300 Td (" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj ET"
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 400, 400],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(T3=font)),
                              Contents=pdf.make_stream(content))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path
