"""Scan-engine benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_scan.py [--pages 100] [--terms 1000,100000]

Prints, side by side in one run:
- extraction time for a 100-page docx (our reader, bare python-docx) and a 100-page text PDF with
  each PDF library considered (pypdfium2 — our reader — and pdfplumber); when LibreOffice is
  installed, also a PDF written by an office suite (the docx converted by soffice);
- full pipeline from process start to JSON (`python -m app scan --format json FILE`), next to the
  floor: a process that only extracts with pypdfium2 and runs one Aho-Corasick pass;
- the matching stage (Matcher.find) against raw pyahocorasick iteration over the same normalised
  text with the same terms;
- lexicon load time, cold (no cache) and cached, for 1k and 100k terms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED_REFERENCE = REPO.parent / "shared" / "reference"


def corpus_text() -> str:
    """Realistic Chinese government prose: the shared reference texts when present, else the
    bundled sample draft's paragraphs."""
    texts = sorted(SHARED_REFERENCE.glob("*.txt")) if SHARED_REFERENCE.is_dir() else []
    if texts:
        return "\n".join(p.read_text(encoding="utf-8") for p in texts)
    sys.path.insert(0, str(REPO / "scripts"))
    from make_sample import PARAGRAPHS

    return "\n".join(PARAGRAPHS)


def paragraphs(total_chars: int) -> list[str]:
    lines = [ln.strip() for ln in corpus_text().splitlines() if len(ln.strip()) > 20]
    out: list[str] = []
    n = 0
    i = 0
    while n < total_chars:
        line = lines[i % len(lines)]
        out.append(line)
        n += len(line)
        i += 1
    return out


def make_docx(path: Path, pages: int) -> None:
    from docx import Document

    doc = Document()
    for text in paragraphs(pages * 800):
        doc.add_paragraph(text)
    doc.save(str(path))


def make_pdf(path: Path, pages: int) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    text = "".join(paragraphs(pages * 1300))
    per_line, per_page = 38, 34
    pos = 0
    for _ in range(pages):
        c.setFont("STSong-Light", 12)
        y = 800.0
        for _ in range(per_page):
            c.drawString(50, y, text[pos:pos + per_line])
            pos += per_line
            y -= 22
        c.showPage()
    c.save()


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def wall(cmd: list[str], runs: int = 3, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def extract_pdfium(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = 0
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        n += len(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return n


def extract_pdfplumber(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return sum(len(p.extract_text() or "") for p in pdf.pages)


def extract_python_docx(path: Path) -> int:
    from docx import Document

    return sum(len(p.text) for p in Document(str(path)).paragraphs)


FLOOR = r"""
import sys, ahocorasick, pypdfium2 as pdfium, csv, glob
A = ahocorasick.Automaton()
for f in glob.glob(sys.argv[2] + "/*.csv"):
    for row in csv.reader(open(f, encoding="utf-8-sig")):
        if row and not row[0].startswith("#") and len(row) > 1 and row[1] and row[1] != "term":
            A.add_word(row[1], row[1])
A.make_automaton()
pdf = pdfium.PdfDocument(sys.argv[1])
hits = 0
for i in range(len(pdf)):
    t = pdf[i].get_textpage().get_text_range()
    hits += sum(1 for _ in A.iter(t))
print(hits)
"""


def lexicon_csv(path: Path, terms: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    base = [chr(c) for c in range(0x4E00, 0x9FA5)]
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as fh:
        fh.write("# name: bench\n# version: 1\nid,term,category,severity,basis\n")
        while len(seen) < terms:
            t = "".join(rng.choice(base) for _ in range(rng.randint(2, 6)))
            if t in seen:
                continue
            seen.add(t)
            fh.write(f"b{len(seen)},{t},sensitive_term,high,基准测试\n")


def lexicon_load(path: Path, cache: Path) -> float:
    code = ("import time,sys;t=time.perf_counter();"
            "from app.lexicon.matcher import Matcher;"
            "from pathlib import Path;"
            f"Matcher.load([Path({str(path)!r})], cache_dir=Path({str(cache)!r}));"
            "print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--terms", default="1000,100000")
    a = ap.parse_args()

    from app.readers import read_document

    work = Path(tempfile.mkdtemp(prefix="mishen-bench-"))
    try:
        docx = work / "draft-100p.docx"
        pdf = work / "draft-100p.pdf"
        make_docx(docx, a.pages)
        make_pdf(pdf, a.pages)
        office_pdf = None
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice:
            subprocess.run([soffice, "--headless", "--norestore",
                            f"-env:UserInstallation=file://{work / 'lo-profile'}",
                            "--convert-to", "pdf", "--outdir", str(work / "office"), str(docx)],
                           capture_output=True, timeout=300, check=False)
            candidate = work / "office" / "draft-100p.pdf"
            office_pdf = candidate if candidate.exists() else None

        print(f"# MiShen scan benchmark ({a.pages} pages; Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
        print("\n## Extraction")
        chars = read_document(docx).chars
        print(f"docx  ({chars} chars)  mishen reader      {best_of(lambda: read_document(docx)):.3f} s")
        print(f"docx                 bare python-docx   {best_of(lambda: extract_python_docx(docx)):.3f} s")
        pdfs = [("pdf (reportlab)", pdf)] + ([("pdf (LibreOffice)", office_pdf)] if office_pdf else [])
        for label, p in pdfs:
            n = read_document(p).chars
            print(f"{label} ({n} chars)  mishen reader (pypdfium2)  {best_of(lambda p=p: read_document(p)):.3f} s")
            print(f"{label}             pypdfium2 bare             {best_of(lambda p=p: extract_pdfium(p)):.3f} s")
            print(f"{label}             pdfplumber                 {best_of(lambda p=p: extract_pdfplumber(p), 1):.3f} s")

        print("\n## Full pipeline, process start to JSON (median of 3)")
        env = dict(os.environ)
        scan = [sys.executable, "-m", "app", "scan", "--format", "json", "--fail-on", "never"]
        wall([*scan, str(docx)], 1, env)  # warm the lexicon cache once
        floor_cmd = [sys.executable, "-c", FLOOR]
        lex_dir = str(REPO / "lexicons")
        for label, p in [("docx", docx), *pdfs]:
            full = wall([*scan, str(p)], 3, env)
            line = f"{label:18s} mishen scan {full:.3f} s"
            if p.suffix == ".pdf":
                floor = wall([*floor_cmd, str(p), lex_dir], 3, env)
                line += f"   floor (pypdfium2 + one AC pass) {floor:.3f} s   ratio {full / floor:.1f}x"
            print(line)

        print("\n## Matching stage vs raw pyahocorasick (same normalised text, same terms)")
        import ahocorasick

        from app.lexicon.loader import default_lexicon_paths, load_lexicon_file
        from app.normalize import normalize, normalize_document
        from app.scan import Engine

        engine = Engine.load()
        document = read_document(docx)
        norm = normalize_document(document)
        terms = {normalize(e.term).text for p in default_lexicon_paths() for e in load_lexicon_file(p).entries}
        raw = ahocorasick.Automaton()
        for term in terms:
            raw.add_word(term, term)
        raw.make_automaton()
        t_ours = best_of(lambda: engine.matcher.find(norm.text), 5)
        t_raw = best_of(lambda: sum(1 for _ in raw.iter(norm.text)), 5)
        print(f"{len(norm.text)} chars, {len(terms)} terms: Matcher.find {t_ours * 1000:.1f} ms, "
              f"raw iter {t_raw * 1000:.1f} ms, ratio {t_ours / t_raw:.2f}x")
        t_scan = best_of(lambda: engine.scan_document(document), 3)
        print(f"whole scan_document (normalise + lexicon + rules + findings): {t_scan * 1000:.1f} ms")

        print("\n## Lexicon load (fresh process each)")
        for n in (int(x) for x in a.terms.split(",")):
            lex = work / f"lex-{n}.csv"
            lexicon_csv(lex, n)
            cache = work / f"cache-{n}"
            cold = lexicon_load(lex, cache)
            cached = lexicon_load(lex, cache)
            print(f"{n:>7} terms: cold {cold:.3f} s, cached {cached:.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
