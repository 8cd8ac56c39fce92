"""Preferences: data directory, lexicon packs, text recognition of scans, font family and size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.shell.fonts import apply_app_font, cjk_families_installed
from ui.shell.screen_fit import fit_window
from ui.shell.settings import Settings


class SettingsDialog(QDialog):
    lexicons_changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None, data_dir: str | None = None) -> None:
        """`data_dir`: the directory the running window uses (``--data-dir``), if any."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置"))
        self.setObjectName("settingsDialog")
        self.settings = settings
        form = QFormLayout()
        self.in_effect = QLabel(self.directories_text(data_dir), self)
        self.in_effect.setObjectName("directoriesInEffect")
        self.in_effect.setWordWrap(True)
        self.in_effect.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("当前使用"), self.in_effect)
        self.data_dir = QLineEdit(settings.data_dir, self)
        self.data_dir.setPlaceholderText(self.tr("默认（系统用户数据目录或 MISHEN_HOME）"))
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self._browse_data_dir)
        row = QHBoxLayout()
        row.addWidget(self.data_dir)
        row.addWidget(browse)
        form.addRow(self.tr("数据目录（重启后生效）"), row)

        self.use_defaults = QCheckBox(self.tr("使用内置词库"), self)
        self.use_defaults.setChecked(settings.use_default_lexicons)
        form.addRow(self.tr("词库"), self.use_defaults)
        self.lexicons = QListWidget(self)
        self.lexicons.addItems(settings.extra_lexicons)
        add = QPushButton(self.tr("添加词库文件…"), self)
        add.clicked.connect(self._add_lexicon)
        remove = QPushButton(self.tr("移除"), self)
        remove.clicked.connect(lambda: [self.lexicons.takeItem(self.lexicons.row(i))
                                        for i in self.lexicons.selectedItems()])
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add)
        buttons_row.addWidget(remove)
        lex_box = QVBoxLayout()
        lex_box.addWidget(self.lexicons)
        lex_box.addLayout(buttons_row)
        form.addRow(self.tr("本单位补充词库"), lex_box)

        from app.ocr.options import MODE_NAMES, OCR_MODES

        self.ocr_mode = QComboBox(self)
        self.ocr_mode.setObjectName("ocrMode")
        for mode in OCR_MODES:
            self.ocr_mode.addItem(self.tr(MODE_NAMES[mode]), mode)
        self.ocr_mode.setCurrentIndex(max(0, self.ocr_mode.findData(settings.ocr_mode)))
        self.ocr_mode.setToolTip(self.tr("扫描件和图片没有文字层，需经文字识别（OCR，离线，每页数秒）后才能审查"))
        form.addRow(self.tr("文字识别（扫描件）"), self.ocr_mode)

        self.font_family = QComboBox(self)
        self.font_family.addItem(self.tr("自动（Noto Sans CJK SC 等）"), "")
        for fam in cjk_families_installed():
            self.font_family.addItem(fam, fam)
        index = self.font_family.findData(settings.font_family)
        self.font_family.setCurrentIndex(max(0, index))
        form.addRow(self.tr("界面字体"), self.font_family)
        self.font_size = QSpinBox(self)
        self.font_size.setRange(8, 24)
        self.font_size.setValue(settings.font_size)
        form.addRow(self.tr("字号"), self.font_size)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QWidget(self)
        body.setLayout(form)
        form.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)     # OK / Cancel outside the scroll area: always reachable
        self.buttons = buttons
        self.accepted.connect(self._save)
        fit_window(self, QSize(640, 560))

    def directories_text(self, data_dir: str | None) -> str:
        """The data directory, ledger and lexicons the running program uses, and why."""
        import os

        from app.ledger.store import ledger_path
        from app.paths import data_dir as resolve
        from app.paths import lexicons_dir

        if data_dir:
            source = self.tr("设置") if data_dir == self.settings.data_dir else self.tr("命令行 --data-dir")
        elif os.environ.get("MISHEN_HOME"):
            source = self.tr("环境变量 MISHEN_HOME")
        else:
            source = self.tr("系统默认")
        home = resolve(data_dir or None)
        return self.tr("数据目录：{0}（{1}）\n审批台帐：{2}\n内置词库：{3}").format(
            home, source, ledger_path(data_dir or None), Path(lexicons_dir()))

    def _browse_data_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("选择数据目录"), self.data_dir.text())
        if path:
            self.data_dir.setText(path)

    def _add_lexicon(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择词库文件"), "",
                                                self.tr("词库 (*.csv *.xlsx)"))
        self.lexicons.addItems(paths)

    def _save(self) -> None:
        s = self.settings
        s.data_dir = self.data_dir.text().strip()
        extra = [self.lexicons.item(i).text() for i in range(self.lexicons.count())]
        changed = extra != s.extra_lexicons or self.use_defaults.isChecked() != s.use_default_lexicons
        s.extra_lexicons = extra
        s.use_default_lexicons = self.use_defaults.isChecked()
        s.font_family = self.font_family.currentData() or ""
        s.font_size = self.font_size.value()
        s.ocr_mode = self.ocr_mode.currentData() or "auto"
        s.sync()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_app_font(app, s.font_family or None, s.font_size)
        if changed:
            self.lexicons_changed.emit()
