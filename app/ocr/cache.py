"""OCR results cached by page-image hash, as small JSON files in the platform cache directory
(`app.paths.cache_dir()/ocr`, private to the user: they hold the text of the scanned pages).
A damaged or unreadable entry is a miss; failing to write one is not an error."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from app.ocr.engine import FORMAT_VERSION, OcrChar, OcrLine, OcrPage


def cache_folder() -> Path:
    from app.paths import cache_dir

    return cache_dir() / "ocr"


def load(key: str) -> OcrPage | None:
    path = cache_folder() / key[:2] / f"{key}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("version") != FORMAT_VERSION:
            return None
        return OcrPage(int(raw["width"]), int(raw["height"]), tuple(_line(x) for x in raw["lines"]),
                       tuple(_line(x) for x in raw["dropped"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def store(key: str, page: OcrPage) -> None:
    from app.paths import make_private, make_private_dir

    data = {"version": FORMAT_VERSION, "width": page.width, "height": page.height,
            "lines": [_dump(x) for x in page.lines], "dropped": [_dump(x) for x in page.dropped]}
    try:
        folder = make_private_dir(cache_folder() / key[:2])
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, folder / f"{key}.json")
            make_private(folder / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs time


def _dump(line: OcrLine) -> dict[str, Any]:
    return {"text": line.text, "box": list(line.box), "confidence": line.confidence,
            "quad": [list(p) for p in line.quad],
            "chars": [[c.text, list(c.box), c.confidence] for c in line.chars]}


def _box(value: Any) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in value)
    return (a, b, c, d)


def _line(raw: dict[str, Any]) -> OcrLine:
    return OcrLine(str(raw["text"]), _box(raw["box"]), float(raw["confidence"]),
                   tuple((float(x), float(y)) for x, y in raw["quad"]),
                   tuple(OcrChar(str(t), _box(b), float(s)) for t, b, s in raw["chars"]))
