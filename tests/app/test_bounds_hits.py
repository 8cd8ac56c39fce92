"""Matching and de-duplication stay near-linear in the number of hits, with the same results as
the nested scans they replace; oversize lexicon terms are clear errors (issue 7)."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import LexiconError
from app.lexicon.loader import MAX_TERM_CHARS, load_lexicon_file
from app.lexicon.model import LexiconEntry, LexiconHit
from app.model import Category, Document, Location, Part, Segment, Severity
from app.normalize import normalize_document
from app.rules.base import Hit, ScanContext
from app.scan import _dedupe
from tests.conftest import REPO

CATEGORIES = (Category.SECRET_MARK, Category.SENSITIVE_TERM, Category.PERSONAL_INFO, Category.PENDING_CASE)
SEVERITIES = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.BLOCK)


def reference_dedupe(hits: list[Hit]) -> list[Hit]:
    """The quadratic original, kept here as the specification."""
    ordered = sorted(hits, key=lambda h: (-h.severity.rank, -(h.end - h.start), h.start))
    kept: list[Hit] = []
    for h in ordered:
        covered = False
        for c in kept:
            if not (c.start <= h.start and h.end <= c.end):
                continue
            if c.category is h.category or (h.category is Category.SENSITIVE_TERM
                                            and c.severity.rank > h.severity.rank):
                covered = True
                break
        if not covered:
            kept.append(h)
    return kept


def _random_hits(rng: random.Random, n: int, span: int) -> list[Hit]:
    hits = []
    for k in range(n):
        start = rng.randrange(span)
        end = start + rng.randrange(1, 12)
        hits.append(Hit(start, end, rng.choice(CATEGORIES), rng.choice(SEVERITIES), f"r{k % 7}", "依据", "说明"))
    return hits


@pytest.mark.parametrize("seed", range(300))
def test_dedupe_matches_the_nested_scan(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([0, 1, 2, 5, 20, 60, 200])
    hits = _random_hits(rng, n, span=rng.choice([5, 30, 400]))
    if hits and rng.random() < 0.3:  # exact duplicates, in both orders
        hits += [rng.choice(hits) for _ in range(5)]
    assert _dedupe(list(hits)) == reference_dedupe(list(hits))


def _entry(k: int, category: Category, allow: bool) -> LexiconEntry:
    return LexiconEntry(f"e{k}", "词", category, Severity.LOW, "依据", allow=allow)


def _context(text: str, lexicon_hits: list[LexiconHit]) -> ScanContext:
    doc = Document.build("a.txt", "txt", "0" * 64, [Segment(text, Location(Part.BODY, paragraph=1))])
    return ScanContext(doc, normalize_document(doc), tuple(lexicon_hits))


@pytest.mark.parametrize("seed", range(50))
def test_allowed_matches_the_linear_scan(seed: int) -> None:
    rng = random.Random(seed)
    text = "字" * 500
    lex = []
    for k in range(rng.choice([0, 1, 10, 80])):
        s = rng.randrange(480)
        lex.append(LexiconHit(s, s + rng.randrange(1, 20), _entry(k, rng.choice(CATEGORIES), rng.random() < 0.6)))
    ctx = _context(text, lex)
    for _ in range(200):
        category = rng.choice(CATEGORIES)
        s = rng.randrange(490)
        e = s + rng.randrange(1, 10)
        expected = any(h.entry.allow and h.entry.category is category and h.start <= s and e <= h.end for h in lex)
        assert ctx.allowed(category, s, e) is expected


def test_dedupe_time_grows_about_linearly() -> None:
    """40k nested and overlapping hits: the nested scan took minutes; now well under a second.
    The ratio between 10k and 40k is checked loosely (the machine is shared)."""
    rng = random.Random(7)

    def timed(n: int) -> float:
        hits = _random_hits(rng, n, span=n * 3)
        start = time.perf_counter()
        _dedupe(hits)
        return time.perf_counter() - start

    small = min(timed(10_000) for _ in range(3))
    large = min(timed(40_000) for _ in range(3))
    assert large < 3.0
    assert large < 12 * small, (small, large)  # quadratic would be ~16×


def test_scan_with_many_hits_finishes(tmp_path: Path) -> None:
    """The benchmark's document at 20k findings, end to end (the quadratic steps took ~74 s)."""
    from app.scan import Engine

    spec = importlib.util.spec_from_file_location("bench_hits", REPO / "benchmarks" / "bench_hits.py")
    assert spec is not None and spec.loader is not None
    bench_hits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_hits)
    path = bench_hits.build(tmp_path / "hits.txt", 20_000, 2.0)
    engine = Engine.load()
    start = time.perf_counter()
    report = engine.scan_file(path)
    elapsed = time.perf_counter() - start
    found = sum(f.count for f in report.findings)  # identical findings are grouped, each counted
    assert report.error is None and found >= 15_000
    assert elapsed < 20.0, f"{found} findings took {elapsed:.1f} s"


@pytest.mark.parametrize(("name", "body"), [
    ("long.csv", "id,term,category,severity\nok-1,好,敏感词,high\nbig-1,{term},敏感词,high\n"),
    ("long.txt", "好\n{term}\n"),
])
def test_200k_character_term_is_a_row_numbered_error(tmp_path: Path, name: str, body: str) -> None:
    path = tmp_path / name
    path.write_text(body.format(term="密" * 200_000), encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon_file(path)
    message = err.value.message
    assert name in message and ("第3行" in message or "第2行" in message)
    assert str(MAX_TERM_CHARS) in message and "过长" in message


def test_long_term_in_xlsx_lexicon_is_a_row_numbered_error(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["id", "term", "category", "severity"])
    ws.append(["ok-1", "好", "敏感词", "high"])
    ws.append(["big-1", "密" * 30_000, "敏感词", "high"])  # Excel's cell limit is 32,767
    path = tmp_path / "long.xlsx"
    wb.save(str(path))
    with pytest.raises(LexiconError) as err:
        load_lexicon_file(path)
    assert "第3行" in err.value.message and "过长" in err.value.message


def test_long_term_lexicon_given_to_scan_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    lexicon = tmp_path / "extra.csv"
    lexicon.write_text("id,term,category,severity\nbig-1," + "密" * 200_000 + ",敏感词,high\n", encoding="utf-8")
    draft = tmp_path / "a.txt"
    draft.write_text("正文\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "app", "scan", "--lexicon", str(lexicon), str(draft)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "extra.csv" in proc.stderr and "第2行" in proc.stderr
