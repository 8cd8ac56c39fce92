"""审核 panel: who is logged in, the document's review (class, disclosure, route with each level's
state) and the next action for the logged-in user, with gating reasons in plain Chinese."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.review.review_models import RouteColumn, RouteModel


def next_action(review: Any, session: Any, page: Any = None) -> tuple[str, str, int | None]:
    """(what happens next, why the logged-in user cannot approve now — empty when they can, level)."""
    from app.review import Decision, review_state
    from app.review.gating import check_sign

    state = review_state(review)
    if state.next_level is None:
        return state.message, "", None
    lv = review.route.level(state.next_level)
    name = lv.name if lv else f"第 {state.next_level} 级"
    if session is None:
        return f"待{name}签署", "请先登录", state.next_level
    verdict = check_sign(review, state.next_level, session.role, Decision.APPROVE, "意见")
    if verdict.allowed:
        return f"请您签署{name}", "", state.next_level
    if verdict.code == "blocked":
        return f"请您签署{name}（可退回修改或不予发布）", verdict.reason, state.next_level
    if verdict.code == "undecided":   # decided one by one in the sign dialog or the leader view
        return (f"请您签署{name}（同意前须对每一处高风险问题选择“同意公开”或“须修改”）", "", state.next_level)
    return f"待{name}签署", verdict.reason, state.next_level


class ReviewPanel(QWidget):
    open_review_requested = Signal()
    sign_requested = Signal(int)
    login_requested = Signal()
    logout_requested = Signal()
    leader_view_requested = Signal()
    resubmit_requested = Signal()
    consult_requested = Signal()       # 征求意见… (ui/review/consult_dialog.py)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.page: Any = None
        self.session: Any = None
        self.user_label = QLabel(self)
        self.login_button = QPushButton(self.tr("登录…"), self)
        self.logout_button = QPushButton(self.tr("退出登录"), self)
        self.login_button.clicked.connect(self.login_requested)
        self.logout_button.clicked.connect(self.logout_requested)
        top = QHBoxLayout()
        top.addWidget(self.user_label, 1)
        top.addWidget(self.login_button)
        top.addWidget(self.logout_button)

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.info_class = QLabel(self)
        self.disclosure = QLabel(self)
        form = QFormLayout()
        form.addRow(self.tr("审核单"), self.title)
        form.addRow(self.tr("状态"), self.status)
        form.addRow(self.tr("信息类别"), self.info_class)
        form.addRow(self.tr("公开属性"), self.disclosure)

        self.route_model = RouteModel(self)
        self.route = QTableView(self)
        self.route.setObjectName("routeTable")
        self.route.setModel(self.route_model)
        self.route.verticalHeader().hide()
        self.route.setWordWrap(True)
        header = self.route.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RouteColumn.OPINION, QHeaderView.ResizeMode.Stretch)

        self.next_label = QLabel(self)
        self.next_label.setObjectName("nextAction")
        self.next_label.setWordWrap(True)
        self.next_label.setStyleSheet("font-weight: bold;")
        self.gate_label = QLabel(self)
        self.gate_label.setObjectName("gating")
        self.gate_label.setWordWrap(True)
        self.gate_label.setStyleSheet("color:#c00000;")

        self.open_button = QPushButton(self.tr("建立审核单…"), self)
        self.sign_button = QPushButton(self.tr("签署…"), self)
        self.leader_button = QPushButton(self.tr("领导审批视图"), self)
        self.resubmit_button = QPushButton(self.tr("提交修改稿…"), self)
        self.resubmit_button.setObjectName("resubmit")
        self.resubmit_button.setToolTip(self.tr("退回修改、修改后发布或文稿已修改时，提交新版本重新审核"))
        self.resubmit_button.clicked.connect(self.resubmit_requested)
        self.open_button.clicked.connect(self.open_review_requested)
        self.sign_button.clicked.connect(lambda: self.sign_requested.emit(self._next_level or 0))
        self.leader_button.clicked.connect(self.leader_view_requested)
        self.consult_button = QPushButton(self.tr("征求意见…"), self)
        self.consult_button.setObjectName("consult")
        self.consult_button.setToolTip(self.tr("信息涉及其他单位时，向已登记的单位征求意见（5 个工作日内答复，逾期视为同意）"))
        self.consult_button.clicked.connect(self.consult_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.leader_button)
        buttons.addWidget(self.resubmit_button)
        buttons.addWidget(self.consult_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.route, 1)
        layout.addWidget(self.next_label)
        layout.addWidget(self.gate_label)
        layout.addLayout(buttons)
        self._next_level: int | None = None
        self._consultations: tuple[str, str, tuple[Any, ...]] = ("", "", ())
        self.refresh()

    def set_consultations(self, review_id: str, document_sha256: str, consultations: tuple[Any, ...]) -> None:
        """The consultations (app.review.consult_model.Consultation) of a review's version, read from
        the ledger by the integration; shown in the status line while one is open."""
        self._consultations = (review_id, document_sha256, tuple(consultations))
        self.refresh()

    def consultation_note(self, review: Any) -> str:
        """“征求意见中：XX单位，答复期限 2026年12月9日；答复前不能同意发布” for the open consultations
        of the current version (empty when none, or not yet read for this version)."""
        rid, sha, items = self._consultations
        if review is None or rid != review.id or sha != review.current.sha256:
            return ""
        from app.review.consult_model import ConsultStatus

        waiting = [c for c in items if c.status is ConsultStatus.OPEN and c.document_sha256 == sha]
        if not waiting:
            return ""
        names = "、".join(f"{c.to_unit}，答复期限 {c.due_date.year}年{c.due_date.month}月{c.due_date.day}日"
                         for c in waiting)
        return self.tr("征求意见中：{0}；答复前不能同意发布").format(names)

    def summary_line(self) -> str:
        """One line for the status bar: the review's state and the next step (the dock may be hidden)."""
        if self.page is None:
            return ""
        state = self.status.text() or self.title.text()
        state = "" if "<" in state else state
        step = self.next_label.text().removeprefix("下一步：")
        if not step or step in state:
            return "审核：" + state
        if not state or state in step:
            return "审核：" + step
        return f"审核：{state}；下一步：{step}"

    def set_state(self, page: Any, session: Any) -> None:
        self.page = page
        self.session = session
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        self.user_label.setText(self.tr("当前用户：{0}（{1}）").format(s.name, s.role_label) if s
                                else self.tr("未登录"))
        self.login_button.setText(self.tr("切换用户…") if s else self.tr("登录…"))
        self.logout_button.setVisible(s is not None)
        page = self.page
        review = getattr(page, "review", None) if page is not None else None
        self.route_model.set_review(review)
        self._next_level = None
        self.open_button.setVisible(page is not None and review is None)
        self.open_button.setEnabled(s is not None)
        self.open_button.setToolTip("" if s else self.tr("请先登录"))
        self.resubmit_button.setVisible(_can_resubmit(review))
        self.consult_button.setVisible(_can_resubmit(review))   # while the review is open
        self.resubmit_button.setEnabled(s is not None)
        if page is None:
            self._blank(self.tr("未打开文稿"))
            return
        if review is None:
            self._blank(self.tr("尚未建立审核单"))
            self.next_label.setText(self.tr("下一步：建立审核单，进入审核流程"))
            self.gate_label.setText("" if s else self.tr("请先登录"))
            return
        from app.review import review_state

        state = review_state(review)
        v = review.current
        self.title.setText(f"{html.escape(review.title)}<br><span style='color:#777'>{review.id} · "
                           f"{html.escape(review.route.title)} · 第 {v.number} 版</span>")
        note = self.consultation_note(review)
        self.status.setText(f"{state.message}；{note}" if note else state.message)
        cls = v.info_class.label
        if v.class_overridden:
            cls += self.tr("（系统建议：{0}，已人工调整）").format(v.suggested_class.label)
        else:
            cls += self.tr("（系统建议）")
        self.info_class.setText(cls)
        disc = review.disclosure.label + (f"（{review.disclosure_reason}）" if review.disclosure_reason else "")
        self.disclosure.setText(disc)
        what, why, level = next_action(review, s, page)
        self._next_level = level
        self.next_label.setText(self.tr("下一步：{0}").format(what))
        self.gate_label.setText(why)
        can_sign = level is not None and s is not None and not _role_refused(review, level, s)
        self.sign_button.setEnabled(can_sign)
        self.leader_button.setEnabled(True)

    def _blank(self, text: str) -> None:
        self.title.setText(text)
        for label in (self.status, self.info_class, self.disclosure, self.next_label, self.gate_label):
            label.clear()
        self.sign_button.setEnabled(False)
        self.leader_button.setEnabled(False)


def _can_resubmit(review: Any) -> bool:
    """A new version may be submitted while the review is open (not approved, not rejected)."""
    if review is None:
        return False
    from app.review import review_state
    from app.review.model import Status

    return review_state(review).status in (Status.IN_REVIEW, Status.AWAITING_REVISION, Status.AWAITING_VERIFICATION)


def _role_refused(review: Any, level: int, session: Any) -> bool:
    """True when the user may not sign `level` whatever the decision (wrong role, order…)."""
    from app.review import Decision
    from app.review.gating import check_sign

    verdict = check_sign(review, level, session.role, Decision.RETURN, "意见")
    return not verdict.allowed
