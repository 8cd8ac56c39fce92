"""Split the frozen bundle into the base application and the optional OCR component.

    python scripts/split_ocr.py dist/mishen-VERSION dist/split

writes dist/split/base/mishen-VERSION/ (everything but OCR) and dist/split/ocr/mishen-VERSION/
(only the OCR engine: the PP-OCR models (shipped at rapidocr/models), onnxruntime and NumPy, and the
top-level library links pointing into them). Unpacking the component over the base gives the
full bundle back, file for file; the script checks that and prints both sizes.

Why a separate component: the models, onnxruntime and NumPy (with its OpenBLAS) are about 110 MiB of
the bundle; a workstation that never sees a scanned page does not need them. The
Python parts of these packages stay in the executables' archive; without the component their
import fails and MiShen says that the OCR component is not installed (app/ocr), nothing else changes.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

#: Top-level entries of _internal/ that belong to the OCR engine (a name or a name prefix + "-"/".").
OCR_ENTRIES = ("rapidocr", "onnxruntime", "numpy")


def is_ocr(name: str) -> bool:
    return any(name == e or name.startswith((e + ".", e + "-")) for e in OCR_ENTRIES)


def members(bundle: Path) -> tuple[list[Path], list[Path]]:
    """(base, ocr) lists of paths relative to the bundle; directories listed as whole entries."""
    internal = bundle / "_internal"
    base: list[Path] = []
    ocr: list[Path] = []
    for entry in sorted(bundle.iterdir()):
        if entry.name != "_internal":
            base.append(entry.relative_to(bundle))
    for entry in sorted(internal.iterdir()):
        rel = entry.relative_to(bundle)
        if is_ocr(entry.name):
            ocr.append(rel)
        elif entry.is_symlink() and is_ocr(Path(os.readlink(entry)).parts[0]):
            ocr.append(rel)                     # libscipy_openblas64_-….so -> numpy.libs/…
        else:
            base.append(rel)
    return base, ocr


def copy(bundle: Path, rel: Path, dest_root: Path) -> None:
    src, dst = bundle / rel, dest_root / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_symlink():
        os.symlink(os.readlink(src), dst)
    elif src.is_dir():
        shutil.copytree(src, dst, symlinks=True)
    else:
        shutil.copy2(src, dst)


def tree(root: Path) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            out[rel] = ("link", hash(os.readlink(p))) if p.is_symlink() else ("file", p.stat().st_size)
    return out


def size_mib(root: Path) -> float:
    total = sum((Path(d) / f).lstat().st_size for d, _, fs in os.walk(root) for f in fs)
    return total / 2**20


def main(argv: list[str]) -> int:
    bundle, out = Path(argv[0]), Path(argv[1])
    name = bundle.name
    shutil.rmtree(out, ignore_errors=True)
    base, ocr = members(bundle)
    if not ocr:
        print(f"split_ocr: no OCR engine in {bundle}", file=sys.stderr)
        return 1
    for rel in base:
        copy(bundle, rel, out / "base" / name)
    for rel in ocr:
        copy(bundle, rel, out / "ocr" / name)
    whole = tree(bundle)
    parts = {**tree(out / "base" / name), **tree(out / "ocr" / name)}
    if parts != whole:
        missing = sorted(set(whole) ^ set(parts))[:10]
        print(f"split_ocr: base + component differ from the bundle: {missing}", file=sys.stderr)
        return 1
    for p in (out / "base" / name).rglob("*"):       # no dangling link left in the base
        if p.is_symlink() and not p.exists():
            print(f"split_ocr: dangling link in the base: {p}", file=sys.stderr)
            return 1
    print(f"split: base {size_mib(out / 'base' / name):.0f} MiB, OCR component {size_mib(out / 'ocr' / name):.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
