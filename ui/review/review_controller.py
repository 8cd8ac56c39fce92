"""The window's link to the review core and the ledger.

One ledger connection, opened in the worker; every ledger operation runs in the worker under one
lock (one writer, a total order for the audit trail), and its result comes back by callback on
the GUI thread. Password checks (scrypt) and scans never run on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.model import DocumentReport, Finding
from ui.review.dispositions import Disposition, Status
from ui.shell import worker
from ui.shell.errors import friendly_message

if TYPE_CHECKING:
    from ui.document.document_page import DocumentPage


@dataclass(frozen=True)
class Session:
    name: str
    role: Any               # app.users.model.Role
    unit: str
    signer: Any             # app.ledger.crypto.KeySigner (decrypted at login)

    @property
    def role_label(self) -> str:
        return str(self.role.label)


def dismissals(ledger: Any, review: Any) -> dict[str, Disposition]:
    """False alarms recorded for the review's current version, and its waivers."""
    from app.review.false_alarms import false_alarms

    out: dict[str, Disposition] = {}
    for fid, fa in false_alarms(ledger, review).items():
        out[fid] = Disposition(Status.FALSE_ALARM, fa.reason, fa.user, fa.time[:16].replace("T", " "), True)
    for w in review.current_waivers:
        out[w.finding_id] = Disposition(Status.WAIVED, w.reason, w.signer, w.time[:16].replace("T", " "), True)
    return out


class ReviewController(QObject):
    """Owns the ledger and the login session; pages keep their `review` (app.review.Review)."""

    changed = Signal()                 # session or a page's review changed
    message = Signal(str)
    failed = Signal(str)               # a Chinese error message
    users_loaded = Signal(object)      # list[User]
    decision_failed = Signal(object, object, str, str)   # finding, status, the typed reason, Chinese error

    def __init__(self, data_dir: str | None, engine_holder: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.engine = engine_holder
        self.session: Session | None = None
        self.users: list[Any] = []
        self._ledger: Any = None
        self._lock = threading.Lock()
        self._closed = False

    # --- the one ledger, used only in the worker --------------------------------------------------
    def _with_ledger(self, fn: Callable[[Any], Any]) -> Any:
        with self._lock:
            if self._closed:
                raise RuntimeError("closed")
            if self._ledger is None:
                from app.ledger.store import Ledger

                self._ledger = Ledger.open(self.data_dir)
            return fn(self._ledger)

    def run(self, fn: Callable[[Any], Any], on_result: Callable[[Any], None] | None = None,
            on_error: Callable[[str], None] | None = None, name: str = "ledger") -> worker.Job:
        """Run `fn(ledger)` in the worker; errors arrive as Chinese text (to `on_error` or `failed`)."""
        def error(exc: BaseException) -> None:
            text = friendly_message(exc)
            (on_error or self.failed.emit)(text)

        return worker.run_call(lambda: self._with_ledger(fn), on_result=on_result, on_error=error, name=name)

    @property
    def data_path(self) -> Path:
        from app.paths import data_dir

        return Path(data_dir(self.data_dir))

    @property
    def ledger_path(self) -> Path:
        from app.ledger.store import ledger_path

        return ledger_path(self.data_dir)

    # --- users and login -------------------------------------------------------------------------
    def _failure(self, on_done: Callable[[bool, str], None] | None) -> Callable[[str], None]:
        """Where a failed operation's Chinese message goes: the caller's callback, else `failed`."""
        def report(text: str) -> None:
            if on_done:
                on_done(False, text)
            else:
                self.failed.emit(text)

        return report

    def load_users(self) -> worker.Job:
        from app.users.service import list_users

        def done(users: list[Any]) -> None:
            self.users = users
            self.users_loaded.emit(users)

        def work(ledger: Any) -> list[Any]:
            # import the review core here, in the worker at start-up, so that the GUI thread's
            # later lazy imports of it are dictionary look-ups, not 50 ms of module loading
            import app.review.service  # noqa: F401

            return list_users(ledger)

        return self.run(work, done)

    def login(self, name: str, password: str, on_done: Callable[[bool, str], None] | None = None) -> worker.Job:
        from app.users.service import unlock

        def ok(result: tuple[Any, Any]) -> None:
            user, signer = result
            self.session = Session(user.name, user.role, user.unit, signer)
            self.message.emit(self.tr("已登录：{0}（{1}）").format(user.name, user.role.label))
            self.changed.emit()
            if on_done:
                on_done(True, "")

        return self.run(lambda ledger: unlock(ledger, name, password), ok, self._failure(on_done), name="login")

    def logout(self) -> None:
        self.session = None
        self.changed.emit()

    # --- reviews ------------------------------------------------------------------------------------
    def _scanner(self, report: DocumentReport):
        """Reuse the report on screen when the file is unchanged; otherwise scan it again."""
        from app.review.scanning import ScanResult, engine_scanner
        from app.scan import build_report

        def scan(path: Path) -> ScanResult:
            engine = self.engine.get()
            from app.review.documents import file_sha256

            if Path(path).resolve() == Path(report.path).resolve() and file_sha256(path) == report.sha256:
                return ScanResult(report, build_report(engine, [report]).to_json())
            return engine_scanner(engine)(path)

        return scan

    def find_review(self, page: DocumentPage) -> worker.Job:
        """Attach the latest open review of this exact document (same SHA-256), if any."""
        from app.review.service import list_reviews

        sha = page.report.sha256

        def find(ledger: Any) -> tuple[Any, dict[str, Disposition]]:
            found = [r for r in list_reviews(ledger) if r.current.sha256 == sha]
            if not found:   # no review yet: the marks kept for this document (app.review.drafts)
                return None, kept_marks(ledger.data_dir, sha)
            review = found[-1]
            from app.review.consult import settle_overdue

            settle_overdue(ledger, review_id=review.id)  # 视为同意 once a consultation's due date has passed
            return review, dismissals(ledger, review)

        return self.run(find, lambda result: self._attach(page, result), name="find-review")

    def _attach(self, page: DocumentPage, result: tuple[Any, dict[str, Disposition]] | None) -> None:
        if result is None or not is_alive(page):
            return
        review, decided = result
        if review is not None:
            page.set_review(review)
        page.dispositions.load(decided)
        self.changed.emit()

    def open_review(self, page: DocumentPage, *, title: str, unit: str, info_class: Any, disclosure: Any, reason: str,
                    route: str | None, on_done: Callable[[bool, str], None] | None = None) -> worker.Job:
        from app.review.service import open_review

        report = page.report
        scanner = self._scanner(report)
        pending = page.dispositions.unrecorded()
        by_id = {f.id: f for f in report.findings}
        session = self.session

        def work(ledger: Any) -> tuple[Any, dict[str, Disposition]]:
            review = open_review(ledger, report.path, title=title, unit=unit, info_class=info_class,
                                 disclosure=disclosure, reason=reason, route=route, scanner=scanner,
                                 by=session.signer if session is not None else None)
            if session is not None and pending:
                from app.review.false_alarms import mark_false_alarm

                for fid, d in pending.items():
                    if d.status is Status.FALSE_ALARM and fid in by_id:
                        mark_false_alarm(ledger, review, finding_id=fid, reason=d.reason, user=session.name,
                                         signer=session.signer)
            return review, dismissals(ledger, review)

        def ok(result: tuple[Any, dict[str, Disposition]]) -> None:
            self._attach(page, result)
            self.message.emit(self.tr("已建立审核单 {0}").format(result[0].id))
            if on_done:
                on_done(True, "")

        return self.run(work, ok, self._failure(on_done), name="open-review")

    def sign(self, page: DocumentPage, *, level: int, decision: Any, opinion: str, password: str,
             decisions: Any = (), on_done: Callable[[bool, str], None] | None = None) -> worker.Job | None:
        from app.review.service import load_review, sign_review

        review, session = page.review, self.session
        if review is None or session is None:
            text = self.tr("请先登录并建立审核单")
            if on_done:
                on_done(False, text)
            return None

        items = list(decisions)

        def work(ledger: Any) -> Any:
            sign_review(ledger, review.id, level=level, user=session.name, password=password, decision=decision,
                        opinion=opinion, decisions=items)
            if items:   # the proposals kept while deciding are in the signature now
                from app.review.drafts import keep_only, load_drafts

                sha = review.current.sha256
                keep_only(ledger.data_dir, sha, tuple(m for m in load_drafts(ledger.data_dir, sha)
                                                      if m.kind == "false_alarm"))
            return load_review(ledger, review.id)

        def ok(updated: Any) -> None:
            if is_alive(page):
                page.set_review(updated)
            self.message.emit(self.tr("第 {0} 级已签署：{1}").format(level, decision.label))
            self.changed.emit()
            if on_done:
                on_done(True, "")

        return self.run(work, ok, self._failure(on_done), name="sign")

    def record_decision(self, page: DocumentPage, finding: Finding, status: Status, reason: str, password: str) -> None:
        """A false alarm or waiver from the findings panel: ledger first, then the panel."""
        review, session = page.review, self.session
        if status is Status.WAIVED:
            if review is None or session is None:
                self.failed.emit(self.tr("豁免须先登录并建立审核单"))
                return
            from app.review.service import load_review, waive_finding

            def waive(ledger: Any) -> Any:
                waive_finding(ledger, review.id, finding_id=finding.id, user=session.name, password=password,
                              reason=reason)
                return load_review(ledger, review.id)

            def waived(updated: Any) -> None:
                if is_alive(page):
                    page.set_review(updated)
                    page.dispositions.set(finding, Status.WAIVED, reason, who=session.name, recorded=True)
                self.message.emit(self.tr("已豁免并记入台帐：“{0}”").format(finding.text[:20]))
                self.changed.emit()

            self.run(waive, waived, lambda text: self.decision_failed.emit(finding, status, reason, text),
                     name="waive")
            return
        if session is None:   # nobody to sign the mark: kept in this window only
            page.dispositions.set(finding, status, reason, who="")
            self.message.emit(self.tr("已标为误报（未登录：仅在本窗口中保留；登录后标记可保存并在建立审核单时记入台帐）"))
            return
        if review is None:   # kept against the document's hash in the data directory, signed by the user
            from app.review.drafts import save_mark

            def keep(ledger: Any) -> Any:
                return save_mark(ledger.data_dir, document_sha256=page.report.sha256, finding_id=finding.id,
                                 rule=finding.rule, text=finding.text, severity=finding.severity.value,
                                 kind="false_alarm", reason=reason, signer=session.signer)

            def kept(mark: Any) -> None:
                if is_alive(page):
                    page.dispositions.set(finding, status, reason, who=session.name, recorded=True)
                self.message.emit(self.tr("已标为误报并保存（建立审核单时记入台帐）：“{0}”").format(finding.text[:20]))

            self.run(keep, kept, lambda text: self.decision_failed.emit(finding, status, reason, text), name="keep-mark")
            return

        def dismiss(ledger: Any) -> None:
            from app.review.false_alarms import mark_false_alarm

            mark_false_alarm(ledger, review, finding_id=finding.id, reason=reason, user=session.name,
                             signer=session.signer)

        def dismissed(_none: Any) -> None:
            if is_alive(page):
                page.dispositions.set(finding, status, reason, who=session.name, recorded=True)
            self.message.emit(self.tr("已标为误报并记入台帐：“{0}”").format(finding.text[:20]))

        self.run(dismiss, dismissed, lambda text: self.decision_failed.emit(finding, status, reason, text),
                 name="dismiss")

    def keep_proposals(self, review: Any, decisions: Any) -> worker.Job | None:
        """同意公开/须修改 typed in a dialog that closed without signing: kept (signed by the user)
        against the document's hash, pre-filled the next time, across a restart."""
        session = self.session
        items = [d for d in decisions if d[2]]
        if session is None or review is None or not items:
            return None
        from app.review.drafts import save_mark

        by_id = {f.id: f for f in review.current.findings}

        def keep(ledger: Any) -> int:
            for fid, kind, text in items:
                f = by_id[fid]
                save_mark(ledger.data_dir, document_sha256=review.current.sha256, finding_id=fid, rule=f.rule,
                          text=f.text, severity=f.severity.value, kind=kind.value, reason=text, signer=session.signer)
            return len(items)

        return self.run(keep, lambda n: self.message.emit(self.tr("已保存 {0} 处未签署的处理意见").format(n)),
                        name="keep-proposals")

    # --- ledger window -----------------------------------------------------------------------------
    def verify(self, on_result: Callable[[Any], None], on_error: Callable[[str], None] | None = None) -> worker.Job:
        from app.ledger.verify import verify_ledger

        path = self.ledger_path
        return self.run(lambda _ledger: verify_ledger(path), on_result, on_error, name="verify")

    def shutdown(self) -> None:
        """Wait for ledger work, then close the connection (window closing)."""
        worker.wait_all(15_000)
        with self._lock:
            self._closed = True
            if self._ledger is not None:
                self._ledger.close()
                self._ledger = None


def kept_marks(data_dir: Any, sha256: str) -> dict[str, Disposition]:
    """False alarms kept for a document that has no review yet (app.review.drafts)."""
    from app.review.drafts import load_drafts

    return {m.finding_id: Disposition(Status.FALSE_ALARM, m.reason, m.user, m.time[:16].replace("T", " "), True)
            for m in load_drafts(Path(data_dir), sha256) if m.kind == "false_alarm"}


def is_alive(obj: Any) -> bool:
    try:
        from shiboken6 import isValid

        return bool(isValid(obj))
    except ImportError:  # pragma: no cover
        return True
