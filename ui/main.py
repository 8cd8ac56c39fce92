"""Entry point for `mishen gui [PATH...]`: the application object, fonts, the window."""

from __future__ import annotations

import os
import sys


def create_app(argv: list[str] | None = None):
    """The QApplication, created once, with high-DPI policy, Chinese locale and CJK font."""
    from PySide6.QtCore import QLocale, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from ui.fonts import apply_app_font
    from ui.settings import Settings

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("MiShen")
    app.setOrganizationName("MiShen")
    app.setApplicationDisplayName("密审")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    settings = Settings()
    apply_app_font(app, settings.font_family or None, settings.font_size)
    return app


def run(paths: list[str], data_dir: str | None) -> int:
    """Open the window on `paths`; returns the exit status."""
    app = create_app()
    from ui.main_window import MainWindow

    if data_dir:
        os.environ.setdefault("MISHEN_HOME", data_dir)
    window = MainWindow(data_dir=data_dir)
    window.show()
    if paths:
        window.open_paths(list(paths))
    return int(app.exec())
