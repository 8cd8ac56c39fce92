"""The start-up check of the OCR models: in the worker, right after the window opens, the model
files are checked (size and SHA-256, about 0.2 s for the 31 MB; `app.ocr.models.verify_models`
remembers a good result for the process, so the first scan does not hash them again). When they
are missing or altered, a permanent entry in the status bar says that scanned pages and images
cannot be read — no dialog: the rest of the workstation works as before."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from ui.shell import worker


def _tr(text: str) -> str:
    return QCoreApplication.translate("ocr_check", text)


def problem_text(exc: BaseException) -> str:
    """The Chinese sentence shown when the models cannot be used."""
    from app.errors import MishenError

    detail = exc.message if isinstance(exc, MishenError) else f"{type(exc).__name__}: {exc}"
    return _tr("文字识别不可用：扫描件页面和图片中的文字无法读取，这类文件将无法自动审查。{0}").format(detail)


def _verify() -> None:
    import importlib.util

    from app.ocr.engine import require_engine
    from app.ocr.models import verify_models

    # the base bundle ships without the OCR component: say so (require_engine's message names the
    # package to install) — found without importing the heavy modules when they are all there
    if any(importlib.util.find_spec(name) is None for name in ("numpy", "onnxruntime")):
        require_engine()
    verify_models()


def start_model_check(add_status_widget: Callable[[QWidget], None], show_message: Callable[[str], None],
                      parent: QWidget) -> worker.Job:
    """Check the models in the background; on failure put a red notice in the status bar
    (`add_status_widget`) and show the whole message (`show_message`)."""

    def failed(exc: BaseException) -> None:
        import shiboken6

        if not shiboken6.isValid(parent):
            return
        text = problem_text(exc)
        label = QLabel(_tr("⚠ 扫描件和图片无法识别文字"), parent)
        label.setObjectName("ocrModelsProblem")
        label.setStyleSheet("color:#b00020; font-weight:bold;")
        label.setToolTip(text)
        add_status_widget(label)
        show_message(text)

    return worker.run_call(_verify, on_error=failed, name="ocr-models-check")
