"""Exports are atomic: on a full disk (a real EFBIG from RLIMIT_FSIZE in a subprocess) nothing is
left behind, the ledger records nothing, and the message does not claim success."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ledger import Ledger, ledger_path, verify_ledger
from app.review import Decision, InfoClass, open_review, sign_review
from tests.app.test_review_helpers import PASSWORD, copy_template, real_scanner, write_doc

REPO = Path(__file__).resolve().parents[2]
resource = pytest.importorskip("resource")  # POSIX

LIMITED = """
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from app.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def signed(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> tuple[Path, str]:
    home = copy_template(tmp_path_factory, tmp_path / "home")
    doc = write_doc(tmp_path, "通报.txt", "关于防汛工作的通报\n" + "防汛物资储备情况说明。" * 200 + "\n")
    with Ledger.open(home) as ledger:
        r = open_review(ledger, doc, title="防汛工作通报", unit="市水务局", info_class=InfoClass.IMPORTANT,
                        scanner=real_scanner)
        for level, user in ((1, "xiao_li"), (2, "wang_fg"), (3, "zhang_zy")):
            sign_review(ledger, r.id, level=level, user=user, password=PASSWORD, decision=Decision.APPROVE,
                        opinion="同意发布。" * 50 if level == 3 else "")
    return home, r.id


def run_limited(limit: int, home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`mishen ARGV` with every file capped at `limit` bytes. The window (this process) holds the
    ledger open meanwhile, as it would: its -shm index exists, so only real writes can fail."""
    env = dict(os.environ, MISHEN_HOME=str(home))
    with Ledger.open(home):
        return subprocess.run([sys.executable, "-c", LIMITED, str(limit), "--data-dir", str(home), *argv],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def _exports(home: Path) -> int:
    with Ledger.open(home) as ledger:
        return len(ledger.events(kinds=("exported",)))


COMMANDS = {
    "sheet_docx": ("review", "sheet", "{rid}", "-o", "{out}/审查单.docx"),
    "sheet_pdf": ("review", "sheet", "{rid}", "-o", "{out}/审查单.pdf"),
    "ledger_xlsx": ("ledger", "export", "-o", "{out}/台帐.xlsx"),
    "ledger_docx": ("ledger", "export", "-o", "{out}/台帐.docx"),
    "ledger_pdf": ("ledger", "export", "-o", "{out}/台帐.pdf"),
}


@pytest.mark.parametrize("what", sorted(COMMANDS))
def test_a_full_disk_leaves_nothing_behind(signed: tuple[Path, str], tmp_path: Path, what: str) -> None:
    home, rid = signed
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(rid=rid, out=out) for a in COMMANDS[what]]
    before = _exports(home)
    proc = run_limited(1500, home, *argv)   # far smaller than any of these documents
    assert proc.returncode == 1, proc.stderr
    assert "无法写入" in proc.stderr and "未生成文件" in proc.stderr and "File too large" in proc.stderr
    assert "已输出" not in proc.stdout + proc.stderr
    assert list(out.iterdir()) == []           # no partial file, no temp file
    assert _exports(home) == before            # and nothing recorded
    assert verify_ledger(ledger_path(home)).ok
    ok = run_limited(50 * 1024 * 1024, home, *argv)
    assert ok.returncode == 0, ok.stderr
    assert [p.name for p in out.iterdir()] == [Path(argv[-1]).name]
    assert _exports(home) == before + 1


def test_a_failed_ledger_append_leaves_no_export(signed: tuple[Path, str], tmp_path: Path) -> None:
    """The document fits (a 1 KB csv) but recording the export does not (a WAL frame is 4 KB):
    no file is left behind for an export the ledger never recorded."""
    home, _rid = signed
    out = tmp_path / "out"
    out.mkdir()
    before = _exports(home)
    proc = run_limited(3000, home, "ledger", "export", "-o", str(out / "台帐.csv"))
    assert proc.returncode == 1, proc.stderr
    assert "台帐" in proc.stderr and "已输出" not in proc.stdout + proc.stderr
    assert list(out.iterdir()) == []
    assert _exports(home) == before
    assert verify_ledger(ledger_path(home)).ok
    ok = run_limited(50 * 1024 * 1024, home, "ledger", "export", "-o", str(out / "台帐.csv"))
    assert ok.returncode == 0 and (out / "台帐.csv").stat().st_size < 3000


def test_a_failed_export_keeps_the_previous_file(signed: tuple[Path, str], tmp_path: Path) -> None:
    home, rid = signed
    target = tmp_path / "审查单.pdf"
    target.write_bytes(b"earlier sheet")
    proc = run_limited(1500, home, "review", "sheet", rid, "-o", str(target))
    assert proc.returncode == 1 and "原有同名文件未改动" in proc.stderr
    assert target.read_bytes() == b"earlier sheet"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
