"""A broken OpenCC (e.g. its dictionary missing from an incomplete bundle) does not end every scan:
the conversion is skipped and the reason said once on stderr."""

from __future__ import annotations

from collections.abc import Iterator

import opencc
import pytest

from app import normalize


@pytest.fixture
def fresh_t2s() -> Iterator[None]:
    normalize._t2s.cache_clear()
    yield
    normalize._t2s.cache_clear()


def test_unloadable_dictionary_warns_and_scanning_goes_on(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], fresh_t2s: None) -> None:
    def broken(config: str) -> object:
        raise RuntimeError(f"{config}.json not found")

    monkeypatch.setattr(opencc, "OpenCC", broken)
    assert normalize._t2s() is None
    err = capsys.readouterr().err
    assert "繁体→简体转换不可用" in err and "t2s.json not found" in err


def test_working_dictionary_converts(fresh_t2s: None) -> None:
    converter = normalize._t2s()
    assert converter is not None and converter.convert("國務院") == "国务院"
