"""The 规则词表 tab of the lexicon editor: the draft's rule vocabularies (指标词, 强提示词, 弱提示词,
禁止性用语, 垃圾信息词素 with group and weight) — which one, whether the draft carries its own or the
bundled one applies, a filterable table, add / change / delete, start from the bundled values or go
back to them. The logic is app.packs.rules_edit; the page sends every new draft to the window with
`draft_edited` (the window keeps the draft, as for entry edits) and its outcome with `message`."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.packs.format import Pack
from app.packs.rules_edit import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    OWN,
    SOURCE_LABELS,
    SPAM,
    SPAM_GROUPS,
    VOCABULARIES,
    VOCABULARY_LABELS,
    VocabWord,
    add_word,
    delete_word,
    edit_word,
    filter_words,
    own_from_bundled,
    use_bundled,
    vocabulary_source,
    vocabulary_words,
)
from ui.lexicon.models import ROW_ROLE, TableModel
from ui.lexicon.pages import table
from ui.lexicon.section_page import DraftSectionPage


class VocabModel(TableModel):
    """Rows: VocabWord (the group and weight columns are empty for plain word lists)."""

    headers = ("词语", "类别", "权重")

    def cells(self, row: VocabWord) -> tuple[str, ...]:
        if not row.group:
            return (row.term, "", "")
        return (row.term, f"{SPAM_GROUPS.get(row.group, row.group)}（{row.group}）", str(row.weight))


class RulesPage(DraftSectionPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("rule", parent)
        self.setObjectName("rulesPage")
        self.words: tuple[VocabWord, ...] = ()
        self.vocabulary = QComboBox(self)
        self.vocabulary.setObjectName("ruleVocabulary")
        for name in VOCABULARIES:
            self.vocabulary.addItem(self.tr(VOCABULARY_LABELS[name]), name)
        self.source_label = QLabel("", self)
        self.source_label.setObjectName("ruleSource")
        self.own_button = QPushButton(self.tr("以内置词表为起点"), self)
        self.own_button.setToolTip(self.tr("把内置词表复制进本词库包，再增删改（本词库包的词表取代内置词表）"))
        self.bundled_button = QPushButton(self.tr("恢复使用内置词表"), self)
        self.bundled_button.setToolTip(self.tr("删除本词库包自带的这份词表，规则改用密审内置的词表"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("词表"), self))
        top.addWidget(self.vocabulary)
        top.addWidget(self.source_label, 1)
        top.addWidget(self.own_button)
        top.addWidget(self.bundled_button)

        self.search = QLineEdit(self)
        self.search.setObjectName("ruleSearch")
        self.search.setPlaceholderText(self.tr("筛选词语…"))
        self.search.setClearButtonEnabled(True)
        self.group_filter = QComboBox(self)
        self.group_filter.addItem(self.tr("全部类别"), "")
        for key, label in SPAM_GROUPS.items():
            self.group_filter.addItem(self.tr(label), key)
        self.count_label = QLabel("", self)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.group_filter)
        filters.addWidget(self.count_label)

        self.model = VocabModel(self)
        self.view = table(self, self.model)
        self.view.setObjectName("ruleWords")
        self.view.setColumnWidth(0, 240)
        self.view.setColumnWidth(1, 200)

        self.term = QLineEdit(self)
        self.term.setObjectName("ruleTerm")
        self.term.setPlaceholderText(self.tr("词语"))
        self.group = QComboBox(self)
        for key, label in SPAM_GROUPS.items():
            self.group.addItem(f"{self.tr(label)}（{key}）", key)
        self.weight = QSpinBox(self)
        self.weight.setRange(MIN_WEIGHT, MAX_WEIGHT)
        self.weight.setValue(2)
        self.weight.setToolTip(self.tr("正数越大越像垃圾信息（3 强、2 中、1 弱）；负数用于正当用语"))
        self.add_button = QPushButton(self.tr("加入"), self)
        self.edit_button = QPushButton(self.tr("修改所选"), self)
        self.delete_button = QPushButton(self.tr("删除所选"), self)
        row = QHBoxLayout()
        row.addWidget(self.term, 2)
        self.group_label, self.weight_label = QLabel(self.tr("类别"), self), QLabel(self.tr("权重"), self)
        for w in (self.group_label, self.group, self.weight_label, self.weight, self.add_button, self.edit_button,
                  self.delete_button):
            row.addWidget(w)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("规则用的词表：本词库包带了某份词表，就以它取代内置的那份；没带的沿用内置词表。"
                                        "改动进入草稿，生成并签名新版本后生效。"), self))
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.problem)

        self.vocabulary.currentIndexChanged.connect(lambda _i: self._show())
        self.search.textChanged.connect(lambda _t: self._refilter())
        self.group_filter.currentIndexChanged.connect(lambda _i: self._refilter())
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._picked(cur))
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.own_button.clicked.connect(lambda: self.start_from_bundled())
        self.bundled_button.clicked.connect(lambda: self.back_to_bundled())

    # --- state ------------------------------------------------------------------------------------
    def set_draft(self, draft: Pack | None) -> None:
        """The window's draft changed (loaded, or edited anywhere)."""
        self.draft = draft
        self._show()

    @property
    def name(self) -> str:
        return str(self.vocabulary.currentData())

    def choose(self, name: str) -> None:
        self.vocabulary.setCurrentIndex(self.vocabulary.findData(name))

    def set_filter(self, query: str = "", group: str = "") -> None:
        self.search.blockSignals(True)
        self.search.setText(query)
        self.search.blockSignals(False)
        self.group_filter.setCurrentIndex(max(0, self.group_filter.findData(group)))
        self._refilter()

    def visible_words(self) -> list[VocabWord]:
        return list(self.model.rows)

    def selected_word(self) -> VocabWord | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _show(self) -> None:
        spam = self.name == SPAM
        for w in (self.group_label, self.group, self.weight_label, self.weight, self.group_filter):
            w.setVisible(spam)
        if self.draft is None:
            self.words = ()
            self.source_label.setText("")
        else:
            self.words = vocabulary_words(self.draft, self.name)
            source = vocabulary_source(self.draft, self.name)
            self.source_label.setText(self.tr(SOURCE_LABELS[source]))
            self.source_label.setStyleSheet("font-weight:bold" if source == OWN else "color:#555")
            self.own_button.setEnabled(source != OWN)
            self.bundled_button.setEnabled(source == OWN)
        self._refilter()

    def _refilter(self) -> None:
        group = str(self.group_filter.currentData() or "") if self.name == SPAM else ""
        picked = filter_words(self.words, self.search.text(), group)
        self.model.set_rows([self.words[i] for i in picked])
        self.count_label.setText(self.tr("显示 {0} / {1} 个").format(len(picked), len(self.words)))

    def _picked(self, index: object) -> None:
        word = self.selected_word()
        if word is None:
            return
        self.term.setText(word.term)
        if word.group:
            self.group.setCurrentIndex(max(0, self.group.findData(word.group)))
            self.weight.setValue(word.weight)

    def _field_word(self) -> VocabWord:
        term = self.term.text().strip()
        if self.name == SPAM:
            return VocabWord(term, str(self.group.currentData()), self.weight.value())
        return VocabWord(term)

    # --- edits ------------------------------------------------------------------------------------
    def add(self, word: VocabWord | None = None) -> bool:
        """Add `word` (or the fields' word) to the chosen vocabulary of the draft."""
        w = word or self._field_word()
        ok = self._apply(lambda d: add_word(d, self.name, w),
                         self.tr("已在草稿的{0}中加入“{1}”（生成并签名新版本后生效）。")
                         .format(self.tr(VOCABULARY_LABELS[self.name]), w.term))
        if ok:
            self.term.clear()
        return ok

    def edit_selected(self, word: VocabWord | None = None) -> bool:
        old = self.selected_word()
        if old is None:
            self.problem.setText(self.tr("请先选择要修改的词语。"))
            return False
        w = word or self._field_word()
        return self._apply(lambda d: edit_word(d, self.name, old.term, w),
                           self.tr("已修改草稿{0}中的“{1}”。").format(self.tr(VOCABULARY_LABELS[self.name]), w.term))

    def delete_selected(self) -> bool:
        old = self.selected_word()
        if old is None:
            self.problem.setText(self.tr("请先选择要删除的词语。"))
            return False
        return self._apply(lambda d: delete_word(d, self.name, old.term),
                           self.tr("已从草稿{0}删除“{1}”。").format(self.tr(VOCABULARY_LABELS[self.name]), old.term))

    def start_from_bundled(self) -> bool:
        return self._apply(lambda d: own_from_bundled(d, self.name),
                           self.tr("本词库包现自带{0}（从内置词表复制）。").format(self.tr(VOCABULARY_LABELS[self.name])))

    def back_to_bundled(self) -> bool:
        return self._apply(lambda d: use_bundled(d, self.name),
                           self.tr("{0}改回使用内置词表（草稿不再自带）。").format(self.tr(VOCABULARY_LABELS[self.name])))
