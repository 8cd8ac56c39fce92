"""OCR speed and memory: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_ocr.py [--pages 5] [--dpi 200]

Builds an image-only PDF of `--pages` A4 pages of dense Chinese text (Pillow, a system CJK font,
slightly rotated and noised, each page different so the cache cannot help), then scans it with
OCR in a fresh cache directory: the first page (which loads the models) is timed apart from the
others. Then the same file again (every page from the cache). Peak RSS is the whole process's.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LINE = "各地区各部门要认真贯彻落实信息公开条例，做好第{n}项政府信息公开工作，联系电话 0451-{n:08d}。"


def build(path: Path, pages: int) -> Path:
    from PIL import ImageDraw

    from tests import ocr_builders as ob

    images = []
    for p in range(pages):
        image, _ = ob.scan_page(lines=[(ob.MARK, (150, 150))], seed=p)
        image = image.convert("L")
        draw = ImageDraw.Draw(image)
        font = ob.cjk_font(34)
        for k in range(40):
            draw.text((150, 260 + k * 50), LINE.format(n=p * 100 + k), font=font, fill=0)
        images.append(ob.add_noise(image.rotate(0.6, fillcolor=255), 12.0, p))
    return ob.image_pdf(path, images, text_first_page=None)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MISHEN_CACHE"] = str(Path(tmp) / "cache")
        path = build(Path(tmp) / "scan.pdf", args.pages)
        from app.ocr.options import OcrOptions
        from app.readers import read_document

        stamps: list[float] = []
        start = time.perf_counter()
        document = read_document(path, ocr=OcrOptions("auto", progress=lambda *_: stamps.append(time.perf_counter())))
        total = time.perf_counter() - start
        first = stamps[0] - start
        rest = (stamps[-1] - stamps[0]) / max(1, len(stamps) - 1)
        start = time.perf_counter()
        read_document(path)
        cached = (time.perf_counter() - start) / args.pages
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # KiB on Linux
        print(f"pages: {args.pages}, characters read: {document.chars}, cores: {os.cpu_count()}")
        print(f"first page (loads the models): {first:.2f} s")
        print(f"next pages: {rest:.2f} s per page (all pages {total:.1f} s)")
        print(f"cached: {cached:.3f} s per page")
        print(f"peak RSS: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
