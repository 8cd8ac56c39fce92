"""签署: shows exactly what is being signed (document, hashes, findings still open), the decision,
the opinion and the password. Gating is checked as the user types, in plain Chinese."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QTextBrowser, QWidget

from app.model import Severity
from ui.review.items_table import ItemsTable, undecided_text
from ui.review.review_dialogs import ReviewDialogBase
from ui.shell.labels import severity_name
from ui.shell.screen_fit import fit_window


def signing_summary(review: Any, page: Any) -> str:
    """HTML describing the statement a signature covers."""
    from app.review.gating import open_blocks, review_state

    v = review.current
    esc = html.escape
    blocks = open_blocks(review)
    ui_open = page.dispositions.open_findings(page.report.findings) if page is not None else []
    by_sev: dict[Severity, int] = {}
    for f in ui_open:
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
    open_text = "、".join(f"{severity_name(s)} {n} 处" for s, n in sorted(by_sev.items(), key=lambda x: -x[0].rank))
    rows = [
        ("审核单", f"{esc(review.id)}　{esc(review.title)}"),
        ("文稿", f"{esc(v.name)}（第 {v.number} 版，{v.size} 字节）"),
        ("文档 SHA-256", f"<code>{v.sha256}</code>"),
        ("扫描报告哈希", f"<code>{v.report_sha256}</code>"),
        ("信息类别", esc(v.info_class.label)),
        ("公开属性", esc(review.disclosure.label)),
        ("未处理的问题", esc(open_text) or "无"),
        ("审核状态", esc(review_state(review).message)),
    ]
    body = "".join(f"<tr><td style='color:#555;padding-right:8px;white-space:nowrap'>{k}</td><td>{val}</td></tr>"
                   for k, val in rows)
    out = f"<table>{body}</table>"
    if blocks:
        items = "".join(f"<li>{esc(f.text)}（{esc(f.message)}）</li>" for f in blocks)
        out += f"<p style='color:#c00000'><b>禁止发布的内容 {len(blocks)} 处未处理：</b></p><ul>{items}</ul>"
    return out


def dismissed_of(page: Any) -> dict[str, Any]:
    """Finding id → the panel's false-alarm/waiver disposition (who, reason) for the table."""
    from ui.review.dispositions import Status

    if page is None:
        return {}
    return {f.id: d for f in page.report.findings
            if (d := page.dispositions.get(f.id)).status is Status.FALSE_ALARM}


def proposals(controller: Any, review: Any) -> dict[str, tuple[str, str]]:
    """同意公开/须修改 marks kept for this document before the review existed (pre-filled)."""
    from app.review.drafts import load_drafts
    from app.review.projection import ReviewError

    try:
        marks = load_drafts(controller.data_path, review.current.sha256)
    except (ReviewError, OSError):
        return {}
    return {m.finding_id: (m.kind, m.reason) for m in marks if m.kind in ("agree", "change")}


class SignDialog(ReviewDialogBase):
    def __init__(self, controller: Any, page: Any, level: int, parent: QWidget | None = None) -> None:
        from app.review import Decision

        super().__init__(self.tr("签署审核意见"), parent)
        self.setObjectName("signDialog")
        self.controller = controller
        self.page = page
        self.review = page.review
        self.level = level
        lv = self.review.route.level(level)
        self.summary = QTextBrowser(self)
        self.summary.setObjectName("signSummary")
        self.summary.setHtml(signing_summary(self.review, page))
        self.summary.setMinimumHeight(120)
        from app.review.dispositions import deciding

        self.deciding = deciding(self.review, level)
        self.items = ItemsTable(self)
        self.items.set_review(self.review, dismissed_of(page), deciding=self.deciding,
                              proposals=proposals(controller, self.review))
        self.items.setMinimumHeight(140)
        self.items_note = QLabel(self.tr("本级为决定级别：同意前须对每一处高风险问题选择“同意公开”（写明理由）或"
                                         "“须修改”（写明修改内容）；有须修改的问题时，同意须待修改稿核验后生效。")
                                 if self.deciding else self.tr("未处理的问题（本级签署即表示已审阅以下各项）："), self)
        self.items_note.setWordWrap(True)
        self.level_label = QLabel(lv.name if lv else str(level), self)
        session = controller.session
        self.signer_label = QLabel(f"{session.name}（{session.role_label}）" if session else self.tr("未登录"), self)
        self.decision = QComboBox(self)
        for d in Decision:
            self.decision.addItem(d.label, d.value)
        self.opinion = QPlainTextEdit(self)
        self.opinion.setPlaceholderText(self.tr("审核意见 / 批示") + (self.tr("（本级必填）")
                                                                    if lv and lv.opinion_required else ""))
        self.opinion.setMaximumHeight(110)
        self._default = ""
        if not (lv and lv.opinion_required):   # levels 1–2: a short default opinion, shown and editable
            from app.review.service import default_opinion

            self._default = default_opinion(self.review, level, Decision.APPROVE)
            self.opinion.setPlainText(self._default)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("签名密码"))
        self.form.addRow(self.summary)
        self.form.addRow(self.items_note)
        self.form.addRow(self.items)
        self.form.addRow(self.tr("签署级别"), self.level_label)
        self.form.addRow(self.tr("签署人"), self.signer_label)
        self.form.addRow(self.tr("决定"), self.decision)
        self.form.addRow(self.tr("意见"), self.opinion)
        self.form.addRow(self.tr("密码"), self.password)
        self.ok_button.setText(self.tr("签署"))
        self.decision.currentIndexChanged.connect(self._decision_changed)
        self.opinion.textChanged.connect(self.check)
        self.password.textChanged.connect(self.check)
        self.items.changed.connect(self.check)
        fit_window(self, QSize(860, 720))
        self.check()

    def _decision_changed(self) -> None:
        """Keep the default opinion in step with the decision unless the user typed their own."""
        if self._default and self.opinion.toPlainText() == self._default:
            from app.review.service import default_opinion

            self._default = default_opinion(self.review, self.level, self.chosen_decision())
            self.opinion.setPlainText(self._default)
        self.check()

    def reject(self) -> None:
        """Closed without signing: the dispositions typed are kept for the next time."""
        if self.items.choices:
            self.controller.keep_proposals(self.review, self.items.decisions())
        super().reject()

    def set_decision(self, decision: Any) -> None:
        self.decision.setCurrentIndex(self.decision.findData(decision.value))

    def chosen_decision(self) -> Any:
        from app.review import Decision

        return Decision(self.decision.currentData())

    def gating(self) -> str:
        """Why signing is not possible now (empty when it is)."""
        from app.review.gating import check_sign

        session = self.controller.session
        if session is None:
            return self.tr("请先登录")
        from app.review.dispositions import decisions_for
        from app.review.projection import ReviewError

        missing = self.items.missing_text()
        if missing:
            return missing
        try:
            decided = decisions_for(self.review, self.items.decisions())
        except ReviewError as exc:
            return exc.message
        verdict = check_sign(self.review, self.level, session.role, self.chosen_decision(),
                             self.opinion.toPlainText(), dispositions=decided)
        if verdict.code == "undecided":   # the table names the items; the ids are for the command line
            return undecided_text(self.review, decided)
        return "" if verdict.allowed else verdict.reason

    def check(self) -> None:
        reason = self.gating()
        self.error.setText(reason)
        self.ok_button.setEnabled(not reason and bool(self.password.text()))

    def submit(self) -> None:
        if self.gating():
            self.check()
            return
        self.busy(True)
        self.controller.sign(self.page, level=self.level, decision=self.chosen_decision(),
                             opinion=self.opinion.toPlainText(), password=self.password.text(),
                             decisions=self.items.decisions(), on_done=self.done_with)
