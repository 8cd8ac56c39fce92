"""Ledger reliability (issue 7): control characters, restore under a live holder, read-only opening."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import Decision, InfoClass, ReviewError, open_review, service, sign_review, waive_finding
from app.review.false_alarms import mark_false_alarm
from app.users.service import unlock
from tests.app.test_review_helpers import PASSWORD, cli, copy_template, real_scanner, write_doc

REPO = Path(__file__).resolve().parents[2]

BELL = "同意\x07发布\x1b[31m"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def _opened(factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, str, str]:
    home = copy_template(factory, tmp_path / "home")
    doc = write_doc(tmp_path, "通报.txt", "关于防汛工作的通报 [[block]]\n")
    with Ledger.open(home) as ledger:
        r = open_review(ledger, doc, title="防汛工作通报", unit="市水务局", info_class=InfoClass.IMPORTANT,
                        scanner=real_scanner)
    return home, r.id, r.current.findings[0].id


# --- control characters ---------------------------------------------------------------------------

def test_control_characters_are_refused_at_signing(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    home, rid, fid = _opened(tmp_path_factory, tmp_path)
    with Ledger.open(home) as ledger:
        before = ledger.head()
        with pytest.raises(ReviewError) as err:
            waive_finding(ledger, rid, finding_id=fid, user="zhang_zy", password=PASSWORD, reason="已公开\x00文件")
        assert err.value.code == "control_characters" and "豁免理由含有不可见的控制字符（U+0000" in err.value.message
        waive_finding(ledger, rid, finding_id=fid, user="zhang_zy", password=PASSWORD, reason="已公开\t文件\n名称")
        sign_review(ledger, rid, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
        after_ok = ledger.head()
        with pytest.raises(ReviewError) as err:
            sign_review(ledger, rid, level=2, user="wang_fg", password=PASSWORD, decision=Decision.APPROVE,
                        opinion=BELL)
        assert err.value.code == "control_characters"
        assert "签署意见含有不可见的控制字符（U+0007，第 3 个字符）" in err.value.message
        _u, signer = unlock(ledger, "wang_fg", PASSWORD)
        with pytest.raises(ReviewError) as err:
            mark_false_alarm(ledger, service.load_review(ledger, rid), finding_id=fid, reason="误报\x0b",
                             user="wang_fg", signer=signer)
        assert err.value.code == "control_characters"
        with pytest.raises(ReviewError):
            open_review(ledger, write_doc(tmp_path, "b.txt", "普通内容\n"), title="标题\x08", scanner=real_scanner)
        with pytest.raises(ReviewError):
            open_review(ledger, write_doc(tmp_path, "c.txt", "普通内容\n"), title="两行\n标题", scanner=real_scanner)
        refused_kinds = [e.kind for e in ledger.events(after=after_ok.seq)]
        assert "signed" not in refused_kinds and "review_opened" not in refused_kinds
        assert before.seq < after_ok.seq
        # a CRLF pair from a Windows clipboard is a newline, not a control character
        sign_review(ledger, rid, level=2, user="wang_fg", password=PASSWORD, decision=Decision.APPROVE,
                    opinion="同意\r\n报主要负责人")


def test_a_ledger_that_already_holds_control_characters_still_exports(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import docx as python_docx
    from openpyxl import load_workbook

    from app.exports.approval_ledger import export_approval_ledger
    from app.exports.review_sheet import export_review_sheet

    home, rid, fid = _opened(tmp_path_factory, tmp_path)
    with Ledger.open(home) as ledger:
        # as a version without the check at signing would have written it
        with monkeypatch.context() as m:
            m.setattr(service, "_plain", lambda label, text, multiline=True: text)
            waive_finding(ledger, rid, finding_id=fid, user="zhang_zy", password=PASSWORD, reason="理由\x0c含换页")
            for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
                sign_review(ledger, rid, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE,
                            opinion=BELL if level == 3 else "")
        with pytest.raises(ReviewError):  # the check is back
            sign_review(ledger, rid, level=4, user="city_zhao", password=PASSWORD, decision=Decision.APPROVE,
                        opinion=BELL)
        assert "\x07" in service.load_review(ledger, rid).signoffs[-1].opinion
        out = tmp_path / "out"
        xlsx, n = export_approval_ledger(ledger, out / "台帐.xlsx")
        ldocx, _ = export_approval_ledger(ledger, out / "台帐.docx")
        lpdf, _ = export_approval_ledger(ledger, out / "台帐.pdf")
        lcsv, _ = export_approval_ledger(ledger, out / "台帐.csv")
        sdocx = export_review_sheet(ledger, rid, out / "审查单.docx")
        spdf = export_review_sheet(ledger, rid, out / "审查单.pdf")
    assert n == 1
    cells = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row]
    assert "同意␇发布␛[31m" in cells
    table = " ".join(c.text for t in python_docx.Document(str(ldocx)).tables for r in t.rows for c in r.cells)
    assert "同意␇发布␛[31m" in table
    sheet = " ".join(c.text for t in python_docx.Document(str(sdocx)).tables for r in t.rows for c in r.cells)
    assert "同意␇发布␛[31m" in sheet and "理由␌含换页" in sheet
    assert "\x07" not in lcsv.read_text(encoding="utf-8-sig")
    for pdf in (lpdf, spdf):
        assert pdf.read_bytes().startswith(b"%PDF-")
    assert verify_ledger(ledger_path(home)).ok
    # nor does `review show` hand the escape sequence to the terminal
    capsys.readouterr()
    assert cli(monkeypatch, home, "review", "show", rid) == 0
    shown = capsys.readouterr().out
    assert "同意␇发布␛[31m" in shown and "\x1b" not in shown and "\x07" not in shown


# --- restore while another process holds the ledger -------------------------------------------------

HOLDER = """
import sys
from app.ledger import Ledger
from app.errors import MishenError
with Ledger.open(sys.argv[1], lock_timeout=5) as ledger:
    print("ready", flush=True)
    for line in sys.stdin:
        try:
            with ledger.transaction() as tx:
                ev = tx.append("note", {"tag": line.strip()}, ledger.workstation_signer())
            print("saved", ev.seq, flush=True)
        except MishenError as exc:
            print("refused", exc.code, flush=True)
"""


def _holder(home: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(home)], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr
    return proc


def _ask(proc: subprocess.Popen[str], tag: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(tag + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def _notes(home: Path) -> list[str]:
    with Ledger.open(home) as ledger:
        return [str(e.payload["tag"]) for e in ledger.events(kinds=("note",))]


@pytest.mark.skipif(os.name != "posix", reason="flock is POSIX (Windows: the open file cannot be replaced)")
def test_restore_refuses_while_another_process_holds_the_ledger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from app.ledger.backup import backup, restore
    from app.ledger.errors import LedgerError

    home = tmp_path / "home"
    with Ledger.open(home) as ledger:
        saved = backup(ledger, tmp_path / "backup.sqlite3")
    holder = _holder(home)
    try:
        assert _ask(holder, "before").startswith("saved")
        with pytest.raises(LedgerError) as err:
            restore(saved, home)
        assert err.value.code == "ledger_in_use" and "请先关闭所有密审窗口" in err.value.message
        assert cli(monkeypatch, home, "ledger", "restore", str(saved)) == 1
        assert "不能恢复" in capsys.readouterr().err
        assert _ask(holder, "after").startswith("saved")  # the window's next append is really saved
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert _notes(home) == ["before", "after"]
    assert not list(home.glob("*.replaced-*"))
    restore(saved, home)  # nobody holds it now
    assert _notes(home) == [] and verify_ledger(ledger_path(home)).ok
    assert len(list(home.glob("*.replaced-*"))) == 1


@pytest.mark.skipif(os.name != "posix", reason="flock is POSIX")
def test_opening_waits_for_a_restore_in_progress(tmp_path: Path) -> None:
    from app.ledger.errors import LedgerLocked
    from app.ledger.lock import LedgerLock

    home = tmp_path / "home"
    Ledger.open(home).close()
    restoring = LedgerLock.exclusive(ledger_path(home))
    assert restoring is not None
    try:
        with pytest.raises(LedgerLocked, match="正在从备份恢复"):
            Ledger.open(home, lock_timeout=0.3)
    finally:
        restoring.release()
    Ledger.open(home, lock_timeout=0.3).close()


def test_a_holder_whose_file_was_replaced_refuses_to_append(tmp_path: Path) -> None:
    """A replacement that bypassed the lock (a file copied over by hand, another tool): the holder
    notices before its next append instead of reporting an append nobody will ever see."""
    home = tmp_path / "home"
    Ledger.open(home).close()
    shutil.copy2(ledger_path(home), tmp_path / "copy.sqlite3")
    holder = _holder(home)
    try:
        assert _ask(holder, "one").startswith("saved")
        for suffix in ("-wal", "-shm"):  # as a restore does (a stale WAL must not meet the new file)
            Path(f"{ledger_path(home)}{suffix}").unlink(missing_ok=True)
        os.replace(tmp_path / "copy.sqlite3", ledger_path(home))
        assert _ask(holder, "two") == "refused ledger_replaced"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert _notes(home) == []  # the replacement, untouched by the holder


# --- read-only opening ------------------------------------------------------------------------------

READ_COMMANDS = [("ledger", "verify"), ("review", "show", "{rid}"), ("review", "show", "{rid}", "--format", "json"),
                 ("review", "list"), ("users", "list"), ("ledger", "export", "-o", "{out}/台帐.xlsx"),
                 ("review", "sheet", "{rid}", "-o", "{out}/审查单.pdf")]


def _signed(factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, str]:
    home, rid, fid = _opened(factory, tmp_path)
    with Ledger.open(home) as ledger:
        waive_finding(ledger, rid, finding_id=fid, user="zhang_zy", password=PASSWORD, reason="已公开文件名称")
        for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
            sign_review(ledger, rid, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE,
                        opinion="同意发布" if level == 3 else "")
    return home, rid


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


def test_read_only_opening_writes_nothing(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    from app.exports.approval_ledger import export_approval_ledger
    from app.exports.review_sheet import export_review_sheet
    from app.ledger.errors import LedgerError
    from app.review.show import review_text
    from app.users import list_users

    home, rid = _signed(tmp_path_factory, tmp_path)
    before = _snapshot(home)
    assert not Path(f"{ledger_path(home)}-wal").exists()
    with Ledger.open(home, read_only=True) as ledger:
        assert ledger.read_only
        assert "同意发布" in review_text(ledger, rid)
        assert {u.name for u in list_users(ledger)} >= {"xiao_li", "zhang_zy"}
        _path, rows = export_approval_ledger(ledger, tmp_path / "out" / "台帐.xlsx")
        assert rows == 1
        export_review_sheet(ledger, rid, tmp_path / "out" / "审查单.docx")
        assert not ledger.events(kinds=("exported",))   # exported, not recorded
        with pytest.raises(LedgerError) as err:
            sign_review(ledger, rid, level=4, user="city_zhao", password=PASSWORD, decision=Decision.APPROVE,
                        opinion="同意")
        assert err.value.code == "read_only" and "只读" in err.value.message
        assert not Path(f"{ledger_path(home)}-wal").exists() and not Path(f"{ledger_path(home)}-shm").exists()
    assert _snapshot(home) == before
    assert verify_ledger(ledger_path(home)).ok


def test_read_only_opening_sees_what_a_live_writer_committed(tmp_path: Path) -> None:
    """With a writer holding the ledger (its -wal present), a read-only opener reads the WAL too."""
    home = tmp_path / "home"
    with Ledger.open(home) as writer:
        with writer.transaction() as tx:
            tx.append("note", {"tag": "in the wal"}, writer.workstation_signer())
        with Ledger.open(home, read_only=True) as reader:
            assert reader.head() == writer.head()
            assert [e.payload["tag"] for e in reader.events(kinds=("note",))] == ["in the wal"]


def _can_mount_read_only() -> bool:
    if sys.platform != "linux" or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro / / 2>/dev/null || "
                            "mount --bind -o ro /tmp /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs `unshare -m` and bind mounts (Linux, privileged)")
def test_cli_on_a_read_only_mount(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """A real read-only file system (works as root, unlike chmod): each command runs in a private
    mount namespace where the data directory is bind-mounted read-only onto itself."""
    home, rid = _signed(tmp_path_factory, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    before = _snapshot(home)
    env = dict(os.environ, MISHEN_HOME=str(home))

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        script = 'mount --bind -o ro "$1" "$1" && touch "$1/probe" 2>/dev/null && exit 99; shift; exec "$@"'
        return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(home), sys.executable, "-m", "app",
                               "--data-dir", str(home), *argv], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=120)

    for command in READ_COMMANDS:
        proc = run(*[a.format(rid=rid, out=out) for a in command])
        assert proc.returncode == 0, (command, proc.stderr)
        if command[0] == "ledger" and command[1] == "verify":
            assert "台帐完好" in proc.stdout
        if "-o" in command:
            assert "未记入台帐" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["台帐.xlsx", "审查单.pdf"]
    refused = run("users", "add", "someone", "--role", "officer", "--password-stdin")
    assert refused.returncode != 0
    assert _snapshot(home) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="chmod does not stop root")
def test_cli_on_a_chmod_read_only_copy(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    home, rid = _signed(tmp_path_factory, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for p in [home, *home.rglob("*")]:
        p.chmod(p.stat().st_mode & ~0o222)
    try:
        assert not os.access(home, os.W_OK)
        before = _snapshot(home)
        for command in READ_COMMANDS:
            assert cli(monkeypatch, home, *[a.format(rid=rid, out=out) for a in command]) == 0, capsys.readouterr()
        assert _snapshot(home) == before
    finally:
        for p in [home, *home.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
