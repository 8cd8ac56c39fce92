"""Two measurements, in fresh temp directories. Not a test; run:
.venv/bin/python benchmarks/bench_packs.py [ROWS] [TERMS]

1. A ROWS-row (default 50,000) xlsx word list → import → sign → trust → install (vectors run with
   the real engine, cold automaton build) → first scan, end to end through the CLI; seconds per
   step (budget: import → install ≤ 10 s).
2. A TERMS-term (default 100,000) pack installed, then the engine of the data directory loaded
   (`Engine.load(data_dir=…)`: active-pack hash checks, lexicon files, automaton) with an empty
   cache — a cold build (budget ≤ 2 s) — and again from the cache (budget ≤ 0.2 s), in this
   process and in a fresh one."""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

_NUMBERS = [a for a in sys.argv[1:] if a.isdigit()]
ROWS = int(_NUMBERS[0]) if _NUMBERS else 50_000
TERMS = int(_NUMBERS[1]) if len(_NUMBERS) > 1 else 100_000
PASSWORD = "bench-password-1"


def main() -> None:
    from openpyxl import Workbook

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["MISHEN_CACHE"] = str(tmp / "cache")
        os.environ.setdefault("MISHEN_TEST_FAST_KDF", "1")
        from app.cli import main as mishen

        def run(*argv: str, password: str | None = None) -> float:
            sys.stdin = io.StringIO((password or "") + "\n")
            args = ["--data-dir", str(tmp / "home"), *argv, *(["--password-stdin"] if password else [])]
            start = time.perf_counter()
            with redirect_stdout(io.StringIO()):
                status = mishen(args)
            took = time.perf_counter() - start
            assert status == 0, (argv, status)
            return took

        book = Workbook(write_only=True)
        sheet = book.create_sheet("词表")
        sheet.append(["词条", "类别", "级别", "依据", "建议"])
        for i in range(ROWS):
            sheet.append([f"测试词条{i:06d}号", "敏感事项", "高", "保密局〔2026〕1号", ""])
        book.save(tmp / "words.xlsx")
        (tmp / "vec.csv").write_text("类型,句子,类别,最低级别\n应检出,其中提到测试词条000123号。,敏感事项,高\n"
                                     "不应检出,今天天气很好。,,\n", encoding="utf-8")
        (tmp / "doc.txt").write_text("本文提到测试词条049999号。\n" * 100, encoding="utf-8")
        run("users", "add", "admin", "--role", "保密管理员", password=PASSWORD)
        run("lexicon", "keygen", "-o", str(tmp / "k"), password=PASSWORD)
        total = 0.0
        for label, argv, pw in (
            ("import", ("lexicon", "import", str(tmp / "words.xlsx"), str(tmp / "vec.csv"), "-o", str(tmp / "p.json"),
                        "--id", "bench", "--version", "1", "--issuer", "保密局"), None),
            ("sign", ("lexicon", "sign", str(tmp / "p.json"), "--key", str(tmp / "k"), "-o", str(tmp / "s.json")),
             PASSWORD),
            ("trust", ("lexicon", "trust", str(tmp / "k.pub"), "--by", "admin"), PASSWORD),
            ("install", ("lexicon", "install", str(tmp / "s.json")), None),
            ("scan", ("scan", "--fail-on", "never", str(tmp / "doc.txt")), None),
        ):
            took = run(*argv, password=pw)
            total += took
            print(f"{label:8s} {took:7.2f} s")
        print(f"{'total':8s} {total:7.2f} s  ({ROWS} rows; budget for import→install ≤ 10 s)")


def activation() -> None:
    import shutil
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.people: the first user is the 保密管理员

    from app.ledger.store import Ledger
    from app.packs.format import Manifest, Pack, PackEntry, Vector
    from app.packs.service import admin_signer, install, trust_key
    from app.packs.signing import keygen, read_public_key, sign_pack
    from app.scan import Engine
    from tests.people import ADMIN, ADMIN_PASSWORD, add_people

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["MISHEN_TEST_FAST_KDF"] = "1"
        home, cache = tmp / "home", tmp / "cache"
        entries = tuple(PackEntry(f"big-{i:06d}", f"测试词条{i:06d}号", "sensitive_term", "high", "保密局〔2026〕1号")
                        for i in range(TERMS))
        pack = Pack(Manifest("big", "1", "保密局"), entries, (Vector("其中提到测试词条000123号。", "sensitive_term", "high"),))
        key, pub, _ = keygen(tmp / "k", PASSWORD)
        data = sign_pack(pack, key, PASSWORD).to_bytes()
        with Ledger.open(home) as ledger:
            add_people(ledger, {}, "")
            trust_key(ledger, read_public_key(pub)[0], "保密局", admin_signer(ledger, ADMIN, ADMIN_PASSWORD, "信任"))
            start = time.perf_counter()
            install(ledger, data, home)
            print(f"install  {time.perf_counter() - start:7.2f} s  ({TERMS} terms, signed pack {len(data) >> 20} MB)")
        colds, warms = [], []
        for _ in range(3):
            shutil.rmtree(cache, ignore_errors=True)
            start = time.perf_counter()
            Engine.load(data_dir=home, cache_dir=cache)
            colds.append(time.perf_counter() - start)
            start = time.perf_counter()
            engine = Engine.load(data_dir=home, cache_dir=cache)
            warms.append(time.perf_counter() - start)
            assert engine.matcher.from_cache and engine.matcher.entry_count == TERMS
        print(f"cold     {min(colds):7.3f} s  (best of 3: {', '.join(f'{c:.3f}' for c in colds)}; budget ≤ 2 s)")
        print(f"cached   {min(warms):7.3f} s  (best of 3: {', '.join(f'{w:.3f}' for w in warms)}; budget ≤ 0.2 s)")
        probe = ("import sys, time; from pathlib import Path; from app.scan import Engine; import app.rules, "
                 "app.packs.layers, app.packs.local, app.lexicon.matcher, ahocorasick; app.rules.all_rules(); "
                 "t = time.perf_counter(); "
                 "e = Engine.load(data_dir=Path(sys.argv[1]), cache_dir=Path(sys.argv[2])); "
                 "print(f'{time.perf_counter() - t:.3f}', e.matcher.from_cache)")
        repo = Path(__file__).resolve().parents[1]
        fresh = [subprocess.run([sys.executable, "-c", probe, str(home), str(cache)], capture_output=True, text=True,
                                cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)}, check=True).stdout.split()
                 for _ in range(3)]
        print(f"cached (fresh process, modules and rules imported first): {', '.join(f[0] + ' s' for f in fresh)}")


if __name__ == "__main__":
    if "--activation-only" not in sys.argv:
        main()
    activation()
