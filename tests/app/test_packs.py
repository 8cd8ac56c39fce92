"""Lexicon packs end to end on real files: xlsx import with Chinese headers, keygen, sign, trust,
install, scan with the pack (in a subprocess), and every refusal leaving the previous pack active."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.ledger import Ledger, ledger_path, verify_ledger
from tests.app.test_review_helpers import PASSWORD, cli

REPO = Path(__file__).resolve().parents[2]
KEY_PASSWORD = "bureau-key-pass-1"
DOC_TEXT = "本单位承担的蓝鲸计划进展顺利，请各部门配合。\n"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["词条", "类别", "级别", "依据", "建议"]
GOOD_ROWS = [HEADER, ["蓝鲸计划", "敏感事项", "高", "保密局〔2026〕1号", "删除该项目名称"],
             ["天枢工程", "敏感事项", "禁止", "保密局〔2026〕1号", ""],
             ["贯彻落实", "规范表述", "提示", "公文规范", "贯彻落实"]]


def vectors_csv(path: Path, must_flag: str = "本单位参与蓝鲸计划。") -> Path:
    path.write_text(f"类型,句子,类别,最低级别\n应检出,{must_flag},敏感事项,高\n不应检出,今天天气很好。,,\n",
                    encoding="utf-8")
    return path


class Bureau:
    """The secrecy bureau (a key) and one workstation (a data directory with a 保密管理员)."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.mp = tmp, monkeypatch
        self.home = tmp / "station"
        self.key = tmp / "bureau.key"
        assert self.run("users", "add", "admin", "--role", "保密管理员", password=PASSWORD) == 0
        assert self.run("lexicon", "keygen", "-o", str(self.key), password=KEY_PASSWORD) == 0

    def run(self, *argv: str, password: str | None = None) -> int:
        return cli(self.mp, self.home, *argv, password=password)

    def pack(self, version: str, rows: list[list[object]] = GOOD_ROWS, *, vectors: Path | None = None,
             extra: tuple[str, ...] = ()) -> Path:
        source = write_xlsx(self.tmp / f"src-{version}.xlsx", rows)
        vec = vectors or vectors_csv(self.tmp / f"vec-{version}.csv")
        unsigned, signed = self.tmp / f"bureau-{version}.json", self.tmp / f"bureau-{version}.signed.json"
        assert self.run("lexicon", "import", str(source), str(vec), "-o", str(unsigned), "--id", "bureau",
                        "--version", version, "--issuer", "市保密局", *extra) == 0
        assert self.run("lexicon", "sign", str(unsigned), "--key", str(self.key), "-o", str(signed),
                        password=KEY_PASSWORD) == 0
        return signed

    def trust(self) -> None:
        assert self.run("lexicon", "trust", str(self.key) + ".pub", "--by", "admin", password=PASSWORD) == 0

    def events(self, kind: str) -> list[dict[str, object]]:
        with Ledger.open(self.home) as ledger:
            return [dict(e.payload, actor=e.actor) for e in ledger.events(kinds=(kind,))]


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bureau:
    return Bureau(tmp_path, monkeypatch)


def scan_json(home: Path, doc: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "scan", "--format", "json",
                           "--fail-on", "never", str(doc)], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def flagged(report: dict[str, object]) -> set[str]:
    docs = report["documents"]
    assert isinstance(docs, list)
    return {f["text"] for d in docs for f in d["findings"]}


def test_sign_trust_install_then_scan_uses_the_pack(bureau: Bureau, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    signed = bureau.pack("2026.1")
    doc = tmp_path / "draft.txt"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    before = scan_json(bureau.home, doc)
    assert "蓝鲸计划" not in flagged(before)
    assert all(lx["name"] != "bureau" for lx in before["tool"]["lexicons"])  # type: ignore[index]

    capsys.readouterr()
    assert bureau.run("lexicon", "install", str(signed)) == 1          # issuer not trusted yet
    assert "未被本机信任" in capsys.readouterr().err
    pub = str(bureau.key) + ".pub"
    assert bureau.run("lexicon", "trust", pub, "--fingerprint", "0000 1111", password=PASSWORD) == 1
    assert "指纹与核对结果不符" in capsys.readouterr().err
    assert bureau.events("lexicon_key_trusted") == []
    bureau.trust()
    out = capsys.readouterr().out
    fp = json.loads(Path(pub).read_text(encoding="utf-8"))["fingerprint"]
    assert fp in out
    assert bureau.run("lexicon", "trust", pub, "--fingerprint", fp, password=PASSWORD) == 1   # already trusted
    assert bureau.run("lexicon", "install", str(signed)) == 0
    assert "测试用例 2/2 通过" in capsys.readouterr().out

    after = scan_json(bureau.home, doc)
    assert "蓝鲸计划" in flagged(after)
    import hashlib
    sha = hashlib.sha256(signed.read_bytes()).hexdigest()
    assert after["tool"]["lexicons"] == [{"name": "bureau", "version": "2026.1", "sha256": sha,  # type: ignore[index]
                                          "entries": 3}]
    assert bureau.run("lexicon", "list") == 0
    assert f"* bureau 2026.1  市保密局  SHA-256 {sha}" in capsys.readouterr().out

    trusted = bureau.events("lexicon_key_trusted")
    assert len(trusted) == 1 and trusted[0]["actor"] == "admin" and trusted[0]["fingerprint"] == fp
    assert [e["code"] for e in bureau.events("lexicon_pack_refused")] == ["untrusted"]
    assert [(e["version"], e["sha256"]) for e in bureau.events("lexicon_pack_activated")] == [("2026.1", sha)]
    assert verify_ledger(ledger_path(bureau.home)).ok


def test_one_byte_altered_after_signing_is_refused(bureau: Bureau, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    signed = bureau.pack("2026.2", [*GOOD_ROWS, ["北斗七号", "敏感事项", "高", "", ""]])
    data = signed.read_bytes()
    for i, (old, new) in enumerate(((b"\xe4\xb8\x83", b"\xe4\xb8\x83 "[:3].replace(b"\x83", b"\x84")),  # 七 → 丄
                                    (b'"severity":"high"', b'"severity":"low" '),
                                    (b"\n]", b" ]"))):
        tampered = tmp_path / f"tampered-{i}.json"
        assert data.count(old) >= 1
        tampered.write_bytes(data.replace(old, new, 1))
        capsys.readouterr()
        assert bureau.run("lexicon", "install", str(tampered)) == 1, i
        err = capsys.readouterr().err
        assert "签名无效" in err or "被改动" in err, err
    # a truncated file is unreadable input
    (tmp_path / "cut.json").write_bytes(data[: len(data) // 2])
    assert bureau.run("lexicon", "install", str(tmp_path / "cut.json")) == 2
    active = bureau.events("lexicon_pack_activated")
    assert [e["version"] for e in active] == ["2026.1"]
    assert len(bureau.events("lexicon_pack_refused")) == 3
    state = json.loads((bureau.home / "lexicon-packs" / "active.json").read_text(encoding="utf-8"))
    assert state["packs"]["bureau"]["version"] == "2026.1"


def test_failing_vectors_are_refused_and_the_previous_pack_stays(bureau: Bureau, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    bad = bureau.pack("2026.2", vectors=vectors_csv(tmp_path / "v.csv", must_flag="本单位参与白鹭计划。"))
    capsys.readouterr()
    assert bureau.run("lexicon", "install", str(bad)) == 1
    err = capsys.readouterr().err
    assert "测试用例未通过" in err and "白鹭计划" in err
    refused = bureau.events("lexicon_pack_refused")
    assert [(e["code"], e["version"]) for e in refused] == [("vectors_failed", "2026.2")]
    assert not (bureau.home / "lexicon-packs" / "bureau" / "2026.2.json").exists()
    doc = tmp_path / "d.txt"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    assert scan_json(bureau.home, doc)["tool"]["lexicons"][0]["version"] == "2026.1"  # type: ignore[index]

    # a must-not-flag sentence that the pack flags fails too
    quiet = tmp_path / "q.csv"
    quiet.write_text("类型,句子\n不应检出,天枢工程已经公开。\n", encoding="utf-8")
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.3", vectors=quiet))) == 1


def test_dates_and_minimum_version_are_checked(bureau: Bureau, capsys: pytest.CaptureFixture[str]) -> None:
    bureau.trust()
    for version, extra, words in (("2026.1", ("--effective", "2999-01-01"), "尚未生效"),
                                  ("2026.2", ("--expires", "2001-01-01"), "已过期"),
                                  ("2026.3", ("--min-mishen", "99.0"), "要求密审 99.0")):
        signed = bureau.pack(version, extra=extra)
        capsys.readouterr()
        assert bureau.run("lexicon", "install", str(signed)) == 1
        assert words in capsys.readouterr().err
    assert bureau.events("lexicon_pack_activated") == []
    assert [e["code"] for e in bureau.events("lexicon_pack_refused")] == ["not_effective", "expired", "min_version"]


def test_downgrade_refused_explicit_rollback_works(bureau: Bureau, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    bureau.trust()
    v1 = bureau.pack("2026.1")
    v2 = bureau.pack("2026.2", [*GOOD_ROWS, ["北斗七号", "敏感事项", "高", "", ""]])
    assert bureau.run("lexicon", "install", str(v1)) == 0
    assert bureau.run("lexicon", "install", str(v2)) == 0
    capsys.readouterr()
    assert bureau.run("lexicon", "install", str(v1)) == 1
    assert "不允许降级" in capsys.readouterr().err
    assert bureau.run("lexicon", "rollback", "--to", "2025.9") == 1
    assert bureau.run("lexicon", "rollback", "--to", "2026.1", "--by", "admin", password=PASSWORD) == 0
    assert "从 2026.2 回退到 2026.1" in capsys.readouterr().out
    assert bureau.run("lexicon", "list") == 0
    listing = capsys.readouterr().out
    assert "* bureau 2026.1" in listing and "  bureau 2026.2" in listing
    assert "拒绝 bureau 2026.1（@workstation）：词库包 bureau 的版本 2026.1 低于已启用的 2026.2" in listing
    assert "回退 bureau 2026.1（admin）" in listing
    doc = tmp_path / "d.txt"
    doc.write_text("北斗七号与蓝鲸计划。", encoding="utf-8")
    report = scan_json(bureau.home, doc)
    assert "北斗七号" not in flagged(report) and "蓝鲸计划" in flagged(report)
    assert report["tool"]["lexicons"][0]["version"] == "2026.1"  # type: ignore[index]
    assert [e["code"] for e in bureau.events("lexicon_pack_refused")] == ["downgrade"]
    rolled = bureau.events("lexicon_pack_rolled_back")
    assert [(e["version"], e["previous"], e["actor"]) for e in rolled] == [("2026.1", "2026.2", "admin")]
    # the newer version installs again afterwards (it is higher than the active one)
    assert bureau.run("lexicon", "install", str(v2)) == 0


def test_per_run_lexicon_goes_on_top_of_the_pack(bureau: Bureau, tmp_path: Path) -> None:
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    extra = tmp_path / "本单位补充.txt"
    extra.write_text("青鸟工程\n", encoding="utf-8")
    doc = tmp_path / "d.txt"
    doc.write_text("蓝鲸计划与青鸟工程。", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(bureau.home), "scan", "--format", "json",
                           "--fail-on", "never", "--lexicon", str(extra), str(doc)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)
    report = json.loads(proc.stdout)
    assert {"蓝鲸计划", "青鸟工程"} <= flagged(report)
    assert [lx["name"] for lx in report["tool"]["lexicons"]] == ["bureau", "本单位补充"]


def test_a_review_records_the_pack_it_scanned_with(bureau: Bureau, tmp_path: Path) -> None:
    from app.review import open_review

    bureau.trust()
    signed = bureau.pack("2026.1")
    assert bureau.run("lexicon", "install", str(signed)) == 0
    doc = tmp_path / "d.txt"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    with Ledger.open(bureau.home) as ledger:
        open_review(ledger, doc, title="通报", unit="市水务局")
        scans = [e.payload for e in ledger.events(kinds=("scan_recorded",))]
        changed = ledger.events(kinds=("lexicon_changed",))
    import hashlib
    sha = hashlib.sha256(signed.read_bytes()).hexdigest()
    assert changed[-1].payload["lexicons"] == [{"name": "bureau", "version": "2026.1", "sha256": sha}]
    assert "蓝鲸计划" in json.dumps(scans, ensure_ascii=False)


def test_installed_pack_altered_on_disk_is_not_used(bureau: Bureau, tmp_path: Path) -> None:
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    csv_file = bureau.home / "lexicon-packs" / "bureau" / "2026.1.csv"
    csv_file.write_text(csv_file.read_text(encoding="utf-8").replace("蓝鲸计划", "蓝鲸计画"), encoding="utf-8")
    doc = tmp_path / "d.txt"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(bureau.home), "scan", str(doc)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)
    assert proc.returncode == 2 and "被改动" in proc.stderr


def test_what_if_shows_findings_that_appear(bureau: Bureau, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    signed = bureau.pack("2026.1")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DOC_TEXT, encoding="utf-8")
    (docs / "b.txt").write_text("今天召开了运动会。\n", encoding="utf-8")
    capsys.readouterr()
    assert bureau.run("lexicon", "test", str(signed), str(docs)) == 0
    out = capsys.readouterr().out
    assert "测试用例 2/2 通过" in out
    assert "a.txt：新增 1" in out and "“蓝鲸计划”" in out and "b.txt" not in out
    assert "共 2 个文件，1 个的发现有变化。" in out


def test_ledger_verify_refuses_a_trust_entry_not_signed_by_the_secrecy_admin(bureau: Bureau) -> None:
    from app.packs.service import trust_key
    from app.packs.signing import read_public_key

    pub, _ = read_public_key(str(bureau.key) + ".pub")
    with Ledger.open(bureau.home) as ledger:
        trust_key(ledger, pub, "forged", ledger.workstation_signer())   # what the CLI never does
    result = verify_ledger(ledger_path(bureau.home))
    assert not result.ok
    assert any("信任词库签发密钥" in p.message for p in result.problems)


def test_two_pack_ids_are_active_side_by_side(bureau: Bureau, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    words = tmp_path / "spam.txt"
    words.write_text("代开发票\n", encoding="utf-8")
    vec = tmp_path / "spam-vec.csv"
    vec.write_text("类型,句子,类别\n应检出,专业代开发票。,有害信息\n应检出,本单位参与蓝鲸计划。,敏感事项\n", encoding="utf-8")
    unsigned, signed = tmp_path / "spam.json", tmp_path / "spam.signed.json"
    assert bureau.run("lexicon", "import", str(words), str(vec), "-o", str(unsigned), "--id", "spam", "--version", "1",
                      "--issuer", "市保密局", "--category", "有害信息") == 0
    assert bureau.run("lexicon", "sign", str(unsigned), "--key", str(bureau.key), "-o", str(signed),
                      password=KEY_PASSWORD) == 0
    # its vectors run with the other active pack too (蓝鲸计划 comes from "bureau")
    assert bureau.run("lexicon", "install", str(signed)) == 0
    capsys.readouterr()
    assert bureau.run("lexicon", "rollback") == 2                     # two packs active: --id needed
    doc = tmp_path / "d.txt"
    doc.write_text("蓝鲸计划，代开发票。", encoding="utf-8")
    report = scan_json(bureau.home, doc)
    assert {"蓝鲸计划", "代开发票"} <= flagged(report)
    assert [(lx["name"], lx["version"]) for lx in report["tool"]["lexicons"]] == [("bureau", "2026.1"), ("spam", "1")]  # type: ignore[index]


@pytest.mark.parametrize("reserved", ["local", "Run", "bundled", "pack"])
def test_reserved_layer_names_are_refused_as_pack_ids(bureau: Bureau, tmp_path: Path, reserved: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    from app.packs.format import read_pack, write_pack
    from app.packs.layers import LAYER_NAMES, RESERVED_PACK_IDS
    from app.packs.local import LAYER
    from app.packs.signing import sign_pack

    assert LAYER in LAYER_NAMES and set(LAYER_NAMES) <= RESERVED_PACK_IDS
    source = write_xlsx(tmp_path / "src.xlsx", GOOD_ROWS)
    out = tmp_path / "reserved.json"
    capsys.readouterr()
    assert bureau.run("lexicon", "import", str(source), "-o", str(out), "--id", reserved, "--version", "1",
                      "--issuer", "市保密局") == 2
    assert "保留名" in capsys.readouterr().err and not out.exists()
    # a pack carrying the id anyway (made by hand, or by an older program): sign and install refuse it
    bureau.trust()
    good = bureau.pack("2026.1")
    assert bureau.run("lexicon", "install", str(good)) == 0
    base = read_pack(good)
    unsigned = replace(base, manifest=replace(base.manifest, id=reserved), signature=None, sha256="", raw_body=None)
    write_pack(unsigned, out)
    signed = write_pack(sign_pack(unsigned, bureau.key, KEY_PASSWORD), tmp_path / "reserved.signed.json")
    capsys.readouterr()
    assert bureau.run("lexicon", "sign", str(out), "--key", str(bureau.key), "-o", str(tmp_path / "x.json"),
                      password=KEY_PASSWORD) == 2
    assert "保留名" in capsys.readouterr().err and not (tmp_path / "x.json").exists()
    assert bureau.run("lexicon", "install", str(signed)) == 2
    assert "保留名" in capsys.readouterr().err
    state = json.loads((bureau.home / "lexicon-packs" / "active.json").read_text(encoding="utf-8"))
    assert list(state["packs"]) == ["bureau"] and state["packs"]["bureau"]["version"] == "2026.1"
    assert not (bureau.home / "lexicon-packs" / reserved).exists()
