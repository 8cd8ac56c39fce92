"""The optional OCR component of the frozen build: scripts/split_ocr.py cuts a bundle into base and
component so that the two recombine file for file, leaves no dangling link in the base, and names
the same packages as the Windows installer's OCR component (packaging/windows/mishen.iss)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _split_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("split_ocr", ROOT / "scripts" / "split_ocr.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bundle(root: Path) -> Path:
    b = root / "mishen-9.9.9"
    internal = b / "_internal"
    for rel, data in {
        "mishen": b"exe", "mishen-gui": b"exe",
        "_internal/PySide6/Qt/lib/libQt6Core.so.6": b"qt",
        "_internal/lexicons/default.json": b"{}",
        "_internal/rapidocr/models/PP-OCRv6_rec_small.onnx": b"model",
        "_internal/onnxruntime/capi/onnxruntime_pybind11_state.so": b"ort",
        "_internal/numpy/_core/_multiarray_umath.so": b"np",
        "_internal/numpy.libs/libscipy_openblas64_-1.so": b"blas",
        "_internal/numpy-2.4.6.dist-info/METADATA": b"meta",
        "_internal/pikepdf/_core.so": b"pike",
        "_internal/pikepdf.libs/libqpdf.so.30": b"qpdf",
    }.items():
        p = b / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    os.symlink("numpy.libs/libscipy_openblas64_-1.so", internal / "libscipy_openblas64_-1.so")
    os.symlink("pikepdf.libs/libqpdf.so.30", internal / "libqpdf.so.30")
    os.symlink("PySide6/Qt/lib/libQt6Core.so.6", internal / "libQt6Core.so.6")
    return b


@pytest.mark.skipif(os.name != "posix", reason="symlinks in the bundle: Linux build")
def test_split_recombines_and_keeps_base_whole(tmp_path: Path) -> None:
    split = _split_module()
    bundle = _bundle(tmp_path / "dist")
    assert split.main([str(bundle), str(tmp_path / "split")]) == 0
    base = tmp_path / "split" / "base" / bundle.name
    ocr = tmp_path / "split" / "ocr" / bundle.name
    assert (base / "mishen").exists() and (base / "_internal" / "pikepdf.libs" / "libqpdf.so.30").exists()
    assert (base / "_internal" / "libqpdf.so.30").is_symlink()          # a base link stays in the base
    assert not (base / "_internal" / "libscipy_openblas64_-1.so").is_symlink()  # an OCR link goes with OCR
    assert (ocr / "_internal" / "libscipy_openblas64_-1.so").is_symlink()
    for name in ("rapidocr", "onnxruntime", "numpy", "numpy.libs", "numpy-2.4.6.dist-info"):
        assert not (base / "_internal" / name).exists(), name
        assert (ocr / "_internal" / name).exists(), name
    assert not (ocr / "mishen").exists() and not (ocr / "_internal" / "pikepdf").exists()


def test_split_refuses_a_bundle_without_ocr(tmp_path: Path) -> None:
    split = _split_module()
    bundle = tmp_path / "mishen-1"
    (bundle / "_internal" / "lexicons").mkdir(parents=True)
    (bundle / "mishen").write_bytes(b"exe")
    assert split.main([str(bundle), str(tmp_path / "split")]) == 1


def test_windows_installer_names_the_same_ocr_packages() -> None:
    split = _split_module()
    iss = (ROOT / "packaging" / "windows" / "mishen.iss").read_text(encoding="utf-8")
    excluded = set(re.findall(r"\\_internal\\([a-z0-9_]+)\*", iss.split("Excludes:", 1)[1].splitlines()[0]))
    component = set(re.findall(r'Source: "\{#Bundle\}\\_internal\\([a-z0-9_]+)\*"', iss))
    assert excluded == component == set(split.OCR_ENTRIES)
