"""The partial-disclosure copy of a PDF (pikepdf): glyphs under the boxes removed from the content
streams, images under the boxes painted, black boxes drawn, unused codes scrubbed from the fonts'
ToUnicode maps, document information, XMP, outline, annotations, attachments and JavaScript removed.
A page the rewriter cannot handle (see app.redact.pdf_fonts) is rasterised at 200 dpi with the
boxes painted, and the result says so."""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.redact.model import Action, Box, RedactError
from app.redact.pdf_content import Matrix, walk_page
from app.redact.pdf_fonts import FontInfo

RASTER_DPI = 200
MAX_RASTER_SIDE = 8000     # pixels: a huge page is rasterised at a lower resolution


@dataclass
class PdfPlan:
    boxes: dict[int, list[Box]]                    # 1-based page -> redaction boxes
    raster: dict[int, str] = field(default_factory=dict)   # page -> why it must be rasterised


def _box_ops(boxes: list[Box]) -> bytes:
    ops = ["q", "0 0 0 rg"]
    for b in boxes:
        ops.append(f"{b.left:.3f} {b.bottom:.3f} {b.right - b.left:.3f} {b.top - b.bottom:.3f} re f")
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode("ascii")


def _set_content(pdf: Any, page: Any, body: bytes, boxes: list[Box]) -> None:
    data = b"q\n" + body + b"\nQ\n" + (_box_ops(boxes) if boxes else b"")
    page.obj["/Contents"] = pdf.make_stream(data)


def _own_xobjects(pdf: Any, page: Any) -> Any:
    """The page's own copy of its /Resources and /XObject dictionaries (others may share them)."""
    import pikepdf

    res = pikepdf.Dictionary({k: v for k, v in page.resources.items()})
    xo = res.get("/XObject")
    res["/XObject"] = pikepdf.Dictionary({k: v for k, v in xo.items()}) if xo is not None else pikepdf.Dictionary()
    page.obj["/Resources"] = pdf.make_indirect(res)
    return page.obj["/Resources"]["/XObject"]


def _paint_images(pdf: Any, page: Any, images: list[tuple[str, Matrix]], boxes: list[Box]) -> int:
    from app.redact.pdf_images import painted_image

    by_name: dict[str, list[Matrix]] = {}
    for name, ctm in images:
        by_name.setdefault(name, []).append(ctm)
    xobjects = _own_xobjects(pdf, page)
    painted = 0
    for name, placements in by_name.items():
        stream, n = painted_image(pdf, xobjects[name], placements, boxes)
        if n:
            xobjects[name] = stream
            painted += n
    return painted


def _walk(pdf: Any, page: Any, index: int, boxes: list[Box], cache: dict[tuple[int, int], FontInfo],
          source: Any) -> Any:
    """Walk (and rewrite) one page; UCS-2 CID fonts get their widths from pdfium meanwhile."""
    if not boxes or source is None:
        return walk_page(page, boxes, cache, rewrite=True)
    from app.readers.pdf import PDFIUM_LOCK
    from app.redact.pdf_widths import ucs2_fonts

    with PDFIUM_LOCK:
        pdfium_page = source[index]
        added: list[tuple[int, int]] = []
        try:
            added = ucs2_fonts(page, pdfium_page, cache)
            return walk_page(page, boxes, cache, rewrite=True)
        finally:
            for key in added:       # the widths come from this pdfium page: not valid after it
                cache.pop(key, None)
            pdfium_page.close()


def _rewrite(pdf: Any, plan: PdfPlan, actions: list[Action], source: Any = None) -> None:
    import pikepdf

    from app.redact.pdf_images import ImageUnsupported

    cache: dict[tuple[int, int], FontInfo] = {}
    for index, page in enumerate(pdf.pages):
        number = index + 1
        boxes = plan.boxes.get(number, [])
        if number in plan.raster:
            page.contents_coalesce()
            _set_content(pdf, page, page.obj.Contents.read_bytes() if "/Contents" in page.obj else b"", boxes)
            continue
        walk = _walk(pdf, page, index, boxes, cache, source)
        if walk.unsupported:
            plan.raster[number] = "；".join(dict.fromkeys(walk.unsupported))
            page.contents_coalesce()
            _set_content(pdf, page, page.obj.Contents.read_bytes() if "/Contents" in page.obj else b"", boxes)
            continue
        if walk.images:
            try:
                painted = _paint_images(pdf, page, walk.images, boxes)
            except ImageUnsupported as exc:
                plan.raster[number] = str(exc)
                page.contents_coalesce()
                _set_content(pdf, page, page.obj.Contents.read_bytes() if "/Contents" in page.obj else b"", boxes)
                continue
            if painted:
                actions.append(Action("image_painted", f"第 {number} 页：图像中的 {painted} 处遮盖区域已涂黑（像素已替换）",
                                      page=number, count=painted))
        _set_content(pdf, page, pikepdf.unparse_content_stream(walk.instructions), boxes)
        if walk.removed:
            actions.append(Action("text_removed", f"第 {number} 页：已从内容流中删除 {walk.removed} 个字符，"
                                                  f"并画出 {len(boxes)} 个遮盖框", page=number, count=walk.removed))
        elif boxes:
            actions.append(Action("box_drawn", f"第 {number} 页：画出 {len(boxes)} 个遮盖框", page=number,
                                  count=len(boxes)))


def _rasterise(pdf: Any, plan: PdfPlan, actions: list[Action]) -> None:
    """Replace each page in `plan.raster` by an image of itself (boxes already in its content)."""
    import pikepdf
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK

    if not plan.raster:
        return
    rotations = {}
    for number in plan.raster:
        page = pdf.pages[number - 1]
        rotations[number] = page.obj.get("/Rotate")
        if "/Rotate" in page.obj:
            del page.obj["/Rotate"]
    buf = io.BytesIO()
    pdf.save(buf)
    images = {}
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(buf.getvalue())
        try:
            for number in plan.raster:
                page = doc[number - 1]
                try:
                    width, height = page.get_size()
                    scale = min(RASTER_DPI / 72.0, MAX_RASTER_SIDE / max(width, height, 1.0))
                    images[number] = page.render(scale=scale, draw_annots=False).to_pil().convert("RGB")
                except pdfium.PdfiumError as exc:
                    raise RedactError(f"第 {number} 页无法转为图像（{exc}），未生成副本。", code="corrupt") from exc
                finally:
                    page.close()
        finally:
            doc.close()
    for number, why in sorted(plan.raster.items()):
        page = pdf.pages[number - 1]
        img = images[number]
        if rotations[number] is not None:
            page.obj["/Rotate"] = rotations[number]
        crop = page.obj.get("/CropBox") or page.mediabox
        x0, y0, x1, y1 = (float(v) for v in crop)
        x0, x1 = min(x0, x1), max(x0, x1)
        y0, y1 = min(y0, y1), max(y0, y1)
        stream = pdf.make_stream(zlib.compress(img.tobytes(), 6))
        for key, value in (("/Type", pikepdf.Name.XObject), ("/Subtype", pikepdf.Name.Image),
                           ("/Width", img.width), ("/Height", img.height), ("/ColorSpace", pikepdf.Name.DeviceRGB),
                           ("/BitsPerComponent", 8), ("/Filter", pikepdf.Name.FlateDecode)):
            stream[key] = value
        page.obj["/Resources"] = pikepdf.Dictionary({"/XObject": pikepdf.Dictionary({"/MiShenPage": stream})})
        page.obj["/Contents"] = pdf.make_stream(
            f"q {x1 - x0:.3f} 0 0 {y1 - y0:.3f} {x0:.3f} {y0:.3f} cm /MiShenPage Do Q\n".encode("ascii"))
        actions.append(Action("page_rasterised", f"第 {number} 页已转为 {RASTER_DPI} dpi 图像（遮盖区域已涂黑；"
                                                 f"原因：{why}）；该页不再有可选中的文字", page=number))


def _scrub_tounicode(pdf: Any, actions: list[Action]) -> None:
    """Every handled font's ToUnicode map keeps only the codes the document still shows."""
    from app.redact.pdf_fonts import parse_tounicode, write_tounicode
    from app.redact.pdf_glyphs import blank_unused_glyphs

    cache: dict[tuple[int, int], FontInfo] = {}
    kept: dict[tuple[int, int], set[int]] = {}
    fonts: dict[tuple[int, int], Any] = {}
    for page in pdf.pages:
        walk = walk_page(page, [], cache, rewrite=False)
        for key, codes in walk.kept_codes.items():
            kept.setdefault(key, set()).update(codes)
        fonts.update(walk.fonts)
    dropped = 0
    glyphs = 0
    for key, font in fonts.items():
        codes = kept.get(key, set())
        tu = font.get("/ToUnicode")
        if tu is not None and hasattr(tu, "read_bytes"):
            mapping, width = parse_tounicode(tu.read_bytes())
            keep = {c: t for c, t in mapping.items() if c in codes}
            dropped += len(mapping) - len(keep)
            font["/ToUnicode"] = pdf.make_stream(write_tounicode(keep, 2 if cache[key].two_byte else width))
        glyphs += blank_unused_glyphs(pdf, font, cache[key], codes)
    if dropped:
        actions.append(Action("tounicode_scrubbed", f"已从字体的 ToUnicode 映射中删除 {dropped} 个不再使用的字符",
                              count=dropped))
    if glyphs:
        actions.append(Action("glyphs_scrubbed", f"已从嵌入字体中清除 {glyphs} 个不再使用的字形", count=glyphs))


def build_pdf_copy(source: Path, plan: PdfPlan, out: Path) -> list[Action]:
    """Write the redacted copy of `source` to `out` (no gates: see app.redact.service)."""
    import pikepdf

    from app.redact.pdf_clean import clean_pdf

    actions: list[Action] = []
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError:
        raise RedactError("PDF 文件受密码保护，无法制作区分处理副本。请取得未加密的版本。", code="encrypted") from None
    except pikepdf.PdfError as exc:
        raise RedactError(f"PDF 文件已损坏，无法制作副本（{exc}）。", code="corrupt") from exc
    import pypdfium2 as pdfium

    from app.readers.pdf import PDFIUM_LOCK

    with PDFIUM_LOCK:
        source_doc = pdfium.PdfDocument(str(source))
    with pdf:
        try:
            _rewrite(pdf, plan, actions, source_doc)
        finally:
            with PDFIUM_LOCK:
                source_doc.close()
        _rasterise(pdf, plan, actions)
        actions.extend(clean_pdf(pdf))
        _scrub_tounicode(pdf, actions)
        pdf.remove_unreferenced_resources()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 fix_metadata_version=False)
    return actions
