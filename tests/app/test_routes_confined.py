"""Route names are names: `review open --route ../../x` cannot load a file outside routes/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.errors import UsageError
from app.review import scanning
from app.review.routes import FOUR_LEVEL, load_route
from tests.app.test_review_helpers import cli, real_scanner, write_doc

ONE_LEVEL = {"name": "evil", "title": "一级即可", "levels": [
    {"number": 1, "name": "一级", "roles": ["officer"], "required_when": ["always"]}]}


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    monkeypatch.setattr(scanning, "_DEFAULT", [real_scanner])


def test_a_route_in_the_routes_folder_loads(tmp_path: Path) -> None:
    (tmp_path / "routes").mkdir()
    data = dict(FOUR_LEVEL, name="本单位_流程-1")
    (tmp_path / "routes" / "本单位_流程-1.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_route("本单位_流程-1", tmp_path).name == "本单位_流程-1"


@pytest.mark.parametrize("name", ["../../x", "../evil", "sub/evil", "..", "evil\x00", "C:evil", "/tmp/evil",
                                  "ev il", "evil.json"])
def test_names_that_are_paths_are_refused(tmp_path: Path, name: str) -> None:
    home = tmp_path / "home"
    (home / "routes").mkdir(parents=True)
    (tmp_path / "evil.json").write_text(json.dumps(ONE_LEVEL), encoding="utf-8")
    (home / "evil.json").write_text(json.dumps(ONE_LEVEL), encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_route(name, home)
    assert err.value.code == "bad_route_name"
    assert "名称只能由字母、数字、汉字、下划线和连字符组成" in err.value.message


def test_a_symlink_out_of_the_routes_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "routes").mkdir()
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(ONE_LEVEL), encoding="utf-8")
    try:
        (tmp_path / "routes" / "evil.json").symlink_to(outside)
    except OSError:
        pytest.skip("symlinks not available")
    with pytest.raises(UsageError) as err:
        load_route("evil", tmp_path)
    assert err.value.code == "bad_route_name"


def test_review_open_with_a_route_outside_the_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "a" / "b" / "home"
    (home / "routes").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.json").write_text(json.dumps(dict(ONE_LEVEL, name="x")), encoding="utf-8")  # routes/../../x.json
    doc = write_doc(tmp_path, "通报.txt", "关于某地突发事件的情况通报\n")
    assert cli(monkeypatch, home, "review", "open", str(doc), "--route", "../../x") == 1
    err = capsys.readouterr().err
    assert "审核流程名称“../../x”无效" in err
    assert cli(monkeypatch, home, "review", "list") == 0
    assert capsys.readouterr().out == ""  # nothing was opened
