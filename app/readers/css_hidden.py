"""Inline styles that hide an element's text from the reader of a page while search engines and
anyone who saves the page still get it — how spam is planted in a hacked government page:
`display:none`, `visibility:hidden`, zero font size, zero opacity, an element pushed far off the
page (`left:-9999px`, `text-indent:-9999px`, `margin-left:-5000px`), a zero-height or zero-width
box that clips its overflow, `clip:rect(0 0 0 0)`. Only the element's own `style` attribute is
read (no style sheets)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Offsets at least this far off the page (CSS px; 1pt = 4/3 px, 1em/rem taken as 16 px) hide text.
OFF_PAGE_PX = 500.0
_OFFSETS = ("left", "top", "right", "margin-left", "margin-top", "text-indent")
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(px|pt|em|rem|%|vw|vh|cm|mm|in)?\s*(?:!important)?\s*$", re.I)
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "cm": 96 / 2.54, "mm": 96 / 25.4,
            "in": 96.0, "vw": 13.66, "vh": 7.68}
_ZERO_RECT = re.compile(r"^rect\(\s*(0|1)(px)?\s*,?\s*(0|1)(px)?\s*,?\s*(0|1)(px)?\s*,?\s*(0|1)(px)?\s*\)", re.I)


def declarations(style: str) -> dict[str, str]:
    """`style` as {property: value}, lower-cased, the last declaration of a property winning."""
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip().lower()
    return out


def _px(value: str) -> float | None:
    m = _LENGTH.match(value)
    if m is None:
        return None
    unit = (m.group(2) or "").lower() or None
    if unit == "%":
        return float(m.group(1)) * 10.0            # of a ~1000 px box: -100% is off the page
    return float(m.group(1)) * _UNIT_PX[unit]


@dataclass(frozen=True, slots=True)
class Hidden:
    """Why an element's text is hidden, as its children inherit it: `hard` (display:none, zero
    opacity, pushed off the page, clipped away — nothing inside can undo it), `font` (a zero font
    size: a child that sets its own font size is visible again — the common `font-size:0` on a
    menu of inline blocks), `visibility` (visibility:hidden: a child with visibility:visible is)."""

    hard: bool = False
    font: bool = False
    visibility: bool = False

    @property
    def hidden(self) -> bool:
        return self.hard or self.font or self.visibility

    def child(self, style: str, *, hard: bool = False) -> Hidden:
        """The state of an element with inline `style` inside this one; `hard`: hidden anyway
        (the `hidden` attribute, `<input type=hidden>`)."""
        if not style or ":" not in style:
            return self if not hard or self.hard else Hidden(True, self.font, self.visibility)
        d = declarations(style)
        font = self.font
        if "font-size" in d:
            value = d["font-size"].split("!")[0].strip()
            size = _px(value)
            if (value.endswith(("em", "%")) and not value.endswith("rem")) or value in ("larger", "smaller"):
                font = self.font if size is None or size > 0.5 else True   # relative to a zero size is zero
            elif size is not None:
                font = size <= 0.5
            elif value not in ("inherit", "unset", ""):
                font = False        # a keyword (small, medium…) or calc(): a size one can read
        visibility = self.visibility
        if "visibility" in d:
            visibility = d["visibility"].startswith(("hidden", "collapse"))
        return Hidden(self.hard or hard or _hard(d), font, visibility)


VISIBLE = Hidden()


def hides(style: str) -> bool:
    """Whether an inline `style` hides the element's text (taken alone)."""
    return VISIBLE.child(style).hidden


def _hard(d: dict[str, str]) -> bool:
    """Hiding that no descendant can undo."""
    if d.get("display", "").startswith("none"):
        return True
    try:
        if float(d.get("opacity", "1").replace("!important", "")) <= 0.05:
            return True
    except ValueError:
        pass
    for prop in _OFFSETS:
        offset = _px(d.get(prop, "x"))
        if offset is not None and offset <= -OFF_PAGE_PX:
            return True
    clipped = d.get("overflow", "").startswith(("hidden", "clip")) or \
        d.get("overflow-y", "").startswith("hidden") or d.get("overflow-x", "").startswith("hidden")
    if clipped:
        for prop in ("height", "max-height", "width", "max-width"):
            length = _px(d.get(prop, "x"))
            if length is not None and length <= 1.0:
                return True
    return bool(_ZERO_RECT.match(d.get("clip", ""))) and d.get("position", "") in ("absolute", "fixed")
