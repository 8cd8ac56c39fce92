"""Images in a mirror are patrolled: a scanned notice put up as a png (linked by an <img src>) is an
attachment, read by OCR with `--ocr auto` (the default), counted in the output, and not read with
`--ocr off` (a notice says it was not checked); the OCR mode is part of the results' key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import ocr_builders as ob
from tests.conftest import REPO

HOST = "www.example.gov.cn"


def _mirror(root: Path) -> Path:
    site = root / HOST
    (site / "files").mkdir(parents=True)
    image, _ = ob.scan_page(lines=[(ob.MARK, (150, 150)), (ob.ID_LINE, (150, 260))])
    image.save(site / "files" / "scan.png")
    (site / "index.html").write_text(
        '<html><head><meta charset="utf-8"><title>通知公告</title></head><body><h1>通知公告</h1>'
        '<p>关于开展政务公开培训的通知，详见附件扫描件。</p><img src="files/scan.png" alt="通知扫描件">'
        "</body></html>", encoding="utf-8")
    return root


def _patrol(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MISHEN_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home), "patrol", *args, "--workers", "1"],
                          capture_output=True, text=True, cwd=REPO, timeout=300, env=env)


def _item(run: dict[str, Any], path: str) -> dict[str, Any]:
    return next(i for i in run["items"] if i["path"] == path)


def test_an_image_in_the_mirror_is_read_by_ocr_and_counted(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr")
    mirror = _mirror(tmp_path / "site")
    report = tmp_path / "巡查报告.html"
    done = _patrol(tmp_path / "home", str(mirror), "--format", "json", "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "本次识别 1 页" in report.read_text(encoding="utf-8")
    run = json.loads(done.stdout)
    image = _item(run, f"{HOST}/files/scan.png")
    assert image["kind"] == "attachment" and image["error"] is None
    assert image["linked_from"] == [f"{HOST}/index.html"]      # found by the page's <img src> too
    texts = [f["text"] for f in image["findings"]]
    assert ob.ID_NUMBER in texts and any(f["category"] == "secret_mark" for f in image["findings"])
    assert run["ocr"] == "auto" and run["counts"]["ocr_pages"] == 1
    assert not [p for p in run["problems"] if p["code"] == "broken_link"]

    again = _patrol(tmp_path / "home", str(mirror), "--format", "json")   # unchanged: nothing read again
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"]["ocr_pages"] == 0

    off = _patrol(tmp_path / "home", str(mirror), "--ocr", "off")   # another mode: everything rescanned
    assert off.returncode == 0, off.stderr
    assert "文字识别：不识别；本次识别 0 页" in off.stdout
    assert "文字识别方式与上次不同：全部文件重新审查" in off.stdout and "词库已变更" not in off.stdout
    assert "本次审查 2，" in off.stdout
    assert ob.ID_NUMBER not in off.stdout


def test_the_ocr_mode_is_part_of_the_results_key() -> None:
    from app.patrol.scanjob import EngineSpec

    auto, on, off = (EngineSpec(("x",), ocr=mode) for mode in ("auto", "on", "off"))
    assert len({auto.key, on.key, off.key}) == 3
    assert auto.key == EngineSpec(("x",)).key       # databases of earlier patrols stay valid
