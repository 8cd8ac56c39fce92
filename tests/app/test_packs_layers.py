"""The lexicon layers beyond one pack: the unit's own layer (本单位词库, marked in findings), rule
vocabularies and the calendar inside packs, an expired pack's warning, a pack replacing the bundled
lexicons completely, and false-alarm proposals exported for the bureau."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.ledger import Ledger, verify_ledger
from tests.app.test_packs import DOC_TEXT, HEADER, REPO, Bureau, flagged, scan_json, write_xlsx
from tests.app.test_review_helpers import PASSWORD


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bureau:
    return Bureau(tmp_path, monkeypatch)


def findings(report: dict[str, object]) -> list[dict[str, object]]:
    docs = report["documents"]
    assert isinstance(docs, list)
    return [f for d in docs for f in d["findings"]]


def scan_text(home: Path, doc: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "scan", "--fail-on", "never",
                           str(doc)], capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)


def test_local_layer_terms_and_allow_entries_are_marked_local(bureau: Bureau, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "draft.txt"
    # 再接再励 is a bundled typo; 青松项目 is the unit's own sensitive project name
    doc.write_text("本单位的青松项目要再接再励。\n", encoding="utf-8")
    assert "青松项目" not in flagged(scan_json(bureau.home, doc))
    assert bureau.run("lexicon", "local", "add", "青松项目", "--category", "敏感事项", "--severity", "高",
                      "--by", "admin", password=PASSWORD) == 0
    assert bureau.run("lexicon", "local", "add", "再接再励", "--category", "错别字", "--allow",
                      "--reason", "本单位口号，保留原文") == 0
    assert bureau.run("lexicon", "local", "add", "   ", "--category", "敏感事项") == 2  # empty term refused
    capsys.readouterr()
    assert bureau.run("lexicon", "local", "list") == 0
    listed = capsys.readouterr().out
    assert "青松项目" in listed and "白名单" in listed and "第 2 版" in listed

    report = scan_json(bureau.home, doc)
    by_text = {f["text"]: f for f in findings(report)}
    assert by_text["青松项目"]["layer"] == "local"
    assert "本单位词库" in str(by_text["青松项目"]["rule_name"])
    assert str(by_text["青松项目"]["message"]).startswith("【本单位词库】")
    assert "再接再励" not in by_text            # the unit's allow entry suppresses the bundled typo
    lexicons = report["tool"]["lexicons"]      # type: ignore[index]
    local = [lx for lx in lexicons if lx["name"] == "local"]
    assert local and local[0]["version"] == "2" and local[0]["entries"] == 2
    assert len(lexicons) > 2  # the bundled lexicons are still there below it
    text = scan_text(bureau.home, doc).stdout
    assert "本单位词库" in text

    # a per-run file comes on top and is marked as such
    extra = tmp_path / "extra.txt"
    extra.write_text("本单位\n", encoding="utf-8")
    import os

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(bureau.home), "scan", "--format", "json",
                           "--fail-on", "never", "--lexicon", str(extra), str(doc)], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120, check=False)
    layers = {f["text"]: f["layer"] for f in findings(json.loads(proc.stdout))}
    assert layers["本单位"] == "run" and layers["青松项目"] == "local"

    assert bureau.run("lexicon", "local", "remove", "青松项目") == 0
    assert bureau.run("lexicon", "local", "remove", "不存在的词") == 2
    assert "青松项目" not in flagged(scan_json(bureau.home, doc))
    changes = bureau.events("lexicon_local_changed")
    assert [c["action"] for c in changes] == ["add", "add", "remove"]
    assert changes[0]["actor"] == "admin"
    assert verify_ledger(bureau.home / "ledger.sqlite3").ok


def test_installed_pack_replaces_the_bundled_lexicons_completely(bureau: Bureau, tmp_path: Path) -> None:
    doc = tmp_path / "draft.txt"
    doc.write_text("要再接再励，" + DOC_TEXT, encoding="utf-8")
    before = scan_json(bureau.home, doc)
    assert "再接再励" in flagged(before)            # bundled typo list
    bureau.trust()
    # the bureau's pack has no typo category at all
    rows = [HEADER, ["蓝鲸计划", "敏感事项", "高", "保密局〔2026〕1号", ""]]
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1", rows))) == 0
    after = scan_json(bureau.home, doc)
    assert "蓝鲸计划" in flagged(after)
    assert "再接再励" not in flagged(after)         # no bundled typo term slips back in
    names = [lx["name"] for lx in after["tool"]["lexicons"]]  # type: ignore[index]
    assert names == ["bureau"]
    rules = {f["rule"] for f in findings(after)}
    assert all(not r.startswith(("typo-", "wording-", "sensitive-", "harmful-", "allow-")) for r in rules)


def test_rule_vocabularies_and_calendar_travel_in_the_pack(bureau: Bureau, tmp_path: Path) -> None:
    from app.packs.layers import active_calendar

    doc = tmp_path / "stat.txt"
    # 蜂蜜产量 is no bundled indicator; 内部初算 no bundled cue
    doc.write_text("据内部初算，全县蜂蜜产量达到3200吨。\n", encoding="utf-8")
    assert not [f for f in findings(scan_json(bureau.home, doc)) if f["category"] == "unpublished_statistic"]
    sections = tmp_path / "规则参数.json"
    from app.calendar import default_calendar_path, load_calendar

    shipped = json.loads(default_calendar_path().read_text("utf-8"))   # a real calendar, one year changed
    calendar = {**shipped, "version": "2026.9"}
    sections.write_text(json.dumps({"rules": {"indicators": ["蜂蜜产量"], "strong_cues": ["内部初算"]},
                                    "calendar": calendar}, ensure_ascii=False), encoding="utf-8")
    vec = tmp_path / "vec.csv"
    vec.write_text("类型,句子,类别,最低级别\n应检出,据内部初算，全县蜂蜜产量达到3200吨。,未公开统计数据,高\n"
                   "应检出,本单位参与蓝鲸计划。,敏感事项,高\n", encoding="utf-8")
    bureau.trust()
    signed = bureau.pack("2026.1", vectors=vec, extra=())
    # the vector needs the pack's vocabulary: without the sections file it is refused
    assert bureau.run("lexicon", "install", str(signed)) == 1
    source = write_xlsx(tmp_path / "src.xlsx", [HEADER, ["蓝鲸计划", "敏感事项", "高", "依据", ""]])
    unsigned, signed = tmp_path / "p.json", tmp_path / "p.signed.json"
    assert bureau.run("lexicon", "import", str(source), str(vec), str(sections), "-o", str(unsigned), "--id", "bureau",
                      "--version", "2026.2", "--issuer", "市保密局") == 0
    text = unsigned.read_text("utf-8")
    assert '"rules":{\n"indicators":["蜂蜜产量"],\n"strong_cues":["内部初算"]\n}' in text
    assert bureau.run("lexicon", "sign", str(unsigned), "--key", str(bureau.key), "-o", str(signed),
                      password="bureau-key-pass-1") == 0
    assert bureau.run("lexicon", "install", str(signed)) == 0
    # export → import round-trips the sections too (FILE.xlsx + FILE.sections.json)
    from app.packs.format import read_pack

    exported = tmp_path / "审阅.xlsx"
    assert bureau.run("lexicon", "export", str(signed), "-o", str(exported)) == 0
    again = tmp_path / "again.json"
    assert bureau.run("lexicon", "import", str(exported), str(vec), str(tmp_path / "审阅.sections.json"), "-o",
                      str(again), "--id", "bureau", "--version", "2026.2", "--issuer", "市保密局") == 0
    assert read_pack(again).body() == read_pack(unsigned).body()
    found = [f for f in findings(scan_json(bureau.home, doc)) if f["category"] == "unpublished_statistic"]
    assert found and found[0]["severity"] == "high"
    cal = active_calendar(bureau.home)
    assert cal is not None and cal.data == calendar and cal.version == "2026.2"
    assert json.loads(cal.path.read_text("utf-8")) == calendar and cal.path.name == "2026.2.calendar.json"
    loaded = load_calendar(cal.path)                    # what app/calendar reads from the hook
    assert loaded.version == "2026.9" and loaded.years == load_calendar().years
    from app.calendar import calendar_for

    assert calendar_for(bureau.home).version == "2026.9"   # consultations count on the pack's calendar
    assert calendar_for(None).version == load_calendar().version
    cal.path.write_text(json.dumps({**calendar, "version": "2026.8"}), encoding="utf-8")
    with pytest.raises(Exception, match="工作日历"):
        active_calendar(bureau.home)
    cal.path.write_text(json.dumps(calendar), encoding="utf-8")
    # the bundled spam morphemes still apply (the pack carries no spam_morphemes)
    spam = tmp_path / "spam.txt"
    spam.write_text("日韩_国产_无码高清_免费在线观看_永久地址\n", encoding="utf-8")
    assert any(f["category"] == "harmful_content" for f in findings(scan_json(bureau.home, spam)))
    # altering the installed parameters file is refused at scan time
    params = bureau.home / "lexicon-packs" / "bureau" / "2026.2.params.json"
    original = params.read_bytes()
    params.write_text(original.decode("utf-8").replace("蜂蜜产量", "蜂蜜产值"), encoding="utf-8")
    assert scan_text(bureau.home, doc).returncode == 2
    params.write_bytes(original)
    assert scan_text(bureau.home, doc).returncode == 0
    # so is a truncated signed pack file (checked by size at scan time, by signature on rollback)
    signed_file = bureau.home / "lexicon-packs" / "bureau" / "2026.2.json"
    signed_file.write_bytes(signed_file.read_bytes()[:-10])
    proc = scan_text(bureau.home, doc)
    assert proc.returncode == 2 and "2026.2.json" in proc.stderr


def test_spam_morphemes_from_a_pack_replace_the_bundled_ones(tmp_path: Path) -> None:
    from app.lexicon.rule_params import RuleParams, SpamMorpheme
    from app.packs.vectors import scan_text as scan_one
    from app.scan import Engine

    stuffed = "蜜糖宝盒_蜜糖宝盒直播_蜜糖夜场_蜜糖宝盒下载"
    bundled = Engine.load(use_defaults=False, cache_dir=tmp_path)
    assert not [f for f in scan_one(bundled, stuffed).findings if f.rule.startswith("spam")]
    params = RuleParams(spam_morphemes=(SpamMorpheme("蜜糖宝盒", "porn", 3), SpamMorpheme("直播", "site", 2),
                                        SpamMorpheme("夜场", "porn", 3), SpamMorpheme("下载", "site", 1)))
    engine = Engine.load(use_defaults=False, cache_dir=tmp_path, params=params)
    assert [f.severity.value for f in scan_one(engine, stuffed).findings if f.rule.startswith("spam")] == ["block"]
    # a pack's list replaces the bundled one: the bundled morphemes are no longer scored
    bundled_spam = "日韩_国产_无码高清_免费在线观看_永久地址"
    assert [f for f in scan_one(bundled, bundled_spam).findings if f.rule.startswith("spam")]
    assert not [f for f in scan_one(engine, bundled_spam).findings if f.rule.startswith("spam")]
    with pytest.raises(ValueError, match="spam_morphemes"):
        RuleParams.from_json({"spam_morphemes": [{"term": "x", "group": "porn", "weight": "3"}]})
    with pytest.raises(ValueError, match="未知字段"):
        RuleParams.from_json({"thresholds": {}})


def test_expired_active_pack_warns_in_scan_output(bureau: Bureau, tmp_path: Path) -> None:
    from app.packs.service import install

    bureau.trust()
    signed = bureau.pack("2026.1", extra=("--effective", "2020-01-01", "--expires", "2020-12-31"))
    assert bureau.run("lexicon", "install", str(signed)) == 1   # expired today: refused
    with Ledger.open(bureau.home) as ledger:               # installed back when it was valid
        install(ledger, signed.read_bytes(), bureau.home, today=date(2020, 6, 1))
    doc = tmp_path / "draft.txt"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    report = scan_json(bureau.home, doc)
    warnings = report["tool"]["warnings"]  # type: ignore[index]
    assert len(warnings) == 1 and "2020-12-31" in warnings[0] and "过期" in warnings[0]
    assert "蓝鲸计划" in flagged(report)    # still used, loudly
    proc = scan_text(bureau.home, doc)
    assert "【词库提醒】词库包 bureau 2026.1 已于 2020-12-31 过期" in proc.stdout
    assert "过期" in proc.stderr


def test_false_alarms_export_as_proposals_that_import_as_allow_entries(tmp_path: Path, tmp_path_factory,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.packs.format import read_pack
    from app.review import mark_false_alarm, open_review
    from app.users import unlock
    from tests.app.test_review_helpers import cli, copy_template, real_scanner, write_doc

    data = copy_template(tmp_path_factory, tmp_path / "data")
    doc = write_doc(tmp_path, "通报.txt", "关于防汛工作的通报 [[low]] [[medium]]\n")
    with Ledger.open(data) as ledger:
        review = open_review(ledger, doc, title="通报", scanner=real_scanner)
        typo = next(f for f in review.current.findings if f.category == "typo")
        _, signer = unlock(ledger, "xiao_li", PASSWORD)
        mark_false_alarm(ledger, review, finding_id=typo.id, reason="引用原文，不改", user="xiao_li", signer=signer)
    out = tmp_path / "误报建议.csv"
    assert cli(monkeypatch, data, "lexicon", "proposals", "-o", str(out)) == 0
    text = out.read_text("utf-8-sig")
    assert "再接再励,typo,是,,引用原文，不改," in text
    pack = tmp_path / "proposals.json"
    assert cli(monkeypatch, data, "lexicon", "import", str(out), "-o", str(pack), "--id", "bureau", "--version", "1",
               "--issuer", "市保密局") == 0
    (entry,) = read_pack(pack).entries
    assert entry.allow and entry.term == "再接再励" and entry.category == "typo" and entry.reason == "引用原文，不改"
