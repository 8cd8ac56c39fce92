"""UI test setup: offscreen Qt before any QApplication exists, settings in a temp dir, a CJK
font, and a guard that fails a test leaving a worker, thread or timer running."""

from __future__ import annotations

import gc
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"   # before PySide6 creates any application
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "eval" / "corpus"


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"needs the shared evaluation corpus at {path} (../shared is absent in a user's clone)")
    return path




@pytest.fixture(scope="session")
def qapp_args():
    return ["mishen-tests"]


@pytest.fixture(scope="session", autouse=True)
def _app_setup(qapp, tmp_path_factory):
    from PySide6.QtCore import QSettings

    from ui.shell.fonts import apply_app_font

    settings_dir = tmp_path_factory.mktemp("qsettings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    apply_app_font(qapp)
    return qapp


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    from ui.shell.settings import Settings

    return Settings(QSettings(str(tmp_path / "mishen.ini"), QSettings.Format.IniFormat))


@pytest.fixture(scope="session")
def shared_engine():
    """The real engine, loaded once per session (lexicon compilation is the slow part)."""
    from app.scan import Engine

    return Engine.load()


@pytest.fixture
def engine_holder(shared_engine):
    from ui.shell.engine import EngineHolder

    return EngineHolder(lambda: shared_engine)


@pytest.fixture(autouse=True)
def no_leftover_work(qtbot):
    """Fail when a test leaves a pool task, a QThread or an active timer behind."""
    yield
    from PySide6.QtCore import QThread, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.shell import worker

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()

    pool = QThreadPool.globalInstance()
    # Give already-finishing tasks a moment to return; anything still running after that leaked.
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=5000)
    qtbot.wait(0)
    assert pool.activeThreadCount() == 0, "a worker task is still running after the test"
    assert not [j for j in worker.live_jobs() if not j.done], "a background job was left unfinished"
    gc.collect()
    live_threads = [o for o in gc.get_objects() if isinstance(o, QThread) and _alive(o, "isRunning")]
    assert not live_threads, f"QThreads still running: {live_threads}"
    timers = [o for o in gc.get_objects() if isinstance(o, QTimer) and _alive(o, "isActive")]
    assert not timers, f"timers still active: {[t.objectName() or t for t in timers]}"


def _alive(obj, method: str) -> bool:
    try:
        return bool(getattr(obj, method)())
    except RuntimeError:   # C++ object already deleted
        return False


PASSWORDS = {"李信息": "officer-pass", "王分管": "leader-pass", "赵主要": "principal-pass",
             "钱市办": "cityoffice-pass"}


@pytest.fixture(scope="session")
def _ledger_template(tmp_path_factory):
    """One ledger with the four reviewers, built once (scrypt is slow) and copied per test."""
    from app.ledger.store import Ledger
    from app.users.model import Role
    from tests.people import add_people

    root = tmp_path_factory.mktemp("ledger-template")
    roles = {"李信息": Role.OFFICER, "王分管": Role.DIVISION_LEADER, "赵主要": Role.PRINCIPAL,
             "钱市办": Role.CITY_OFFICE}
    with Ledger.open(root) as ledger:  # the 保密管理员 first, then the reviewers added by them
        add_people(ledger, {name: (role, "某某市统计局") for name, role in roles.items()}, PASSWORDS,
                   admin_unit="某某市统计局")
    return root


@pytest.fixture
def data_dir(_ledger_template, tmp_path, monkeypatch):
    import shutil

    target = tmp_path / "data"
    shutil.copytree(_ledger_template, target)
    monkeypatch.setenv("MISHEN_HOME", str(target))
    return target
