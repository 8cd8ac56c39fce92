"""The html patrol report of a real patrol (the real service, twice, against a ledger with an
approved page): parsed back with lxml, and opened in headless Chromium without network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from app.exports.atomic import ExportError
from app.patrol.model import PatrolRun, PatrolSummary
from app.patrol.report_html import write_html_report
from app.patrol.report_rows import problem_items
from tests.app.test_patrol_report_helpers import HOSTILE_FOLDER, HOSTILE_TITLE, SPAM, SPAM_LINK, patrolled

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[PatrolRun, list[PatrolSummary], Path, dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("report")
    run, past, files = patrolled(tmp, tmp_path_factory)
    path = write_html_report(run, tmp / "out" / "巡查报告.html", past)
    return run, past, path, files


def _doc(path: Path):  # type: ignore[no-untyped-def]
    import lxml.html

    return lxml.html.fromstring(path.read_bytes())


def _rows(doc, table_id: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return doc.xpath(f'//table[@id="{table_id}"]/tbody/tr')


def test_the_run_behind_the_report(report) -> None:  # type: ignore[no-untyped-def]
    run, past, _, _ = report
    assert len(past) == 1 and run.previous_run_id == past[0].run_id
    by_path = {i.path.rsplit("/", 1)[-1]: i for i in run.items}
    assert by_path["tampered.html"].approval == "changed"
    assert by_path["approved.html"].approval == "approved"
    assert by_path["unreviewed.html"].approval == "unreviewed"
    assert by_path["broken.docx"].error


def test_header_counts_and_problem_rows(report) -> None:  # type: ignore[no-untyped-def]
    run, _, path, _ = report
    doc = _doc(path)
    header = doc.xpath('//table[@class="meta"]')[0].text_content()
    assert run.sources[0] in header and "bm_admin" in header
    assert all(f"{lx.name} {lx.version}" in header for lx in run.lexicons)
    rows = _rows(doc, "problems")
    problems = problem_items(run)
    assert len(rows) == len(problems) > 0
    listed = [r.xpath("./td[2]")[0].text_content() for r in rows]
    assert listed == [i.location for i in problems]
    tampered = next(r for r in rows if "tampered.html" in r.text_content())
    assert "审核通过后被改动" in tampered.text_content() and SPAM in tampered.text_content()
    cards = {c.xpath("./text()")[-1]: c.xpath("./b")[0].text for c in doc.xpath('//div[@class="card" or @class="card alert"]')}
    assert cards["文件"] == str(run.counts.files) and cards["问题"] == str(run.counts.findings)


def test_changed_page_shows_the_added_spam_and_link(report) -> None:  # type: ignore[no-untyped-def]
    _, _, path, _ = report
    doc = _doc(path)
    rows = _rows(doc, "changed")
    assert len(rows) == 1 and "tampered.html" in rows[0].text_content()
    added = [ins.text_content() for ins in rows[0].xpath(".//ins")]
    assert SPAM in added and f"链接 {SPAM_LINK}" in added
    unreviewed = " ".join(r.text_content() for r in _rows(doc, "unreviewed"))
    assert "unreviewed.html" in unreviewed and "approved.html" not in unreviewed


def test_errors_and_link_problems_one_line_each(report) -> None:  # type: ignore[no-untyped-def]
    run, _, path, _ = report
    doc = _doc(path)
    errors = _rows(doc, "errors")
    assert [r.xpath("./td[1]")[0].text_content() for r in errors] == [i.location for i in run.items if i.error]
    assert "broken.docx" in errors[0].text_content()
    links = _rows(doc, "link-problems")
    assert len(links) == len(run.problems)
    assert any("news/missing.html" in r.text_content() and "失效链接" in r.text_content() for r in links)


def test_hostile_titles_are_text_not_markup(report) -> None:  # type: ignore[no-untyped-def]
    _, _, path, _ = report
    doc = _doc(path)
    assert len(doc.xpath("//script")) == 1            # the report's own sorting/filtering script
    assert not doc.xpath("//img") and not doc.xpath("//@onerror")
    assert HOSTILE_TITLE in doc.text_content()        # shown, as text, in the title column
    raw = path.read_text(encoding="utf-8")
    assert "<img src=x" not in raw and "&lt;script&gt;alert" in raw
    # a folder named like markup: a site section in the chart and a page link, as text
    sections = next(s for s in doc.xpath("//svg") if "网站栏目" in s.get("aria-label", ""))
    assert any((t.text or "").startswith(f"{HOSTILE_FOLDER}：") for t in sections.xpath(".//title"))  # bar tooltip
    assert any(a.text_content().endswith(f"{HOSTILE_FOLDER}/p?id=3.html") for a in doc.xpath("//a"))
    assert "<img src=y" not in raw


def test_self_contained_and_local_links_resolve(report) -> None:  # type: ignore[no-untyped-def]
    _, _, path, files = report
    raw = path.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", raw, re.IGNORECASE)
    assert "<link" not in raw and "@import" not in raw and "url(" not in raw
    doc = _doc(path)
    hrefs = doc.xpath("//a/@href")
    assert hrefs
    for href in hrefs:
        assert not href.startswith(("/", "file:")), href      # relative to the report's folder
        assert (path.parent / unquote(href)).resolve().is_file(), href
    assert any(Path(files["tampered"]).resolve() == (path.parent / unquote(h)).resolve() for h in hrefs)


def test_trend_has_one_point_per_run_and_series(report) -> None:  # type: ignore[no-untyped-def]
    _, past, path, _ = report
    doc = _doc(path)
    trend = next(s for s in doc.xpath("//svg") if "与此前巡查比较" in s.get("aria-label", ""))
    assert len(trend.xpath(".//circle")) == 3 * (len(past) + 1)
    assert len(trend.xpath(".//polyline")) == 3


def test_written_atomically(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, _, _, _ = report
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="未生成文件"):
        write_html_report(run, blocker / "r.html")
    target = tmp_path / "r.html"
    target.write_text("old")
    write_html_report(run, target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert {p.name for p in tmp_path.iterdir()} == {"a-file", "r.html"}   # no temp file left behind


def _netns() -> list[str]:
    try:
        ok = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return ["unshare", "-rn"] if ok else []


def screenshot(report_path: Path, png: Path, profile: Path, size: str = "1366,900") -> subprocess.CompletedProcess[bytes]:
    """Headless Chromium, inside a network namespace with no network when `unshare -rn` works."""
    cmd = [*_netns(), CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={size}", report_path.as_uri()]
    return subprocess.run(cmd, capture_output=True, timeout=120, env={**os.environ, "HOME": str(profile)})


@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="Debian's chromium is not installed (/usr/bin/chromium)")
def test_renders_in_headless_chromium_without_network(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    _, _, path, _ = report
    png = tmp_path / "shot.png"
    done = screenshot(path, png, tmp_path / "profile")
    assert png.is_file(), done.stderr.decode("utf-8", "replace")[-2000:]
    with Image.open(png) as img:
        rgb = img.convert("RGB")
        assert rgb.size == (1366, 900)
        charts = rgb.crop((0, 480, 1366, 900))           # below the header table and the cards
        colours = {c for _, c in charts.getcolors(maxcolors=1 << 20) or []}
    assert len(colours) > 20                               # text, bars, grid: not a blank page
    assert (0xB7, 0x1C, 0x1C) in colours, "the 禁止发布 bar was not drawn"
    assert len(colours & {(0x33, 0x67, 0xD6), (0xE8, 0x71, 0x0A), (0x0B, 0x80, 0x43)}) >= 2, "no category bars"
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_an_empty_first_patrol_still_makes_a_report(tmp_path: Path) -> None:
    from tests.app.test_patrol_report_helpers import scan_run

    empty = tmp_path / "empty"
    empty.mkdir()
    path = write_html_report(scan_run(empty), tmp_path / "r.html")
    doc = _doc(path)
    text = doc.text_content()
    assert "没有发现问题" in text and "趋势图只有本次" in text   # no history: the first patrol
    assert "未与审核台帐比对" in text and "所有文件都已读取" in text
    assert not _rows(doc, "problems")
