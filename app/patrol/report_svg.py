"""Inline SVG charts for the patrol report, drawn in Python (no script, no external asset): a
horizontal bar chart and a trend line chart. Every text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Zen Hei',sans-serif"
PALETTE = ("#3367d6", "#e8710a", "#0b8043", "#8e24aa", "#c2185b", "#00838f", "#6d4c41", "#5e35b1",
           "#7cb342", "#f4511e")
SEVERITY_COLOURS = {"block": "#b71c1c", "high": "#e65100", "medium": "#f9a825", "low": "#1e88e5"}


def _text_units(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, units: int) -> str:
    out, used = "", 0
    for ch in text:
        w = _text_units(ch)
        if used + w > units:
            return out + "…"
        out += ch
        used += w
    return out


def bar_chart(title: str, rows: Sequence[tuple[str, int, str]], *, width: int = 460, label_units: int = 18,
              empty: str = "无") -> str:
    """Horizontal bars: (label, value, colour) per row, in the order given."""
    bar_h, gap, top = 20, 8, 30
    label_w = label_units * 7 + 10
    biggest = max((v for _, v, _ in rows), default=0)
    height = top + (max(1, len(rows)) if biggest else 1) * (bar_h + gap) + 10
    span = width - label_w - 60
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{escape(FONT)}" font-size="13">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="18" font-size="15" font-weight="bold" fill="#222">{escape(title)}</text>']
    if not rows or biggest == 0:
        parts.append(f'<text x="{label_w}" y="{top + 15}" fill="#666">{escape(empty)}</text>')
        rows = ()
    for n, (label, value, colour) in enumerate(rows):
        y = top + n * (bar_h + gap)
        w = 0 if biggest == 0 else max(2, round(span * value / biggest)) if value else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="#333">'
                     f'{escape(_clip(label, label_units))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="3" fill="{escape(colour)}">'
                     f'<title>{escape(label)}：{value}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 15}" fill="#222">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int], str]], *,
                width: int = 940, height: int = 240) -> str:
    """Lines over runs (oldest left): `series` is (name, values, colour); the last point is this run."""
    left, right, top, bottom = 50, 20, 40, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(labels)
    biggest = max((v for _, values, _ in series for v in values), default=0) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{escape(FONT)}" font-size="12">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="18" font-size="15" font-weight="bold" fill="#222">{escape(title)}</text>']
    for k in range(5):  # grid and scale
        value = round(biggest * k / 4)
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{value}</text>')

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n <= 1 else plot_w * i / (n - 1))

    step = max(1, n // 10)
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            parts.append(f'<text x="{x_at(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="#444">'
                         f'{escape(label)}</text>')
    for s, (name, values, colour) in enumerate(series):
        pts = [(x_at(i), top + plot_h - plot_h * v / biggest) for i, v in enumerate(values)]
        if len(pts) > 1:
            parts.append(f'<polyline fill="none" stroke="{escape(colour)}" stroke-width="2.5" points="'
                         + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        for (x, y), v in zip(pts, values, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{escape(colour)}">'
                         f'<title>{escape(name)}：{v}</title></circle>')
        lx = left + s * 150
        parts.append(f'<rect x="{lx}" y="{height - 18}" width="14" height="10" fill="{escape(colour)}"/>')
        parts.append(f'<text x="{lx + 20}" y="{height - 9}" fill="#333">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
