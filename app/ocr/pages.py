"""An `OcrPage` as page text: the lines joined with newlines (a soft-break segment, like a PDF
page's text layer) with one box per character, and the notices that say what OCR read."""

from __future__ import annotations

from dataclasses import dataclass

from app.model import Location, Notice, Part, Segment
from app.ocr.engine import LOW_CONFIDENCE, Box, OcrLine, OcrPage

OCR_LABEL = "文字识别（OCR）"
_SHOWN_LINES = 5


@dataclass(frozen=True, slots=True)
class PageText:
    page: int                                  # 1-based
    text: str
    boxes: tuple[Box, ...]                     # one per character of `text`, page units
    confidence: float | None                   # mean over the page's used lines
    low: tuple[OcrLine, ...]                   # used lines below LOW_CONFIDENCE
    dropped: int                               # lines judged to be noise

    def segment(self) -> Segment:
        return Segment(self.text, Location(Part.PAGE, page=self.page, label=OCR_LABEL),
                       soft_breaks=True, boxes=self.boxes)


def page_text(page: int, ocr: OcrPage, scale: float = 1.0) -> PageText:
    """`scale`: image pixels per page unit (200 dpi rendering of a PDF: 200/72)."""
    texts: list[str] = []
    boxes: list[Box] = []
    previous: OcrLine | None = None
    for line in ocr.lines:
        if previous is not None:  # pieces of one row (秘密 | ★5年) join with a space, rows with a newline
            texts.append(" " if _same_row(previous.box, line.box) else "\n")
            right = boxes[-1][2]
            boxes.append((right, boxes[-1][1], right, boxes[-1][3]))
        texts.append(line.text)
        boxes.extend(_scaled(b, scale) for b in _char_boxes(line))
        previous = line
    return PageText(page, "".join(texts), tuple(boxes), ocr.mean_confidence, ocr.low_confidence,
                    len(ocr.dropped))


def _same_row(a: Box, b: Box) -> bool:
    """`b` continues `a`'s row: they overlap vertically by more than half the lower one's height
    and `b` lies to the right of `a` (detected boxes are padded: they may overlap a little)."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and b[0] > (a[0] + a[2]) / 2 and b[2] > a[2]


def _scaled(box: Box, scale: float) -> Box:
    return (box[0] / scale, box[1] / scale, box[2] / scale, box[3] / scale)


def _char_boxes(line: OcrLine) -> list[Box]:
    """One box per character of `line.text`: the engine's character boxes when they match the
    text, else the line's box cut into equal parts."""
    text = line.text
    solid = [ch for ch in text if not ch.isspace()]
    if line.chars and "".join(c.text for c in line.chars) == "".join(solid):
        per_char: list[Box] = []
        for item in line.chars:
            n = len(item.text)
            x0, y0, x1, y1 = item.box
            per_char.extend((x0 + (x1 - x0) * k / n, y0, x0 + (x1 - x0) * (k + 1) / n, y1) for k in range(n))
        out: list[Box] = []
        it = iter(per_char)
        for ch in text:
            if ch.isspace():
                right = out[-1][2] if out else line.box[0]
                out.append((right, line.box[1], right, line.box[3]))
            else:
                out.append(next(it))
        return out
    x0, y0, x1, y1 = line.box
    n = max(1, len(text))
    return [(x0 + (x1 - x0) * k / n, y0, x0 + (x1 - x0) * (k + 1) / n, y1) for k in range(len(text))]


# --- notices ----------------------------------------------------------------------------------

def read_notice(pages: list[PageText], what: str = "没有文字层（扫描件）") -> Notice:
    """Which pages were read by OCR and how sure it was. Code `no_text_layer` (as for pages not
    read at all): the page still has no text layer, and its text is only as good as the OCR."""
    from app.readers.pdf import page_list

    numbers = [p.page for p in pages]
    empty = [p.page for p in pages if not p.text]
    read = [p for p in pages if p.text]
    if len(read) <= 8:
        conf = "、".join(f"第{p.page}页 {_pct(p.confidence)}" for p in read)
    else:
        worst = min(read, key=lambda p: p.confidence or 0.0)
        mean = sum((p.confidence or 0.0) for p in read) / len(read)
        conf = f"平均 {_pct(mean)}，最低为第{worst.page}页 {_pct(worst.confidence)}"
    parts = [f"{page_list(numbers)}{what}，已用{OCR_LABEL}读取后审查"]
    if conf:
        parts.append(f"识别置信度：{conf}")
    if empty:
        parts.append(f"{page_list(empty)}未识别出文字")
    return Notice(code="no_text_layer", page=numbers[0], pages=tuple(numbers),
                  message="；".join(parts) + "。识别可能遗漏或认错文字，请对照原件人工核对。")


def low_confidence_notice(pages: list[PageText]) -> Notice | None:
    """Lines OCR was unsure of, and lines it dropped as noise: a finding could hide in either."""
    low = [(p.page, line) for p in pages for line in p.low]
    dropped = [(p.page, p.dropped) for p in pages if p.dropped]
    if not low and not dropped:
        return None
    bits: list[str] = []
    if low:
        shown = "；".join(f"第{page}页“{_short(line.text)}”（{_pct(line.confidence)}）"
                         for page, line in low[:_SHOWN_LINES])
        more = f"等 {len(low)} 行" if len(low) > _SHOWN_LINES else ""
        bits.append(f"文字识别置信度低于 {_pct(LOW_CONFIDENCE)} 的行（可能认错字）：{shown}{more}")
    if dropped:
        where = "、".join(f"第{page}页 {n} 处" for page, n in dropped[:_SHOWN_LINES])
        more = "等" if len(dropped) > _SHOWN_LINES else ""
        bits.append(f"疑似文字但识别置信度过低或像表格线、网格而未采用的区域：{where}{more}")
    pages_hit = sorted({page for page, _ in low} | {page for page, _ in dropped})
    return Notice(code="ocr_low_confidence", page=pages_hit[0], pages=tuple(pages_hit),
                  message="；".join(bits) + "。这些位置可能有未能审查的内容，请对照原件人工核对。")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def box_runs(boxes: tuple[Box, ...] | list[Box]) -> list[Box]:
    """Character boxes merged into one rectangle per line (a new line starts where a box lies
    below the previous one or to its left), for highlighting a finding on the page image."""
    out: list[Box] = []
    for box in boxes:
        if box[2] <= box[0]:           # the zero-width box of a space or a line break
            continue
        if out:
            last = out[-1]
            same_line = box[0] >= last[0] - 1 and box[1] < last[3] and box[3] > last[1]
            if same_line:
                out[-1] = (min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]), max(last[3], box[3]))
                continue
        out.append(box)
    return out
