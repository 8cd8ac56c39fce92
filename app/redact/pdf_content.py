"""Walk a PDF content stream with its graphics and text state, and drop every glyph whose box
meets a redaction box: the text-showing operator is rewritten as a TJ array in which each dropped
glyph becomes the displacement it had, so the text that stays does not move.

The walk also records the codes each font still shows (for scrubbing its ToUnicode map), the image
XObjects placed under a box (to be painted) and anything it cannot rewrite safely (a font it does
not understand, an inline image or a form XObject under a box), which makes the caller rasterise
the page instead."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.redact.model import Box
from app.redact.pdf_fonts import FontInfo, font_info

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
GLYPH_SHRINK = 0.15      # a glyph counts as under a box when its box shrunk by this much meets it
_MAX_FORM_DEPTH = 12


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n (PDF row-vector convention: apply m first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def bbox(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Box:
    xs, ys = [], []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    return Box(min(xs), min(ys), max(xs), max(ys))


def _f(value: Any) -> float:
    return float(value)


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    font_name: str = ""
    font: Any = None
    info: FontInfo | None = None
    size: float = 0.0
    tc: float = 0.0
    tw: float = 0.0
    th: float = 1.0
    tl: float = 0.0
    rise: float = 0.0


@dataclass
class Walk:
    """What one walk found and did."""

    instructions: list[Any] = field(default_factory=list)
    removed: int = 0
    kept_codes: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    fonts: dict[tuple[int, int], Any] = field(default_factory=dict)
    images: list[tuple[str, Matrix]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


class _Walker:
    def __init__(self, boxes: list[Box], walk: Walk, cache: dict[tuple[int, int], FontInfo]) -> None:
        self.boxes = boxes
        self.walk = walk
        self.cache = cache

    def _info(self, font: Any) -> FontInfo:
        key = font.objgen if font.is_indirect else (0, id(font))
        if key not in self.cache:
            self.cache[key] = font_info(font)
        return self.cache[key]

    def _hit(self, box: Box) -> bool:
        return any(box.intersects(b) for b in self.boxes)

    def run(self, instructions: list[Any], resources: Any, ctm: Matrix, depth: int, rewrite: bool,
            seen: set[tuple[int, int]]) -> list[Any]:
        import pikepdf

        out: list[Any] = []
        st = _State(ctm=ctm)
        stack: list[_State] = []
        tm = tlm = IDENTITY
        fonts = resources.get("/Font") if resources is not None else None
        for inst in instructions:
            if isinstance(inst, pikepdf.ContentStreamInlineImage):
                if self.boxes and self._hit(bbox(st.ctm, 0, 0, 1, 1)):
                    self.walk.unsupported.append("内嵌图像（inline image）位于遮盖区域内")
                out.append(inst)
                continue
            op = str(inst.operator)
            args = list(inst.operands)
            new: list[Any] | None = None
            if op == "q":
                stack.append(replace(st))
            elif op == "Q":
                if stack:
                    st = stack.pop()
            elif op == "cm" and len(args) == 6:
                st.ctm = mul(tuple(_f(a) for a in args), st.ctm)  # type: ignore[arg-type]
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf" and len(args) == 2:
                st.font_name = str(args[0])
                st.size = _f(args[1])
                st.font = fonts.get(st.font_name) if fonts is not None else None
                st.info = self._info(st.font) if st.font is not None else FontInfo(False, f"找不到字体 {st.font_name}")
                if st.font is not None and st.info.supported and st.font.is_indirect:
                    self.walk.fonts.setdefault(st.font.objgen, st.font)
            elif op == "Tc" and args:
                st.tc = _f(args[0])
            elif op == "Tw" and args:
                st.tw = _f(args[0])
            elif op == "Tz" and args:
                st.th = _f(args[0]) / 100.0
            elif op == "TL" and args:
                st.tl = _f(args[0])
            elif op == "Ts" and args:
                st.rise = _f(args[0])
            elif op == "Td" and len(args) == 2:
                tlm = mul((1, 0, 0, 1, _f(args[0]), _f(args[1])), tlm)
                tm = tlm
            elif op == "TD" and len(args) == 2:
                st.tl = -_f(args[1])
                tlm = mul((1, 0, 0, 1, _f(args[0]), _f(args[1])), tlm)
                tm = tlm
            elif op == "Tm" and len(args) == 6:
                tlm = tm = tuple(_f(a) for a in args)  # type: ignore[assignment]
            elif op == "T*":
                tlm = mul((1, 0, 0, 1, 0, -st.tl), tlm)
                tm = tlm
            elif op in ("Tj", "'", '"', "TJ"):
                if op == '"' and len(args) == 3:
                    st.tw, st.tc = _f(args[0]), _f(args[1])
                    args = args[2:]
                if op in ("'", '"'):
                    tlm = mul((1, 0, 0, 1, 0, -st.tl), tlm)
                    tm = tlm
                items = list(args[0]) if op == "TJ" and args else args[:1]
                tm, new_items, removed = self._show(st, tm, items, rewrite)
                if removed:
                    self.walk.removed += removed
                    prefix: list[Any] = []
                    if op == '"':
                        prefix = [pikepdf.ContentStreamInstruction([st.tw], pikepdf.Operator("Tw")),
                                  pikepdf.ContentStreamInstruction([st.tc], pikepdf.Operator("Tc"))]
                    if op in ("'", '"'):
                        prefix.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
                    new = [*prefix, pikepdf.ContentStreamInstruction([pikepdf.Array(new_items)], pikepdf.Operator("TJ"))]
            elif op == "Do" and args:
                self._do(str(args[0]), resources, st.ctm, depth, seen)
            elif op == "gs" and args and resources is not None:
                ext = (resources.get("/ExtGState") or {}).get(str(args[0])) if resources.get("/ExtGState") is not None else None
                if ext is not None and ext.get("/Font") is not None and self.boxes:
                    self.walk.unsupported.append("图形状态中设定的字体")
            elif op == "BDC" and len(args) == 2 and isinstance(args[1], pikepdf.Dictionary) and rewrite:
                # inline property lists carry /ActualText, /Alt, /E: the text a reader extracts instead
                new = [pikepdf.ContentStreamInstruction([args[0]], pikepdf.Operator("BMC"))]
            if new is None:
                out.append(inst)
            else:
                out.extend(new)
        return out

    def _show(self, st: _State, tm: Matrix, items: list[Any], rewrite: bool) -> tuple[Matrix, list[Any], int]:
        import pikepdf

        info = st.info
        if info is None or not info.supported:
            if self.boxes:
                reason = info.reason if info is not None else "文字未设定字体"
                self.walk.unsupported.append(reason)
            return tm, items, 0
        key = st.font.objgen if st.font is not None and st.font.is_indirect else None
        kept = self.walk.kept_codes.setdefault(key, set()) if key is not None else set()
        out: list[Any] = []
        removed = 0
        size, th = st.size, st.th
        tc_ctm = mul(tm, st.ctm)          # fixed while the string is shown; glyphs advance along x
        y0, y1 = st.rise + info.descent * size, st.rise + info.ascent * size
        test = bool(self.boxes) and rewrite and self._line_hit(st, info, tc_ctm, items, y0, y1)
        x = 0.0
        for item in items:
            if not isinstance(item, (pikepdf.String, bytes)):
                x -= _f(item) / 1000.0 * size * th
                out.append(item)
                continue
            run: list[int] = []
            for code in info.codes(bytes(item)):
                w0 = info.width(code) / 1000.0
                space = st.tw if (not info.two_byte and code == 32) else 0.0
                advance = (w0 * size + st.tc + space) * th
                drop = False
                if test:
                    gbox = bbox(tc_ctm, x, y0, x + max(w0, 0.05) * size * th, y1).shrunk(GLYPH_SHRINK)
                    drop = self._hit(gbox)
                if drop:
                    if run:
                        out.append(pikepdf.String(info.encode(run)))
                        run = []
                    if size:
                        out.append(-advance / th / size * 1000.0 if th else 0)
                    removed += 1
                else:
                    run.append(code)
                    kept.add(code)
                x += advance
            if run:
                out.append(pikepdf.String(info.encode(run)))
        tm = mul((1, 0, 0, 1, x, 0), tm)
        if removed and not size:
            self.walk.unsupported.append("字号为 0 的文字")
        return tm, out, removed

    def _line_hit(self, st: _State, info: FontInfo, tc_ctm: Matrix, items: list[Any], y0: float,
                  y1: float) -> bool:
        """Whether the whole shown string (an upper bound of its glyphs) meets any box."""
        import pikepdf

        lo = hi = x = 0.0
        for item in items:
            if isinstance(item, (pikepdf.String, bytes)):
                for code in info.codes(bytes(item)):
                    w0 = info.width(code) / 1000.0
                    space = st.tw if (not info.two_byte and code == 32) else 0.0
                    hi = max(hi, x + max(w0, 0.05) * st.size * st.th)
                    x += (w0 * st.size + st.tc + space) * st.th
                    lo, hi = min(lo, x), max(hi, x)
            else:
                x -= _f(item) / 1000.0 * st.size * st.th
                lo, hi = min(lo, x), max(hi, x)
        return self._hit(bbox(tc_ctm, lo, y0, hi, y1))

    def _do(self, name: str, resources: Any, ctm: Matrix, depth: int, seen: set[tuple[int, int]]) -> None:
        import pikepdf

        xobjects = resources.get("/XObject") if resources is not None else None
        xobj = xobjects.get(name) if xobjects is not None else None
        if xobj is None:
            return
        subtype = str(xobj.get("/Subtype", ""))
        if subtype == "/Image":
            if self.boxes and self._hit(bbox(ctm, 0, 0, 1, 1)):
                if xobj.get("/ImageMask"):
                    self.walk.unsupported.append("遮罩图像位于遮盖区域内")
                else:
                    self.walk.images.append((name, ctm))
            return
        if subtype != "/Form" or depth >= _MAX_FORM_DEPTH:
            return
        key = xobj.objgen
        matrix = tuple(_f(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        placed = mul(matrix, ctm)  # type: ignore[arg-type]
        bb = [_f(v) for v in xobj.get("/BBox", [0, 0, 0, 0])]
        under_box = bool(self.boxes) and len(bb) == 4 and self._hit(bbox(placed, *bb))
        if under_box:
            self.walk.unsupported.append("表单对象（Form XObject）位于遮盖区域内")
        if key in seen:
            return
        seen.add(key)
        try:
            inner = pikepdf.parse_content_stream(xobj)
        except pikepdf.PdfError:
            if under_box:
                self.walk.unsupported.append("无法解析的表单对象")
            return
        sub = _Walker([], self.walk, self.cache)   # collect the codes it shows; never rewrite it
        sub.run(list(inner), xobj.get("/Resources") or resources, placed, depth + 1, False, seen)
        seen.discard(key)


def walk_page(page: Any, boxes: list[Box], cache: dict[tuple[int, int], FontInfo], *, rewrite: bool) -> Walk:
    """Walk one page's content; with `rewrite`, `Walk.instructions` is the rewritten stream."""
    import pikepdf

    walk = Walk()
    instructions = list(pikepdf.parse_content_stream(page))
    walker = _Walker(boxes, walk, cache)
    walk.instructions = walker.run(instructions, page.resources, IDENTITY, 0, rewrite, set())
    return walk
