"""Trim the ICU data library that Qt Core carries on Linux to what Qt Core can ask of it.

    python scripts/trim_icu.py PATH/libicudata.so.73 [OUT]

PySide6's Linux wheels ship ICU 73 for Qt Core, and its data library (libicudata.so.73: one
symbol, `icudt73_dat`, the ICU common data package) is 31 MiB — the largest single file of the
base bundle. Qt Core calls ICU for case mapping, legacy text converters, collation and time-zone
names only (its undefined ICU symbols: u_strTo{Lower,Upper}, ucnv_*, ucol_*, ucal_*); it never
asks for word-break dictionaries, transliterators, spell-out rules, unit, currency, language or
region display names, or the locale data of languages other than Chinese and English. This
script removes those items from the package, as ICU's own data filtering does (the ICU Data Build
Tool / `icupkg -r`), and links a new library with the same soname and symbol using binutils only
(`objcopy`, `as`, `ld`; no compiler). It keeps: every converter and alias table, the Unicode
properties and normalisation data, collation for root/zh/en, time-zone data and names for
root/zh/en, and all non-locale tables (likelySubtags, supplementalData, metaZones, res_index …).

Windows and macOS builds do not carry ICU data (Qt uses the system's). The result is checked by
tests/app/test_packaging_icu.py: Qt gives the same collation, case mapping, time-zone names and
decoders with the trimmed library as with the full one.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

#: Item folders Qt Core never opens.
DROP_DIRS = ("brkitr", "unit", "curr", "lang", "region", "translit", "rbnf")
#: Top-level item types Qt Core never opens: character names, StringPrep profiles, confusables.
DROP_SUFFIXES = (".spp", ".cfu")
DROP_NAMES = ("unames.icu",)
#: Locale data kept where locale data is kept (top level, coll/, zone/).
KEEP_LOCALES = re.compile(r"(root|zh|en)(_\w+)?\.res")
LOCALE = re.compile(r"[a-z]{2,3}(_\w+)?\.res")
NON_LOCALE = ("pool.res", "res_index.res")


def keep(item: str) -> bool:
    """`item` is a package path such as "icudt73l/coll/zh.res"."""
    parts = item.split("/")[1:]
    if not parts:
        return True
    if len(parts) > 1 and parts[0] in DROP_DIRS:
        return False
    leaf = parts[-1]
    if len(parts) == 1 and (leaf.endswith(DROP_SUFFIXES) or leaf in DROP_NAMES):
        return False
    if leaf in NON_LOCALE or not LOCALE.fullmatch(leaf):
        return True
    return bool(KEEP_LOCALES.fullmatch(leaf))


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(name, item bytes)]) of an ICU common data package (little-endian .dat)."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27):
        raise ValueError("not an ICU data package (bad magic)")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items: list[tuple[str, bytes]] = []
    for i, (name_off, data_off) in enumerate(entries):
        name_end = blob.index(b"\0", toc + name_off)
        name = blob[toc + name_off:name_end].decode("ascii")
        end = toc + entries[i + 1][1] if i + 1 < count else len(blob)
        items.append((name, blob[toc + data_off:end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package for `items` (sorted by name, as ICU's binary search needs), items 16-aligned."""
    items = sorted(items, key=lambda kv: kv[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table = 4 + 8 * len(items)
    data_start = _align(table + len(names))
    offsets_name, offsets_data, body = [], [], bytearray()
    name_pos = table
    for name, data in items:
        offsets_name.append(name_pos)
        name_pos += len(name) + 1
        offsets_data.append(data_start + len(body))
        body += data
        body += b"\0" * (_align(len(body)) - len(body))
    out = bytearray(header)
    out += struct.pack("<I", len(items))
    for n, d in zip(offsets_name, offsets_data, strict=True):
        out += struct.pack("<II", n, d)
    out += names
    out += b"\xaa" * (data_start - table - len(names))   # icupkg pads with 0xaa
    out += body
    return bytes(out)


def _align(n: int) -> int:
    return (n + 15) & ~15


def trim(lib: Path, out: Path) -> tuple[int, int]:
    """Write the trimmed `lib` to `out`; returns (old, new) sizes of the data in bytes."""
    soname = lib.name                                   # libicudata.so.73
    major = soname.rsplit(".", 1)[-1]
    symbol = f"icudt{major}_dat"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        blob_path = work / "icudt.dat"
        subprocess.run(["objcopy", "-O", "binary", "-j", ".rodata", str(lib), str(blob_path)], check=True)
        blob = blob_path.read_bytes()
        size = _symbol_size(lib, symbol)
        if size != len(blob):
            raise SystemExit(f"trim_icu: {symbol} is {size} bytes but .rodata is {len(blob)}; not a plain "
                             f"ICU data library, left alone")
        header, items = read_package(blob)
        kept = [(n, d) for n, d in items if keep(n)]
        new = write_package(header, kept)
        check_header, check_items = read_package(new)     # reads back the same items
        if check_header != header or check_items != sorted(kept, key=lambda kv: kv[0].encode("ascii")):
            raise SystemExit("trim_icu: the rewritten package does not read back")
        blob_path.write_bytes(new)
        asm = work / "icudt.s"
        asm.write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
            f'{symbol}:\n\t.incbin "{blob_path}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        subprocess.run(["as", "-o", str(work / "icudt.o"), str(asm)], check=True)
        tmp_out = out.with_name(out.name + ".tmp")
        subprocess.run(["ld", "-shared", "-Bsymbolic", "-soname", soname, "-z", "noexecstack",
                        "-o", str(tmp_out), str(work / "icudt.o")], check=True)
        tmp_out.replace(out)
    return len(blob), len(new)


def _symbol_size(lib: Path, symbol: str) -> int:
    listing = subprocess.run(["nm", "-D", "--defined-only", "-S", str(lib)], check=True,
                             capture_output=True, text=True).stdout
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3] == symbol:
            return int(fields[1], 16)
    raise SystemExit(f"trim_icu: {lib} does not define {symbol}")


def main(argv: list[str]) -> int:
    lib = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else lib
    old, new = trim(lib, out)
    print(f"trim_icu: {lib.name} data {old / 2**20:.1f} MiB -> {new / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
