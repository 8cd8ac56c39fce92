"""Blank the outlines of glyphs a redacted copy no longer shows in an embedded TrueType font
(FontFile2), so the shapes of withheld characters cannot be recovered from the font program.

Handled: simple TrueType fonts (codes mapped to glyphs by the font's (1,0) or (3,0) cmap, formats
0, 4 and 6) and CIDFontType2 fonts with an Identity or stream CIDToGIDMap. The glyph data of every
other glyph is kept (with the components of composite glyphs), `loca` is rewritten in the long
format, and a `post` table with glyph names becomes format 3 (no names). Fonts this does not
understand are left as they are (their ToUnicode map is still scrubbed)."""

from __future__ import annotations

import struct
from typing import Any

from app.redact.pdf_fonts import FontInfo


class _Bad(Exception):
    pass


def _tables(data: bytes) -> dict[bytes, bytes]:
    if len(data) < 12:
        raise _Bad
    n = struct.unpack(">H", data[4:6])[0]
    out = {}
    for i in range(n):
        rec = data[12 + 16 * i:28 + 16 * i]
        if len(rec) < 16:
            raise _Bad
        tag, _cs, off, length = struct.unpack(">4sIII", rec)
        if off + length > len(data):
            raise _Bad
        out[tag] = data[off:off + length]
    return out


def _cmap_lookup(cmap: bytes) -> dict[int, int]:
    """Code -> glyph from the first usable (1,0) or (3,0) subtable."""
    count = struct.unpack(">H", cmap[2:4])[0]
    subs = {}
    for i in range(count):
        pid, eid, off = struct.unpack(">HHI", cmap[4 + 8 * i:12 + 8 * i])
        subs[(pid, eid)] = off
    for key in ((3, 0), (1, 0)):
        if key in subs:
            mapping = _subtable(cmap[subs[key]:])
            if key == (3, 0):   # symbolic fonts map code c at 0xF000 + c
                mapping = {c & 0xFF if c >= 0xF000 else c: g for c, g in mapping.items()}
            return mapping
    raise _Bad


def _subtable(t: bytes) -> dict[int, int]:
    fmt = struct.unpack(">H", t[:2])[0]
    if fmt == 0:
        return {c: t[6 + c] for c in range(256)}
    if fmt == 6:
        first, n = struct.unpack(">HH", t[6:10])
        return {first + i: struct.unpack(">H", t[10 + 2 * i:12 + 2 * i])[0] for i in range(n)}
    if fmt == 4:
        seg = struct.unpack(">H", t[6:8])[0] // 2
        ends = struct.unpack(f">{seg}H", t[14:14 + 2 * seg])
        base = 16 + 2 * seg
        starts = struct.unpack(f">{seg}H", t[base:base + 2 * seg])
        deltas = struct.unpack(f">{seg}h", t[base + 2 * seg:base + 4 * seg])
        ro_at = base + 4 * seg
        ranges = struct.unpack(f">{seg}H", t[ro_at:ro_at + 2 * seg])
        out = {}
        for k in range(seg):
            for c in range(starts[k], ends[k] + 1):
                if c == 0xFFFF:
                    continue
                if ranges[k] == 0:
                    g = (c + deltas[k]) & 0xFFFF
                else:
                    at = ro_at + 2 * k + ranges[k] + 2 * (c - starts[k])
                    g = struct.unpack(">H", t[at:at + 2])[0]
                    g = (g + deltas[k]) & 0xFFFF if g else 0
                out[c] = g
        return out
    raise _Bad


def _components(glyph: bytes) -> list[int]:
    if len(glyph) < 10 or struct.unpack(">h", glyph[:2])[0] >= 0:
        return []
    out, at = [], 10
    while at + 4 <= len(glyph):
        flags, index = struct.unpack(">HH", glyph[at:at + 4])
        out.append(index)
        at += 4 + (4 if flags & 0x0001 else 2)
        at += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
        if not flags & 0x0020:
            break
    return out


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return int(sum(struct.unpack(f">{len(padded) // 4}I", padded))) & 0xFFFFFFFF


def _build(tables: dict[bytes, bytes]) -> bytes:
    tags = sorted(tables)
    n = len(tags)
    power = 1
    while power * 2 <= n:
        power *= 2
    header = struct.pack(">IHHHH", 0x00010000, n, power * 16, (power.bit_length() - 1), n * 16 - power * 16)
    offset = 12 + 16 * n
    records, body = b"", b""
    for tag in tags:
        data = tables[tag]
        records += struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + records + body)
    head_at = offset + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in tags[:tags.index(b"head")])
    adjust = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    font[head_at + 8:head_at + 12] = struct.pack(">I", adjust)
    return bytes(font)


def blank_glyphs(data: bytes, keep_gids: set[int]) -> tuple[bytes, int]:
    t = _tables(data)
    for tag in (b"head", b"loca", b"glyf", b"maxp"):
        if tag not in t:
            raise _Bad
    head = bytearray(t[b"head"])
    long_loca = struct.unpack(">h", head[50:52])[0] == 1
    n = struct.unpack(">H", t[b"maxp"][4:6])[0]
    loca = t[b"loca"]
    offsets = (struct.unpack(f">{n + 1}I", loca[:4 * (n + 1)]) if long_loca
               else tuple(2 * v for v in struct.unpack(f">{n + 1}H", loca[:2 * (n + 1)])))
    glyf = t[b"glyf"]
    glyph = [glyf[offsets[g]:offsets[g + 1]] for g in range(n)]
    keep = {0} | {g for g in keep_gids if g < n}
    todo = list(keep)
    while todo:
        for comp in _components(glyph[todo.pop()]):
            if comp < n and comp not in keep:
                keep.add(comp)
                todo.append(comp)
    blanked = sum(1 for g in range(n) if g not in keep and glyph[g])
    if not blanked:
        return data, 0
    new_glyf, new_offsets = b"", [0]
    for g in range(n):
        if g in keep:
            new_glyf += glyph[g] + b"\0" * (-len(glyph[g]) % 4)
        new_offsets.append(len(new_glyf))
    t[b"glyf"] = new_glyf
    t[b"loca"] = struct.pack(f">{n + 1}I", *new_offsets)
    head[50:52] = struct.pack(">h", 1)
    head[8:12] = b"\0\0\0\0"
    t[b"head"] = bytes(head)
    if b"post" in t and struct.unpack(">I", t[b"post"][:4])[0] in (0x00010000, 0x00020000, 0x00025000):
        t[b"post"] = struct.pack(">I", 0x00030000) + t[b"post"][4:32]
    return _build(t), blanked


def blank_unused_glyphs(pdf: Any, font: Any, info: FontInfo, codes: set[int]) -> int:
    """Blank every glyph of `font`'s embedded TrueType program not reached from `codes`."""
    import pikepdf

    try:
        if str(font.get("/Subtype")) == "/Type0":
            cid = font.DescendantFonts[0]
            if str(cid.get("/Subtype")) != "/CIDFontType2":
                return 0
            desc = cid.get("/FontDescriptor")
            cmap = cid.get("/CIDToGIDMap")
            if cmap is None or str(cmap) == "/Identity":
                gids = set(codes)
            else:
                raw = cmap.read_bytes()
                gids = {struct.unpack(">H", raw[2 * c:2 * c + 2])[0] for c in codes if 2 * c + 2 <= len(raw)}
        else:
            desc = font.get("/FontDescriptor")
            program = desc.get("/FontFile2") if desc is not None else None
            if program is None:
                return 0
            lookup = _cmap_lookup(_tables(program.read_bytes())[b"cmap"])
            gids = {lookup[c] for c in codes if c in lookup}
        program = desc.get("/FontFile2") if desc is not None else None
        if program is None:
            return 0
        data, blanked = blank_glyphs(program.read_bytes(), gids)
    except (_Bad, struct.error, KeyError, IndexError, ValueError, AttributeError, pikepdf.PdfError):
        return 0
    if blanked:
        stream = pdf.make_stream(data)
        stream["/Length1"] = len(data)
        desc["/FontFile2"] = stream
    return blanked
