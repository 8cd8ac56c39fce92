"""The lexicon editor window (审核 → 词库管理) for the 保密管理员 and the secrecy bureau.

Six tabs: 词条 (browse and search the bureau's draft and the unit's own layer, filter by
category/severity/layer, add/edit/delete terms and allow entries, import bureau word lists and false-alarm proposals,
try a term on a sentence), 测试用例 (the draft's vectors), 规则词表 and 工作日历 (the draft's rule
vocabularies and working-day calendar: ui/lexicon/rules_page.py, calendar_page.py), 签发 (build and sign a new version with
a key file and password, install a signed pack) and 已安装 (installed packs, their ledger history,
roll back). Everything slow — reading a pack, building the automaton, signing, installing, the
ledger — runs in the worker (ui/shell/worker.py); the window only shows results. Core logic is in
app.packs (editor, local, service); `lexicons_changed` tells the main window to reload its engine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from app.model import Category, Severity
from app.packs.editor import BUREAU, LOCAL, EditorEntry
from app.packs.format import Manifest, Pack, PackEntry, Vector
from ui.lexicon.calendar_page import CalendarPage
from ui.lexicon.entry_dialog import EntryDialog
from ui.lexicon.models import ROW_ROLE, category_label, severity_label
from ui.lexicon.pages import BuildPage, EntriesPage, InstalledPage, VectorsPage
from ui.lexicon.rules_page import RulesPage
from ui.shell import worker
from ui.shell.errors import friendly_message
from ui.shell.screen_fit import fit_window

LedgerFn = Callable[[Any], Any]


class OwnLedger:
    """Runs `fn(ledger)` in the worker on a ledger opened for the call — when the window has no
    review controller (which owns the process's ledger) to run it on."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self.session = None

    def run(self, fn: LedgerFn, on_result: Callable[[Any], None] | None = None,
            on_error: Callable[[str], None] | None = None, name: str = "ledger") -> worker.Job:
        from app.ledger.store import Ledger

        def work() -> Any:
            with self._lock, Ledger.open(self.data_dir) as ledger:
                return fn(ledger)

        def error(exc: BaseException) -> None:
            if on_error is not None:
                on_error(friendly_message(exc))

        return worker.run_call(work, on_result=on_result, on_error=error, name=name)


class LexiconEditor(QWidget):
    lexicons_changed = Signal()      # a pack was installed or rolled back, or the unit's layer changed

    def __init__(self, data_dir: str | Path | None = None, controller: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from app.paths import data_dir as resolve

        self.setObjectName("lexiconEditor")
        self.setWindowTitle(self.tr("词库管理"))
        self.data_dir = resolve(str(data_dir) if data_dir is not None else None)
        self.ledger = controller if controller is not None else OwnLedger(self.data_dir)
        self.draft: Pack | None = None
        self.local: tuple[PackEntry, ...] = ()
        self.trial: Any = None          # the last app.packs.editor.TermTrial
        self.built: Path | None = None  # the last pack built and signed here
        self.busy = 0
        self._jobs: list[worker.Job] = []
        self.import_dialog: QMessageBox | None = None   # the last 导入词表 error dialog

        entries, vectors = EntriesPage(self), VectorsPage(self)
        build, installed = BuildPage(self), InstalledPage(self)
        self.pages = (entries, vectors, build, installed)
        self.tabs = QTabWidget(self)
        # the draft's rule vocabularies and working-day calendar (app.packs.rules_edit, calendar_edit)
        self.rules_page, self.calendar_page = RulesPage(self), CalendarPage(self)
        # each tab scrolls when the screen is smaller than its page (1280×720, large fonts)
        self._scrolls: dict[int, QScrollArea] = {}
        for page, title in ((entries, self.tr("词条")), (vectors, self.tr("测试用例")),
                            (self.rules_page, self.tr("规则词表")), (self.calendar_page, self.tr("工作日历")),
                            (build, self.tr("签发")), (installed, self.tr("已安装"))):
            scroll = QScrollArea(self.tabs)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self._scrolls[id(page)] = scroll
            self.tabs.addTab(scroll, title)
        for section in (self.rules_page, self.calendar_page):
            section.draft_edited.connect(self._set_draft)
            section.message.connect(lambda text, failed: self._fail(text) if failed else self._say(text))
        # the controls this window works with (the pages only hold them)
        self.search, self.category_filter = entries.search, entries.category_filter
        self.severity_filter, self.layer_filter = entries.severity_filter, entries.layer_filter
        self.entries, self.entries_view, self.count_label = entries.entries, entries.entries_view, entries.count_label
        self.trial_term, self.trial_sentence = entries.trial_term, entries.trial_sentence
        self.trial_button, self.trial_result = entries.trial_button, entries.trial_result
        self.vectors, self.vectors_view, self.vector_kind = vectors.vectors, vectors.vectors_view, vectors.vector_kind
        self.vector_text, self.vector_category = vectors.vector_text, vectors.vector_category
        self.vector_severity = vectors.vector_severity
        self.m_id, self.m_version, self.m_issuer = build.m_id, build.m_version, build.m_issuer
        self.m_effective, self.m_expires, self.m_min = build.m_effective, build.m_expires, build.m_min
        self.m_changelog, self.key_file, self.key_password = build.m_changelog, build.key_file, build.key_password
        self.output, self.build_button, self.build_log = build.output, build.build_button, build.build_log
        self.install_file, self.install_button = build.install_file, build.install_button
        self.installed, self.installed_view = installed.installed, installed.installed_view
        self.history, self.history_view = installed.history, installed.history_view

        for w in (self.category_filter, self.severity_filter, self.layer_filter):
            w.currentIndexChanged.connect(self._refilter)
        self.search.textChanged.connect(self._refilter)
        self.entries_view.doubleClicked.connect(lambda _index: self.ask_edit())
        self.entries_view.selectionModel().currentRowChanged.connect(self._row_selected)
        entries.add_button.clicked.connect(lambda: self.ask_add(allow=False))
        entries.add_allow_button.clicked.connect(lambda: self.ask_add(allow=True))
        entries.edit_button.clicked.connect(lambda: self.ask_edit())
        entries.delete_button.clicked.connect(lambda: self.delete_selected())
        entries.proposals_button.clicked.connect(self.ask_import_proposals)
        entries.import_button.clicked.connect(self.ask_import_table)
        self.trial_button.clicked.connect(lambda: self.try_term())
        vectors.add_button.clicked.connect(self._add_vector_from_fields)
        vectors.remove_button.clicked.connect(self.delete_vector)
        build.pick_key.clicked.connect(self._pick_key)
        build.pick_output.clicked.connect(self._pick_output)
        build.pick_install.clicked.connect(self._pick_install)
        self.build_button.clicked.connect(lambda: self.build())
        self.install_button.clicked.connect(lambda: self.install())
        installed.rollback_button.clicked.connect(lambda: self.rollback_selected())
        installed.refresh_button.clicked.connect(lambda: self.reload())

        self.warning = QLabel("", self)
        self.warning.setObjectName("lexiconWarning")
        self.warning.setStyleSheet("color:#b00020; font-weight:bold")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.status = QLabel("", self)
        self.status.setObjectName("lexiconStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        fit_window(self, QSize(1100, 720))     # 1366×768 less a task bar leaves ~728 px

    def show_page(self, page: QWidget) -> None:
        """Bring the tab holding `page` (one of `pages`, `rules_page`, `calendar_page`) to the front."""
        self.tabs.setCurrentWidget(self._scrolls[id(page)])

    # --- jobs ------------------------------------------------------------------------------------
    @property
    def idle(self) -> bool:
        return self.busy == 0

    def _begin(self) -> Callable[[], None]:
        """Count one job as running; the returned function ends it (once). It is passed into the
        job's own callbacks before the job starts, so a job that finishes at once is never missed."""
        self.busy += 1
        ended = False

        def end() -> None:
            nonlocal ended
            if not ended:
                ended = True
                self.busy -= 1
                self._jobs = [j for j in self._jobs if not j.done]

        return end

    def _then(self, fn: Callable[[Any], None] | None, end: Callable[[], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            try:
                if fn is not None:
                    fn(value)
            finally:
                end()

        return call

    def _keep(self, job: worker.Job) -> worker.Job:
        self._jobs.append(job)
        return job

    def _fail(self, text: str) -> None:
        self.status.setStyleSheet("color:#b00020")
        self.status.setText(text)

    def _say(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _call(self, fn: Callable[[], Any], on_result: Callable[[Any], None], name: str) -> worker.Job:
        end = self._begin()
        return self._keep(worker.run_call(fn, on_result=on_result,
                                          on_error=lambda exc: self._fail(friendly_message(exc)),
                                          on_done=lambda _ok: end(), name=name))

    def _with_ledger(self, fn: LedgerFn, on_result: Callable[[Any], None], name: str,
                     on_error: Callable[[str], None] | None = None) -> worker.Job:
        """`fn(ledger)` on the window's ledger runner (the review controller's, or OwnLedger):
        it reports a result or an error, one of which ends the job here."""
        end = self._begin()
        return self._keep(self.ledger.run(fn, self._then(on_result, end), self._then(on_error or self._fail, end),
                                          name=name))

    def _signer(self) -> Any:
        """The logged-in 保密管理员's key when there is one (the act is signed by them), else None
        (the workstation key signs)."""
        from app.users.model import Role

        session = getattr(self.ledger, "session", None)
        if session is not None and session.role is Role.SECRECY_ADMIN:
            return session.signer
        return None

    # --- loading ---------------------------------------------------------------------------------
    def reload(self, note: str = "", failed: bool = False) -> worker.Job:
        """Read the draft (the active pack, or the bundled lexicons as a first pack), the unit's
        layer, the installed packs, their history and warnings — in the worker. `note` stays in
        the status line afterwards (the outcome of what made the reload necessary)."""
        data_dir = self.data_dir

        def work(ledger: Any) -> dict[str, Any]:
            from app.packs.editor import starting_draft
            from app.packs.layers import active_packs, expired
            from app.packs.local import read_local
            from app.packs.service import history, installed

            packs = active_packs(data_dir)
            return {"draft": starting_draft(data_dir), "local": read_local(data_dir).entries,
                    "installed": installed(ledger, data_dir), "history": history(ledger)
                    + [(ev.seq, ev.kind, ev.actor, dict(ev.payload))
                       for ev in ledger.events(kinds=("lexicon_local_changed",))],
                    "warnings": expired(packs), "from_pack": bool(packs)}

        if not note:
            self._say(self.tr("正在读取词库…"))
        return self._with_ledger(work, lambda state: self._loaded(state, note, failed), "lexicon-load")

    def _loaded(self, state: dict[str, Any], note: str = "", failed: bool = False) -> None:
        from app.packs.editor import next_version

        draft: Pack = state["draft"]
        self.local = tuple(state["local"])
        self._set_draft(draft)
        m = draft.manifest
        self.m_id.setText(m.id)
        self.m_version.setText(next_version(m.version) if state["from_pack"] else m.version)
        self.m_issuer.setText(m.issuer)
        self.m_effective.setText(m.effective)
        self.m_expires.setText(m.expires)
        self.m_min.setText(m.min_mishen)
        self.m_changelog.setText("")
        self.installed.set_rows(state["installed"])
        self.history.set_rows(sorted(state["history"], key=lambda h: h[0]))
        warnings = state["warnings"]
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        source = self.tr("已启用的词库包 {0}").format(draft.label) if state["from_pack"] \
            else self.tr("程序内置词库（将作为第一个词库包）")
        loaded = self.tr("草稿来自{0}：{1} 条；本单位词库 {2} 条。").format(source, len(draft.entries), len(self.local))
        if failed:
            self._fail(note)
        else:
            self._say(f"{note}\n{loaded}" if note else loaded)

    def _set_draft(self, draft: Pack) -> None:
        self.draft = draft
        rows = [EditorEntry(BUREAU, e) for e in draft.entries] + [EditorEntry(LOCAL, e) for e in self.local]
        self.entries.set_rows(rows)
        self.vectors.set_rows([(True, v) for v in draft.must_flag] + [(False, v) for v in draft.must_not_flag])
        self.rules_page.set_draft(draft)
        self.calendar_page.set_draft(draft)
        self._refilter()

    def _refilter(self) -> None:
        self.entries.set_filter(self.search.text(), str(self.category_filter.currentData() or ""),
                                str(self.severity_filter.currentData() or ""),
                                str(self.layer_filter.currentData() or ""))
        self.count_label.setText(self.tr("显示 {0} / {1} 条").format(self.entries.rowCount(), self.entries.total))

    def set_filter(self, query: str = "", category: str = "", severity: str = "", layer: str = "") -> None:
        widgets = (self.search, self.category_filter, self.severity_filter, self.layer_filter)
        for w in widgets:
            w.blockSignals(True)   # one refilter, not one per widget
        self.search.setText(query)
        for combo, value in ((self.category_filter, category), (self.severity_filter, severity),
                             (self.layer_filter, layer)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        for w in widgets:
            w.blockSignals(False)
        self._refilter()

    def visible_rows(self) -> list[EditorEntry]:
        return list(self.entries.rows)

    # --- editing entries ----------------------------------------------------------------------------
    def selected_row(self) -> EditorEntry | None:
        index = self.entries_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _row_selected(self, current: Any, _previous: Any) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if row is not None:
            self.trial_term.setText(row.entry.term)

    def ask_add(self, *, allow: bool = False) -> EntryDialog:
        layer = str(self.layer_filter.currentData() or BUREAU)
        dialog = EntryDialog(self, allow=allow, layer=layer)
        dialog.accepted.connect(lambda: self.add_entry(dialog.result_row()))
        dialog.open()
        return dialog

    def ask_edit(self) -> EntryDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        dialog = EntryDialog(self, row)
        dialog.accepted.connect(lambda: self.replace_entry(row, dialog.result_row()))
        dialog.open()
        return dialog

    def add_entry(self, row: EditorEntry) -> worker.Job | None:
        """A new bureau entry goes into the draft (in memory until built); a local one is saved at
        once (app.packs.local, recorded in the ledger)."""
        from dataclasses import replace

        from app.packs.editor import new_entry_id, with_entries

        if self.draft is None:
            return None
        if row.layer == LOCAL:
            return self._save_local([*self.local, row.entry], "add", row.entry)
        entries = list(self.draft.entries)
        entry = row.entry if row.entry.id else replace(row.entry, id=new_entry_id(self.draft.manifest.id, entries))
        self._set_draft(with_entries(self.draft, [*entries, entry]))
        self._say(self.tr("已在草稿中加入“{0}”（生成并签名新版本后生效）。").format(entry.term))
        return None

    def replace_entry(self, old: EditorEntry, new: EditorEntry) -> worker.Job | None:
        from dataclasses import replace

        from app.packs.editor import with_entries

        if self.draft is None:
            return None
        entry = replace(new.entry, id=old.entry.id)
        if old.layer == LOCAL:
            return self._save_local([entry if e.id == old.entry.id else e for e in self.local], "edit", entry)
        self._set_draft(with_entries(self.draft, [entry if e.id == old.entry.id else e for e in self.draft.entries]))
        self._say(self.tr("已修改草稿中的“{0}”。").format(entry.term))
        return None

    def delete_selected(self) -> worker.Job | None:
        from app.packs.editor import with_entries

        row = self.selected_row()
        if row is None or self.draft is None:
            return None
        if row.layer == LOCAL:
            return self._save_local([e for e in self.local if e.id != row.entry.id], "remove", row.entry)
        self._set_draft(with_entries(self.draft, [e for e in self.draft.entries if e.id != row.entry.id]))
        self._say(self.tr("已从草稿删除“{0}”。").format(row.entry.term))
        return None

    def _save_local(self, entries: list[PackEntry], action: str, entry: PackEntry) -> worker.Job:
        data_dir, signer = self.data_dir, self._signer()

        def work(ledger: Any) -> Any:
            from app.packs.local import change_local

            return change_local(ledger, data_dir, entries, signer, action,
                                {"term": entry.term, "category": entry.category, "allow": entry.allow, "id": entry.id})

        def done(layer: Any) -> None:
            self.local = tuple(layer.entries)
            if self.draft is not None:
                self._set_draft(self.draft)
            self._say(self.tr("本单位词库已保存（第 {0} 版，已记入台帐）。").format(layer.revision))
            self.lexicons_changed.emit()

        return self._with_ledger(work, done, "lexicon-local")

    def ask_import_proposals(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入误报建议"), "", self.tr("表格 (*.csv *.xlsx)"))
        if path:
            self.import_proposals(Path(path))

    def import_proposals(self, path: Path) -> worker.Job | None:
        """Read a proposals file (lexicon proposals, or any import table) as candidate allow
        entries of the draft."""
        if self.draft is None:
            return None
        draft = self.draft

        def work() -> list[PackEntry]:
            from app.packs.editor import candidate_entries

            return candidate_entries([path], draft)

        def done(entries: list[PackEntry]) -> None:
            from app.packs.editor import with_entries

            if self.draft is not None:
                self._set_draft(with_entries(self.draft, [*self.draft.entries, *entries]))
            self.set_filter(category="allow")
            self._say(self.tr("已导入 {0} 条候选白名单，请逐条核对后生成新版本。").format(len(entries)))

        return self._call(work, done, "lexicon-proposals")

    def ask_import_table(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("导入词表"), "",
                                                self.tr("词表 (*.xlsx *.csv *.txt)"))
        if paths:
            self.import_table([Path(p) for p in paths])

    def import_table(self, paths: list[Path]) -> worker.Job | None:
        """Bureau word lists (and vector tables) into the draft as new entries, read in the worker
        by the importer `mishen lexicon import` uses, with its rule: any malformed row (listed with
        file and row number in a dialog) or an unreadable file, and nothing is added."""
        if self.draft is None:
            return None
        draft = self.draft
        names = "、".join(p.name for p in paths)

        def work() -> Any:
            from app.packs.editor import import_into_draft

            return import_into_draft(paths, draft)

        def done(result: Any) -> None:
            from app.packs.editor import with_entries

            if self.draft is not None:
                d = self.draft
                self._set_draft(with_entries(d, [*d.entries, *result.entries], [*d.must_flag, *result.must_flag],
                                             [*d.must_not_flag, *result.must_not_flag]))
            vectors = len(result.must_flag) + len(result.must_not_flag)
            self._say(self.tr("已从 {0} 导入 {1} 条词条、{2} 条测试用例到草稿（生成并签名新版本后生效）。")
                      .format(names, len(result.entries), vectors))

        def failed(exc: BaseException) -> None:
            self._fail(self.tr("导入词表失败，草稿未改动：{0}").format(names))
            self._show_import_errors(friendly_message(exc))

        end = self._begin()
        return self._keep(worker.run_call(work, on_result=done, on_error=failed, on_done=lambda _ok: end(),
                                          name="lexicon-import"))

    def _show_import_errors(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("导入词表失败"),
                          self.tr("以下问题须先在词表中改正（整份词表未导入，草稿未改动）："), QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("lexiconImportErrors")
        box.setInformativeText(text)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_dialog = box
        box.open()

    # --- trying a term -------------------------------------------------------------------------
    def try_term(self, term: str | None = None, sentence: str | None = None) -> worker.Job | None:
        """The term (or the selected entry) on the sentence: normalised forms, where it matches, and
        what the draft's whole engine (with the unit's layer) reports — in the worker."""
        from app.packs.editor import draft_engine, try_term

        text = self.trial_term.text().strip() if term is None else term
        if term is not None:
            self.trial_term.setText(term)
        if sentence is not None:
            self.trial_sentence.setPlainText(sentence)
        said = self.trial_sentence.toPlainText()
        if not text or self.draft is None:
            self._fail(self.tr("请填写词条和句子。"))
            return None
        row = self.selected_row()
        base = row.entry if row is not None and row.entry.term == text else None
        entry = base or PackEntry("trial", text, Category.SENSITIVE_TERM.value, Severity.HIGH.value)
        draft, data_dir = self.draft, self.data_dir
        return self._call(lambda: try_term(entry, said, draft_engine(draft, data_dir)), self._show_trial, "lexicon-try")

    def _show_trial(self, trial: Any) -> None:
        from html import escape

        self.trial = trial
        lines = [self.tr("规范化词条：<b>{0}</b>").format(escape(trial.term_normalised)),
                 self.tr("规范化句子：{0}").format(escape(trial.sentence_normalised))]
        if trial.problem:
            lines.append(f"<span style='color:#b00020'>{escape(trial.problem)}</span>")
        if trial.matches:
            lines.append(self.tr("命中 {0} 处：{1}").format(len(trial.matches), "、".join(
                f"“{escape(m.text)}”（第 {m.start + 1}–{m.end} 字）" for m in trial.matches)))
        else:
            lines.append(self.tr("该词条在句子中<b>没有命中</b>。"))
        if trial.findings:
            lines.append(self.tr("整套词库与规则报出：") + "；".join(
                f"“{escape(f.text)}”（{escape(category_label(f.category.value))}/"
                f"{escape(severity_label(f.severity.value))}，{escape(f.rule_name)}）" for f in trial.findings))
        else:
            lines.append(self.tr("整套词库与规则：未报出问题。"))
        self.trial_result.setHtml("<br>".join(lines))

    # --- vectors -----------------------------------------------------------------------------------
    def add_vector(self, text: str, must_flag: bool = True, category: str = "", min_severity: str = "") -> None:
        from app.packs.editor import with_entries

        if self.draft is None or not text.strip():
            return
        v = Vector(text.strip(), category, min_severity)
        flag = [*self.draft.must_flag, v] if must_flag else list(self.draft.must_flag)
        quiet = list(self.draft.must_not_flag) if must_flag else [*self.draft.must_not_flag, v]
        self._set_draft(with_entries(self.draft, self.draft.entries, flag, quiet))

    def _add_vector_from_fields(self) -> None:
        self.add_vector(self.vector_text.text(), bool(self.vector_kind.currentData()),
                        str(self.vector_category.currentData() or ""), str(self.vector_severity.currentData() or ""))
        self.vector_text.clear()

    def delete_vector(self) -> None:
        from app.packs.editor import with_entries

        index = self.vectors_view.currentIndex()
        if not index.isValid() or self.draft is None:
            return
        flag, v = self.vectors.rows[index.row()]
        must = [x for x in self.draft.must_flag if not (flag and x == v)]
        quiet = [x for x in self.draft.must_not_flag if not (not flag and x == v)]
        self._set_draft(with_entries(self.draft, self.draft.entries, must, quiet))

    # --- build, sign, install, roll back -------------------------------------------------------------
    def _pick_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("签发密钥文件"))
        if path:
            self.key_file.setText(path)

    def _pick_output(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("输出词库包"), "", self.tr("词库包 (*.json)"))
        if path:
            self.output.setText(path)

    def _pick_install(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("已签名的词库包"), "", self.tr("词库包 (*.json)"))
        if path:
            self.install_file.setText(path)

    def manifest(self) -> Manifest:
        return Manifest(self.m_id.text().strip(), self.m_version.text().strip(), self.m_issuer.text().strip(),
                        self.m_effective.text().strip(), self.m_expires.text().strip(),
                        self.m_min.text().strip() or "0.1.0", self.m_changelog.text().strip())

    def build(self) -> worker.Job | None:
        """Build and sign a new version from the draft (app.packs.editor.build_signed)."""
        from app.packs.editor import build_signed, with_entries

        if self.draft is None:
            return None
        key, password, output = self.key_file.text().strip(), self.key_password.text(), self.output.text().strip()
        if not key or not password or not output:
            self._fail(self.tr("请填写签发密钥文件、密钥密码和输出文件。"))
            return None
        draft = with_entries(self.draft, self.draft.entries, manifest=self.manifest())
        data_dir = self.data_dir
        self.build_log.clear()
        self.build_button.setEnabled(False)

        def step(s: Any) -> None:
            self.build_log.appendPlainText(s.message)
            self._say(s.message)
            if s.path is not None:
                self.built = s.path
                self.install_file.setText(str(s.path))

        def failed(exc: BaseException) -> None:
            self.build_log.appendPlainText(friendly_message(exc))
            self._fail(friendly_message(exc))

        end = self._begin()

        def finished(_ok: bool) -> None:
            self.build_button.setEnabled(True)
            self.key_password.clear()
            end()

        def steps() -> Iterable[Any]:
            return build_signed(draft, key, password, output, data_dir)

        return self._keep(worker.run_iter(steps, on_item=step, on_error=failed, on_done=finished,
                                          name="lexicon-build"))

    def install(self, path: str | Path | None = None) -> worker.Job | None:
        """Install a signed pack: every check of `mishen lexicon install`, recorded in the ledger."""
        target = Path(path) if path is not None else Path(self.install_file.text().strip())
        if not str(target) or str(target) == ".":
            self._fail(self.tr("请选择已签名的词库包。"))
            return None
        data_dir, signer = self.data_dir, self._signer()

        def work(ledger: Any) -> Any:
            from app.packs.errors import PackInputError
            from app.packs.format import MAX_PACK_BYTES
            from app.packs.service import install

            try:
                if target.stat().st_size > MAX_PACK_BYTES:
                    raise PackInputError(f"词库包 {target.name} 过大。")
                data = target.read_bytes()
            except OSError as exc:
                raise PackInputError(f"无法读取词库包 {target}：{exc.strerror or exc}") from exc
            return install(ledger, data, data_dir, signer)

        def done(result: Any) -> None:
            pack, notes = result
            self.lexicons_changed.emit()
            self.reload(self.tr("已安装词库包 {0}：{1}").format(pack.label, "；".join(notes)))

        def refused(text: str) -> None:
            self.reload(text, failed=True)  # the refusal is in the history

        return self._with_ledger(work, done, "lexicon-install", refused)

    def rollback_selected(self, version: str | None = None, pack_id: str | None = None) -> worker.Job | None:
        if version is None:
            index = self.installed_view.currentIndex()
            if not index.isValid():
                self._fail(self.tr("请先选择要回退到的版本。"))
                return None
            row = self.installed.rows[index.row()]
            version, pack_id = row.version, row.id
        data_dir, signer = self.data_dir, self._signer()

        def work(ledger: Any) -> Any:
            from app.packs.service import rollback

            return rollback(ledger, data_dir, version, pack_id, signer)

        def done(result: Any) -> None:
            pid, old, new = result
            self.lexicons_changed.emit()
            self.reload(self.tr("已将词库包 {0} 从 {1} 回退到 {2}（已记入台帐）。").format(pid, old, new))

        return self._with_ledger(work, done, "lexicon-rollback")

    def closeEvent(self, event: Any) -> None:
        for job in self._jobs:
            job.detach()
        super().closeEvent(event)
