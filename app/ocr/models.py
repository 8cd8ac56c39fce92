"""The OCR model files: shipped inside the rapidocr wheel (`rapidocr/models`), checked by SHA-256
before first use. Nothing is ever downloaded: a missing or altered file is an `OcrError` with a
Chinese message. rapidocr's Python code is not used (`app.ocr.pipeline` runs the models); the
frozen build carries only its `models` folder, at `rapidocr/models` inside the bundle.

`MISHEN_OCR_MODELS` points at another directory holding the same three files (a test with a
file removed, a custom install).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from app.errors import MishenError

ENV_VAR = "MISHEN_OCR_MODELS"


class OcrError(MishenError):
    """OCR could not run (models missing or altered, engine failed to load or to read an image)."""

    code = "ocr_failed"


@dataclass(frozen=True, slots=True)
class ModelFile:
    role: str        # "det", "cls", "rec"
    name: str
    sha256: str
    size: int
    label: str       # Chinese, for messages


# rapidocr 3.10.0 defaults (PP-OCRv6 small det/rec, PP-OCR mobile v2.0 direction classifier)
MODEL_FILES = (
    ModelFile("det", "PP-OCRv6_det_small.onnx",
              "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f", 9_929_594, "文字检测模型"),
    ModelFile("cls", "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
              "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c", 585_532, "方向分类模型"),
    ModelFile("rec", "PP-OCRv6_rec_small.onnx",
              "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884", 21_234_383, "文字识别模型"),
)


@dataclass(frozen=True, slots=True)
class ModelSet:
    """Verified paths of the three models, and one digest naming the set (part of cache keys)."""

    directory: Path
    det: Path
    cls: Path
    rec: Path
    digest: str


def models_dir() -> Path:
    """`MISHEN_OCR_MODELS`; else, in the frozen build, `rapidocr/models` in the bundle; else the
    `models` folder of the installed rapidocr package (found without importing it)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "rapidocr" / "models"
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise OcrError("未安装文字识别组件（rapidocr），无法识别扫描件。请重新安装本软件。", code="ocr_missing")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


_verified: dict[Path, ModelSet] = {}
_lock = threading.Lock()


def verify_models(directory: Path | None = None) -> ModelSet:
    """Check every model file exists with its expected size and SHA-256 (once per directory and
    process). Raises `OcrError` naming the file; never downloads anything."""
    folder = (directory or models_dir()).resolve()
    with _lock:
        known = _verified.get(folder)
        if known is not None:
            return known
        paths: dict[str, Path] = {}
        for model in MODEL_FILES:
            path = folder / model.name
            _check_file(path, model)
            paths[model.role] = path
        digest = hashlib.sha256("".join(m.sha256 for m in MODEL_FILES).encode()).hexdigest()
        result = ModelSet(folder, paths["det"], paths["cls"], paths["rec"], digest)
        _verified[folder] = result
        return result


def _check_file(path: Path, model: ModelFile) -> None:
    hint = "文字识别模型随软件一同发布，本软件不会联网下载。请重新安装本软件，或恢复该文件后再试。"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise OcrError(f"缺少{model.label}文件 {model.name}（应在 {path.parent}）。{hint}",
                       code="ocr_model_missing") from None
    except OSError as exc:
        raise OcrError(f"无法读取{model.label}文件 {path}（{exc.strerror or exc}）。{hint}",
                       code="ocr_model_missing") from exc
    if size != model.size or _sha256(path) != model.sha256:
        raise OcrError(f"{model.label}文件 {path} 与随软件发布的版本不一致（校验值不符），可能已损坏或被替换，"
                       f"未予加载。{hint}", code="ocr_model_altered")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()
