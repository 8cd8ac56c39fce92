"""MiShen's OCR pipeline (app/ocr/pipeline: NumPy + onnxruntime) against rapidocr 3.10.0 on the
same pages: time per page, peak RSS, and how far the results differ. Prints figures, asserts
nothing.

    .venv/bin/python benchmarks/bench_ocr_pipeline.py [--runs 2] [image ...]

Pages: a sparse A4 scan (4 lines), a dense A4 scan (41 lines), the corpus's scanned PDF page
when /work/shared/eval is there (rendered at 200 dpi), and any image files given. Each engine
runs in its own child process (so that its peak RSS is its own); the first run of each page
includes loading the models when it is the first page, the figure given is the best of `--runs`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LINE = "各地区各部门要认真贯彻落实信息公开条例，做好第{n}项政府信息公开工作，联系电话 0451-{n:08d}。"
CORPUS_PDF = Path("/work/shared/eval/corpus/scanned-page.pdf")


def pages(folder: Path, extra: list[str]) -> list[Path]:
    from PIL import ImageDraw

    from tests import ocr_builders as ob

    out = []
    sparse, _ = ob.scan_page()
    out.append(folder / "sparse-a4.png")
    sparse.save(out[-1])
    dense, _ = ob.scan_page(lines=[(ob.MARK, (150, 150))], seed=3)
    dense = dense.convert("L")
    draw = ImageDraw.Draw(dense)
    font = ob.cjk_font(34)
    for k in range(40):
        draw.text((150, 260 + k * 50), LINE.format(n=k), font=font, fill=0)
    dense = ob.add_noise(dense.rotate(0.6, fillcolor=255), 12.0, 3)
    out.append(folder / "dense-a4.png")
    dense.save(out[-1])
    if CORPUS_PDF.exists():
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(CORPUS_PDF))
        for i in range(len(pdf)):
            image = pdf[i].render(scale=200 / 72).to_pil()
            out.append(folder / f"corpus-scanned-page-{i + 1}.png")
            image.save(out[-1])
    out.extend(Path(p) for p in extra)
    return out


_CHILD = r"""
import json, resource, sys, time
import numpy as np
from PIL import Image
sys.path.insert(0, {repo!r})
from app.ocr.models import verify_models
models = verify_models()
which, runs, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if which == "ours":
    from app.ocr.pipeline import Pipeline
    engine = Pipeline(models.det, models.cls, models.rec)
    def run(bgr):
        return [(l.text, l.score, [list(p) for p in l.quad]) for l in engine(bgr)]
else:
    from rapidocr import RapidOCR
    engine = RapidOCR(params={{"Global.log_level": "error", "Det.model_path": str(models.det),
                              "Cls.model_path": str(models.cls), "Rec.model_path": str(models.rec)}})
    def run(bgr):
        r = engine(bgr, return_word_box=True, return_single_char_box=True)
        if r.txts is None:
            return []
        return [(t, float(s), np.asarray(b, dtype=float).tolist()) for t, s, b in zip(r.txts, r.scores, r.boxes)]
out = []
for path in paths:
    bgr = np.ascontiguousarray(np.asarray(Image.open(path).convert("RGB"))[:, :, ::-1])
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        lines = run(bgr)
        times.append(time.perf_counter() - t)
    out.append({{"path": path, "times": times, "lines": lines}})
print(json.dumps({{"pages": out, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def child(which: str, runs: int, paths: list[Path]) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD.format(repo=str(REPO)), which, str(runs),
                           *map(str, paths)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("images", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = pages(Path(tmp), args.images)
        started = time.perf_counter()
        ours = child("ours", args.runs, paths)
        theirs = child("rapidocr", args.runs, paths)
        print(f"(both engines: {time.perf_counter() - started:.1f} s)")
    print(f"peak RSS: ours {ours['rss_mib']:.0f} MiB, rapidocr {theirs['rss_mib']:.0f} MiB")
    for mine, ref in zip(ours["pages"], theirs["pages"], strict=True):
        name = Path(mine["path"]).name
        a, b = mine["lines"], ref["lines"]
        same_text = [x[0] for x in a] == [x[0] for x in b]
        box = max((abs(p - q) for x, y in zip(a, b, strict=False)
                   for pa, pb in zip(x[2], y[2], strict=False) for p, q in zip(pa, pb, strict=False)), default=0.0)
        score = max((abs(x[1] - y[1]) for x, y in zip(a, b, strict=False)), default=0.0)
        print(f"{name}: {len(a)} lines (rapidocr {len(b)}), same text and order: {same_text}, "
              f"max box difference {box:.1f} px, max confidence difference {score:.5f}; "
              f"best time ours {min(mine['times']):.2f} s, rapidocr {min(ref['times']):.2f} s "
              f"(first run {mine['times'][0]:.2f} / {ref['times'][0]:.2f} s)")
        if not same_text:
            for x, y in zip(a, b, strict=False):
                if x[0] != y[0]:
                    print(f"    ours {x[0]!r}  rapidocr {y[0]!r}")


if __name__ == "__main__":
    main()
