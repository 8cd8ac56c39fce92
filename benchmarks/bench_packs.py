"""A 50,000-row xlsx word list → import → sign → trust → install (vectors run with the real
engine, cold automaton build) → first scan, end to end, in a fresh temp directory. Prints seconds
per step. Not a test; run: .venv/bin/python benchmarks/bench_packs.py [ROWS]"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
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


if __name__ == "__main__":
    main()
