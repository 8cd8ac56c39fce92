"""领导审批视图: a focused screen for levels 3 and 4 — the document itself (read-only, the main
window's view) beside the summary: every item by severity with its disposition (同意公开 /
须修改 chosen here at a deciding level), waivers and false alarms with who, when and why, the
version history, earlier opinions, a large 批示 box, and approve / return / reject / escalate."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.exports.timefmt import local_time
from app.model import Severity
from ui.review.items_table import ItemsTable, undecided_text
from ui.review.review_models import level_rows
from ui.shell.labels import SEVERITY_BG, SEVERITY_ORDER, severity_name
from ui.shell.screen_fit import fit_window

PREFERRED_SIZE = QSize(1200, 800)


def findings_digest(page: Any, review: Any) -> str:
    """HTML: counts per severity, blocks still open, then every waiver and false alarm (who, when,
    why) and the version history with the checks of revised files."""
    from app.review.gating import open_blocks
    from app.review.show import signer_display

    esc = html.escape
    report = page.report
    counts: dict[Severity, int] = {}
    for f in report.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    chips = " ".join(f"<span style='background:{SEVERITY_BG[s]}'>&nbsp;{severity_name(s)} {counts[s]}&nbsp;</span>"
                     for s in SEVERITY_ORDER if counts.get(s)) or "未发现问题"
    blocks = open_blocks(review) if review is not None else ()
    out = [f"<p><b>审查发现：</b>{chips}</p>"]
    if review is not None:
        out.append(f"<p style='color:#555'>签署针对的文稿：{esc(review.current.name)}（第 {review.current.number} 版）"
                   f"<br>SHA-256 <code>{review.current.sha256}</code></p>")
    if blocks:
        out.append(f"<p style='color:#c00000'><b>尚有 {len(blocks)} 处禁止发布的内容未处理</b></p>")
    texts = {f.id: f.text for f in report.findings}
    records = []
    if review is not None:
        for w in review.current_waivers:
            who = signer_display(w.signer, "", w.signer_role, w.imported_from)
            records.append(f"<li><b>豁免</b>“{esc(texts.get(w.finding_id, w.finding_id)[:40])}”：{esc(who)}，"
                           f"{esc(local_time(w.time))}，理由：{esc(w.reason)}</li>")
    from ui.review.dispositions import Status

    for f in report.findings:
        d = page.dispositions.get(f.id)
        if d.status is Status.FALSE_ALARM:
            records.append(f"<li><b>误报</b>“{esc(f.text[:40])}”：{esc(d.who or '—')}，{esc(d.when)}，"
                           f"理由：{esc(d.reason)}</li>")
    out.append("<p><b>豁免与误报：</b></p>" + (f"<ul>{''.join(records)}</ul>" if records else "<p>无</p>"))
    if review is not None:
        rows = []
        for v in review.versions:
            c = review.check_into(v.number)
            note = "" if c is None else ("，修改稿核验通过" if c.passed else f"，修改稿核验未通过，退回第 {c.level} 级")
            rows.append(f"<li>第 {v.number} 版 {esc(v.name)}（{esc(local_time(v.time))}，SHA-256 "
                        f"<code>{v.sha256[:16]}…</code>，问题 {len(v.findings)} 处{note}）</li>")
        out.append(f"<p><b>版本：</b></p><ul>{''.join(rows)}</ul>")
    return "".join(out)


def opinions_html(review: Any) -> str:
    esc = html.escape
    rows = [r for r in level_rows(review) if r["signer"]]
    if not rows:
        return "<p style='color:#777'>尚无前级意见。</p>"
    return "".join(f"<p><b>{esc(r['name'])}</b>　{esc(r['signer'])}　{esc(r['time'])}<br>"
                   f"决定：{esc(r['decision'])}　意见：{esc(r['opinion']) or '—'}</p>" for r in rows)


class LeaderView(QWidget):
    signed = Signal()

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("leaderView")
        self.setWindowTitle(self.tr("领导审批"))
        self.controller = controller
        self.page: Any = None
        self.level: int | None = None
        self.header = QLabel(self)
        self.header.setObjectName("leaderHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.header.setFont(big)
        self.digest = QTextBrowser(self)
        self.digest.setObjectName("leaderDigest")
        self.opinions = QTextBrowser(self)
        self.opinions.setObjectName("leaderOpinions")
        self.instruction = QPlainTextEdit(self)
        self.instruction.setObjectName("instruction")
        self.instruction.setPlaceholderText(self.tr("批示意见"))
        self.instruction.setFont(big)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("签名密码"))
        self.gate = QLabel(self)
        self.gate.setObjectName("leaderGating")
        self.gate.setWordWrap(True)
        self.gate.setStyleSheet("color:#c00000;")
        self.approve_button = QPushButton(self.tr("同意发布"), self)
        self.return_button = QPushButton(self.tr("退回修改"), self)
        self.reject_button = QPushButton(self.tr("不予发布"), self)
        self.escalate_button = QPushButton(self.tr("报上级审核"), self)
        from app.review import Decision

        self._buttons = {Decision.APPROVE: self.approve_button, Decision.RETURN: self.return_button,
                         Decision.REJECT: self.reject_button, Decision.ESCALATE: self.escalate_button}
        for decision, button in self._buttons.items():
            button.setMinimumHeight(max(32, button.sizeHint().height()))
            button.clicked.connect(lambda _=False, d=decision: self.decide(d))
        self.approve_button.setStyleSheet("font-weight:bold;")

        # left: the document itself, read-only, as in the main window; right: the summary tabs
        self.document_box = QWidget(self)
        self.document_box.setObjectName("leaderDocument")
        self.document_layout = QVBoxLayout(self.document_box)
        self.document_layout.setContentsMargins(0, 0, 0, 0)
        self.document_layout.addWidget(QLabel(self.tr("文稿（只读）"), self))
        self.document_page: Any = None
        self.items = ItemsTable(self)
        self.items.setObjectName("leaderItems")
        self.items.changed.connect(self.update_gate)
        self.items.cellClicked.connect(self._show_item)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.items, self.tr("问题及处理"))
        self.tabs.addTab(self.digest, self.tr("豁免、误报与版本"))
        self.tabs.addTab(self.opinions, self.tr("前级意见"))
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs, 3)
        right_layout.addWidget(QLabel(self.tr("批示"), self))
        right_layout.addWidget(self.instruction, 1)
        for box in (self.digest, self.opinions, self.instruction, self.items):
            box.setMinimumHeight(60)
        self.split = QSplitter(self)
        self.split.setObjectName("leaderSplit")
        self.split.addWidget(self.document_box)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 2)      # the items table (choice and reason) gets the wider half
        self.split.setStretchFactor(1, 3)
        self.split.setChildrenCollapsible(False)
        # the password, the gating reason and the decision buttons sit below the splitter, outside
        # anything that scrolls or shrinks: they are on screen whatever the screen and font size
        self.decision_bar = QWidget(self)
        self.decision_bar.setObjectName("leaderDecisions")
        bar = QVBoxLayout(self.decision_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.password)
        bar.addWidget(self.gate)
        row = QHBoxLayout()
        for b in self._buttons.values():
            row.addWidget(b)
        bar.addLayout(row)
        self.decision_bar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.decision_bar)
        fit_window(self, PREFERRED_SIZE)
        self.split.setSizes([2 * self.width() // 5, 3 * self.width() // 5])

    def set_page(self, page: Any) -> None:
        if page is not self.page:
            self.keep_typed()
            self._show_document(page)
        self.page = page
        self.refresh()

    def _show_document(self, page: Any) -> None:
        """The same document view as the main window (ui.document), read-only, for this page."""
        from ui.document.document_page import DocumentPage
        from ui.review.dispositions import Status

        if self.document_page is not None:
            self.document_page.shutdown()
            self.document_page.deleteLater()
            self.document_page = None
        if page is None or getattr(page, "report", None) is None or page.report.document is None:
            return
        view = DocumentPage(page.report, self.document_box)
        view.setObjectName("leaderDocumentPage")
        view.dispositions.load({f.id: d for f in page.report.findings
                                if (d := page.dispositions.get(f.id)).status is not Status.OPEN})
        self.document_layout.addWidget(view, 1)
        self.document_page = view

    def _show_item(self, row: int, _column: int) -> None:
        if self.document_page is None or not (0 <= row < len(self.items.refs)):
            return
        fid = self.items.refs[row].id
        f = next((x for x in self.document_page.report.findings if x.id == fid), None)
        if f is not None:
            self.document_page.show_finding(f)

    def keep_typed(self) -> None:
        """Dispositions typed but not signed are kept for the next time (and across a restart)."""
        review = getattr(self.page, "review", None) if self.page is not None else None
        if review is not None and self.items.choices:
            self.controller.keep_proposals(review, self.items.decisions())

    def closeEvent(self, event: Any) -> None:
        self.keep_typed()
        super().closeEvent(event)

    def refresh(self) -> None:
        from app.review import review_state

        page = self.page
        review = getattr(page, "review", None) if page is not None else None
        if review is None:
            self.header.setText(self.tr("请先打开文稿并建立审核单"))
            self.digest.clear()
            self.opinions.clear()
            self.items.setRowCount(0)
            for b in self._buttons.values():
                b.setEnabled(False)
            return
        state = review_state(review)
        self.level = state.next_level
        v = review.current
        lv = review.route.level(self.level) if self.level else None
        esc = html.escape
        self.header.setText(
            f"<b>{esc(review.title)}</b>　<span style='color:#555'>{esc(review.unit)}</span><br>"
            f"<span style='font-size:small;color:#555'>{review.id} · 第 {v.number} 版 · {esc(v.info_class.label)}信息 · "
            f"{esc(review.disclosure.label)} · SHA-256 {v.sha256[:16]}… · {esc(state.message)}"
            f"{' · 本次签署：' + esc(lv.name) if lv else ''}</span>")
        self.digest.setHtml(findings_digest(page, review))
        self.opinions.setHtml(opinions_html(review))
        from app.review.dispositions import deciding
        from ui.review.sign_dialog import dismissed_of, proposals

        self.items.set_review(review, dismissed_of(page),
                              deciding=self.level is not None and deciding(review, self.level),
                              proposals=proposals(self.controller, review))
        self.update_gate()

    def gating(self, decision: Any) -> str:
        from app.review import Decision
        from app.review.gating import check_sign

        session = self.controller.session
        review = getattr(self.page, "review", None)
        if review is None or self.level is None:
            return self.tr("没有待签署的审核级别")
        if session is None:
            return self.tr("请先登录")
        from app.review.dispositions import decisions_for
        from app.review.projection import ReviewError

        missing = self.items.missing_text()
        if missing and decision is Decision.APPROVE:
            return missing
        try:
            decided = decisions_for(review, self.items.decisions()) if decision is Decision.APPROVE else {}
        except ReviewError as exc:
            return exc.message
        verdict = check_sign(review, self.level, session.role, decision, self.instruction.toPlainText() or "批示",
                             dispositions=decided)
        if verdict.code == "undecided":   # the table names the items; the ids are for the command line
            return undecided_text(review, decided)
        return "" if verdict.allowed else verdict.reason

    def update_gate(self) -> None:
        from app.review import Decision

        reasons = {d: self.gating(d) for d in self._buttons}
        for d, b in self._buttons.items():
            b.setEnabled(not reasons[d])
            b.setToolTip(reasons[d])
        self.gate.setText(reasons[Decision.APPROVE] or reasons[Decision.RETURN])

    def decide(self, decision: Any) -> None:
        reason = self.gating(decision)
        if reason:
            self.gate.setText(reason)
            return
        if not self.instruction.toPlainText().strip():
            self.gate.setText(self.tr("请填写批示意见"))
            return
        if not self.password.text():
            self.gate.setText(self.tr("请输入签名密码"))
            return
        for b in self._buttons.values():
            b.setEnabled(False)
        self.gate.setText(self.tr("正在签署…"))
        self.controller.sign(self.page, level=self.level, decision=decision,
                             opinion=self.instruction.toPlainText(), password=self.password.text(),
                             decisions=self.items.decisions() if decision.value == "approve" else (),
                             on_done=self._done)

    def _done(self, ok: bool, text: str) -> None:
        if ok:
            self.password.clear()
            self.instruction.clear()
            self.refresh()
            self.gate.setText(self.tr("已签署并记入领导审批台帐"))
            self.signed.emit()
        else:
            self.update_gate()
            self.gate.setText(text)
