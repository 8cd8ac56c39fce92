"""OCR with networking disabled: `mishen scan` runs as a subprocess inside a network namespace
with no network (`unshare -rn`), on a scanned image drawn by the test; a missing model file gives
MiShen's own clear error, and no socket is ever opened (an audit hook in the child says so)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ocr.models import ENV_VAR, MODEL_FILES, models_dir
from tests import ocr_builders as ob
from tests.conftest import REPO

_HOOK = """
import sys
# connecting or resolving, not urllib3's import-time IPv6 probe (a socket bound to ::1)
_NET = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.sendmsg",
        "urllib.Request", "http.client.connect"}
def _hook(event, args):
    if event in _NET:
        sys.stderr.write(f"SOCKET-EVENT {event}\\n")
        sys.stderr.flush()
sys.addaudithook(_hook)
from app.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def _netns() -> list[str]:
    if sys.platform != "linux":
        pytest.skip("network namespaces (unshare -rn) are Linux only")
    try:
        ok = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        pytest.skip("`unshare -rn` is not available here (no user namespaces): cannot run without network")
    return ["unshare", "-rn"]


def _scan(tmp_path: Path, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MISHEN_HOME": str(tmp_path / "home"), "MISHEN_CACHE": str(tmp_path / "cache"),
                   **(env or {})}
    return subprocess.run([*_netns(), sys.executable, "-c", _HOOK, "scan", "--format", "json", *args],
                          capture_output=True, text=True, timeout=300, cwd=REPO, env=environment)


def test_scanned_image_is_read_without_network(tmp_path: Path) -> None:
    image, drawn = ob.scan_page(angle=-0.8, seed=5)
    path = tmp_path / "scan.png"
    image.save(path)
    done = _scan(tmp_path, [str(path)])
    assert "SOCKET-EVENT" not in done.stderr
    assert done.returncode == 1, done.stderr          # a block finding (the secrecy mark)
    document = json.loads(done.stdout)["documents"][0]
    assert document["error"] is None and document["format"] == "png"
    found = {f["text"]: f for f in document["findings"]}
    assert ob.ID_NUMBER in found
    mark = next(f for f in document["findings"] if f["category"] == "secret_mark")
    for finding, line in ((mark, ob.MARK), (found[ob.ID_NUMBER], ob.ID_LINE)):
        location = finding["location"]
        assert location["page"] == 1 and ob.overlaps(location["box"], drawn[line])   # image pixels
    assert any(n["code"] == "no_text_layer" and "文字识别（OCR）" in n["message"] for n in document["notices"])


def test_missing_model_is_a_clear_error_and_nothing_is_downloaded(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for model in MODEL_FILES:
        if model.role != "rec":
            (models / model.name).symlink_to(models_dir() / model.name)
    image, _ = ob.scan_page(lines=[(ob.MARK, (150, 150))])
    path = tmp_path / "scan.png"
    image.save(path)
    text = tmp_path / "plain.txt"
    text.write_text("秘密★5年\n正文。", encoding="utf-8")
    done = _scan(tmp_path, [str(path), str(text)], {ENV_VAR: str(models)})
    assert "SOCKET-EVENT" not in done.stderr, done.stderr
    assert done.returncode == 2
    first, second = json.loads(done.stdout)["documents"]
    assert first["error_code"] == "ocr_model_missing"
    assert "PP-OCRv6_rec_small.onnx" in first["error"] and "不会联网下载" in first["error"]
    assert "Errno" not in first["error"] and "http" not in first["error"].lower()
    assert not list(models.glob("*rec*")), "nothing may be written where the missing model was"
    assert second["error"] is None and second["findings"]   # the other file is still scanned
