"""Entry point for `mishen gui [PATH...]`: the application object, fonts, the window."""

from __future__ import annotations

import os
import sys

import PySide6.QtWidgets  # noqa: F401  # fail here, in `mishen gui`'s guard, when a Qt library is missing


def create_app(argv: list[str] | None = None):
    """The QApplication, created once, with high-DPI policy, Chinese locale and CJK font."""
    from PySide6.QtCore import QLocale, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from ui.shell.fonts import apply_app_font
    from ui.shell.settings import Settings

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("MiShen")
    app.setOrganizationName("MiShen")
    app.setApplicationDisplayName("密审")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_qt_translations(app)
    settings = Settings()
    apply_app_font(app, settings.font_family or None, settings.font_size)
    from ui.shell.fonts import cjk_font_problem

    problem = cjk_font_problem()
    if problem and not getattr(app, "_mishen_font_warned", False):
        print(problem, file=sys.stderr, flush=True)
        app._mishen_font_warned = True
    app._mishen_font_problem = problem
    return app


def install_qt_translations(app) -> list:
    """Qt's own Chinese strings (file dialogs, message boxes, standard buttons) from the
    translations PySide6 ships (`qtbase_zh_CN.qm`); returns the translators installed."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = getattr(app, "_mishen_translators", [])
    if installed:
        return installed
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), name, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
    app._mishen_translators = installed   # keep them alive as long as the application
    return installed


def run(paths: list[str], data_dir: str | None) -> int:
    """Open the window on `paths`; returns the exit status."""
    app = create_app()
    from ui.shell.main_window import MainWindow

    if data_dir:
        os.environ.setdefault("MISHEN_HOME", data_dir)
    window = MainWindow(data_dir=data_dir)
    window.show()
    problem = getattr(app, "_mishen_font_problem", None)
    status_bar = getattr(window, "statusBar", None)
    if problem and status_bar is not None:
        status_bar().showMessage(problem)
    if paths:
        window.open_paths(list(paths))
    quit_after = os.environ.get("MISHEN_QUIT_AFTER_MS", "")  # smoke tests: close the window, exit 0
    if quit_after.isdigit():
        from PySide6.QtCore import QTimer

        def _quit() -> None:
            print(f"MISHEN_QUIT_AFTER_MS: {window.windowTitle()}", file=sys.stderr, flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(int(quit_after), _quit)
    return int(app.exec())
