"""The four tabs of the lexicon editor as widgets that only hold their controls (the editor window,
ui/lexicon/editor_window.py, connects them to what they do): 词条, 测试用例, 签发, 已安装."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.model import Category, Severity
from app.packs.editor import BUREAU, LOCAL
from ui.lexicon.models import (
    EntriesModel,
    HistoryModel,
    InstalledModel,
    VectorsModel,
    category_label,
    severity_label,
)


def table(parent: QWidget, model: Any) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view


def _categories(combo: QComboBox, first: str) -> QComboBox:
    combo.addItem(first, "")
    for c in Category:
        combo.addItem(category_label(c.value), c.value)
    return combo


def _severities(combo: QComboBox, first: str) -> QComboBox:
    combo.addItem(first, "")
    for s in reversed(list(Severity)):
        combo.addItem(severity_label(s.value), s.value)
    return combo


class EntriesPage(QWidget):
    """Search and filters, the entries table, the edit buttons and the 试一试 box."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("lexiconSearch")
        self.search.setPlaceholderText(self.tr("搜索词条、编号、依据、建议…"))
        self.search.setClearButtonEnabled(True)
        self.category_filter = _categories(QComboBox(self), self.tr("全部类别"))
        self.category_filter.addItem(self.tr("白名单"), "allow")
        self.severity_filter = _severities(QComboBox(self), self.tr("全部级别"))
        self.layer_filter = QComboBox(self)
        self.layer_filter.addItem(self.tr("全部层"), "")
        self.layer_filter.addItem(self.tr("保密局词库包"), BUREAU)
        self.layer_filter.addItem(self.tr("本单位词库"), LOCAL)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for w in (self.category_filter, self.severity_filter, self.layer_filter):
            filters.addWidget(w)

        self.entries = EntriesModel(self)
        self.entries_view = table(self, self.entries)
        self.entries_view.setObjectName("lexiconEntries")
        self.count_label = QLabel("", self)
        self.add_button = QPushButton(self.tr("新增词条…"), self)
        self.add_allow_button = QPushButton(self.tr("新增白名单…"), self)
        self.edit_button = QPushButton(self.tr("编辑…"), self)
        self.delete_button = QPushButton(self.tr("删除"), self)
        self.proposals_button = QPushButton(self.tr("导入误报建议…"), self)
        self.import_button = QPushButton(self.tr("导入词表…"), self)
        self.import_button.setToolTip(self.tr("保密局下发的 xlsx/csv/txt 词表（表头 词条/类别/级别/依据/建议…），"
                                              "与 mishen lexicon import 相同：有任何一行出错则整份不导入"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.add_allow_button, self.edit_button, self.delete_button, self.import_button,
                  self.proposals_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)

        trial = QGroupBox(self.tr("试一试：词条在句子中是否命中"), self)
        self.trial_term = QLineEdit(trial)
        self.trial_term.setObjectName("trialTerm")
        self.trial_term.setPlaceholderText(self.tr("词条（选中一行即填入）"))
        self.trial_sentence = QPlainTextEdit(trial)
        self.trial_sentence.setObjectName("trialSentence")
        self.trial_sentence.setPlaceholderText(self.tr("示例句子"))
        self.trial_sentence.setMaximumHeight(70)
        self.trial_button = QPushButton(self.tr("试一试"), trial)
        self.trial_result = QTextBrowser(trial)
        self.trial_result.setObjectName("trialResult")
        self.trial_result.setMaximumHeight(150)
        form = QFormLayout(trial)
        row = QHBoxLayout()
        row.addWidget(self.trial_term, 1)
        row.addWidget(self.trial_button)
        form.addRow(self.tr("词条"), row)
        form.addRow(self.tr("句子"), self.trial_sentence)
        form.addRow(self.tr("结果"), self.trial_result)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.entries_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(trial)


class VectorsPage(QWidget):
    """The draft's test vectors and the fields to add one."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.vectors = VectorsModel(self)
        self.vectors_view = table(self, self.vectors)
        self.vector_kind = QComboBox(self)
        self.vector_kind.addItem(self.tr("应检出"), True)
        self.vector_kind.addItem(self.tr("不应检出"), False)
        self.vector_text = QLineEdit(self)
        self.vector_text.setPlaceholderText(self.tr("测试句子"))
        self.vector_category = _categories(QComboBox(self), self.tr("任意类别"))
        self.vector_severity = _severities(QComboBox(self), self.tr("任意级别"))
        self.add_button = QPushButton(self.tr("加入"), self)
        self.remove_button = QPushButton(self.tr("删除所选"), self)
        row = QHBoxLayout()
        for w in (self.vector_kind, self.vector_text, self.vector_category, self.vector_severity, self.add_button,
                  self.remove_button):
            row.addWidget(w, 3 if w is self.vector_text else 0)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("安装时逐条运行：应检出的句子必须报出（给定类别、至少给定级别），"
                                        "不应检出的句子不得报出。"), self))
        layout.addWidget(self.vectors_view, 1)
        layout.addLayout(row)


class BuildPage(QWidget):
    """Manifest fields, key file, password and output; build + sign; install a signed pack."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.m_id, self.m_version, self.m_issuer = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.m_effective, self.m_expires = QLineEdit(self), QLineEdit(self)
        self.m_min = QLineEdit("0.1.0", self)
        self.m_changelog = QLineEdit(self)
        for w in (self.m_effective, self.m_expires):
            w.setPlaceholderText("YYYY-MM-DD")
        self.key_file = QLineEdit(self)
        self.key_file.setObjectName("keyFile")
        self.key_password = QLineEdit(self)
        self.key_password.setObjectName("keyPassword")
        self.key_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.output = QLineEdit(self)
        self.output.setObjectName("packOutput")
        self.pick_key = QPushButton(self.tr("选择…"), self)
        self.pick_output = QPushButton(self.tr("选择…"), self)
        self.build_button = QPushButton(self.tr("生成并签名新版本"), self)
        self.build_button.setObjectName("buildButton")
        self.install_file = QLineEdit(self)
        self.install_file.setObjectName("installFile")
        self.pick_install = QPushButton(self.tr("选择…"), self)
        self.install_button = QPushButton(self.tr("安装到本机"), self)
        self.install_button.setObjectName("installButton")
        self.build_log = QPlainTextEdit(self)
        self.build_log.setReadOnly(True)
        form = QFormLayout()
        for label, edit in ((self.tr("词库包编号"), self.m_id), (self.tr("版本"), self.m_version),
                            (self.tr("发布单位"), self.m_issuer), (self.tr("生效日期"), self.m_effective),
                            (self.tr("失效日期"), self.m_expires), (self.tr("最低密审版本"), self.m_min),
                            (self.tr("变更说明"), self.m_changelog)):
            form.addRow(label, edit)
        for label, edit, button in ((self.tr("签发密钥文件"), self.key_file, self.pick_key),
                                    (self.tr("输出文件"), self.output, self.pick_output)):
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(button)
            form.addRow(label, row)
        form.addRow(self.tr("密钥密码"), self.key_password)
        form.addRow("", self.build_button)
        row = QHBoxLayout()
        row.addWidget(self.install_file, 1)
        row.addWidget(self.pick_install)
        row.addWidget(self.install_button)
        form.addRow(self.tr("已签名的词库包"), row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.build_log, 1)


class InstalledPage(QWidget):
    """Installed packs (active marked), their ledger history, roll back and refresh."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.installed = InstalledModel(self)
        self.installed_view = table(self, self.installed)
        self.installed_view.setObjectName("installedPacks")
        self.history = HistoryModel(self)
        self.history_view = table(self, self.history)
        self.rollback_button = QPushButton(self.tr("回退到所选版本"), self)
        self.refresh_button = QPushButton(self.tr("刷新"), self)
        row = QHBoxLayout()
        row.addWidget(self.rollback_button)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("已安装的词库包（启用中的版本用于审查）"), self))
        layout.addWidget(self.installed_view, 2)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("台帐记录"), self))
        layout.addWidget(self.history_view, 3)
