"""Lexicon engine figures: `.venv/bin/python benchmarks/bench_lexicon.py [N_TERMS]`.

Prints the cold build and cached load of an N-term lexicon (default 100,000 synthetic Chinese
terms plus real phrases of the text), and matching time of the byte path, the plain-str path and
raw pyahocorasick iteration over the same text. Targets: cached ≤ 0.2 s, cold ≤ 1 s, matching
within 2x of raw iteration.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.lexicon.loader import load_lexicon_file
from app.lexicon.matcher import Matcher
from app.normalize import normalize

_SAMPLE = ("第八条 在拟发布信息审核过程中发现以下情况的，不应进行审核：涉及国家、省、地、市、县未发布的经济数据的；"
           "对建国以来重大历史事件和政治运动的提法与权威部门公开发布情况不一致的；近期尚未处理完结的司法案件、"
           "行政执法案件、信访案件、行政复议案件等方面的材料。政府网站发布内容必须遵守国家法律法规和互联网管理相关规定。")


def _best(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 100_000
    rng = random.Random(1)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]
    sample = normalize(_SAMPLE).text
    terms = {sample[i:i + 4] for i in range(0, len(sample) - 4, 9)}
    # a 200k-character document: random characters with the sample (and its terms) every ~2k
    chunks = ["".join(rng.choice(alphabet) for _ in range(2000)) + sample for _ in range(100)]
    text = "".join(chunks)
    while len(terms) < n:
        terms.add("".join(rng.choice(alphabet) for _ in range(rng.randint(2, 6))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text("\n".join(sorted(terms)), encoding="utf-8")
        cache = Path(tmp) / "cache"
        t = time.perf_counter()
        lexicon = load_lexicon_file(path)
        t_file = time.perf_counter() - t
        t = time.perf_counter()
        Matcher.build([lexicon], cache_dir=cache)
        t_cold = time.perf_counter() - t
        t = time.perf_counter()
        matcher = Matcher.build([lexicon], cache_dir=cache)
        t_cached = time.perf_counter() - t
        assert matcher.from_cache
    automaton = matcher._table.automaton
    latin = text.encode("utf-8").decode("latin-1")
    t_raw_bytes = _best(lambda: sum(1 for _ in automaton.iter(latin)))
    list(matcher.raw_matches_str(text))  # build the str automaton outside the timing
    t_raw_str = _best(lambda: sum(1 for _ in matcher._str_automaton.iter(text)))
    t_bytes = _best(lambda: list(matcher.raw_matches(text)))
    t_str = _best(lambda: list(matcher.raw_matches_str(text)))
    t_find = _best(lambda: matcher.find(text), runs=3)
    hits = sum(1 for _ in matcher.raw_matches(text))
    print(f"terms {len(terms):,}; text {len(text):,} chars, {hits:,} raw hits")
    print(f"read file {t_file:.3f} s; cold build {t_cold:.3f} s (target ≤ 1 s); cached {t_cached:.3f} s (target ≤ 0.2 s)")
    print(f"raw iteration: str {t_raw_str * 1000:.1f} ms, latin-1 {t_raw_bytes * 1000:.1f} ms")
    print(f"matches with char offsets: byte path {t_bytes * 1000:.1f} ms ({t_bytes / t_raw_str:.2f}x raw str), "
          f"str path {t_str * 1000:.1f} ms; find() with entries {t_find * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
