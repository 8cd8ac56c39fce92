"""Image page view and start-up check costs: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_image_view.py

Times `ui.document.image_pages.render_page` (what the worker does for each page the image view
draws: decode, EXIF, the reader's downscale to OCR_SIDE, a further downscale to the zoom, the
QImage) for an A4 page at 300 dpi (png, jpeg) and a 44-megapixel png, at full and at a fit-width
zoom; and `app.ocr.models.verify_models` (the start-up check: size and SHA-256 of the 31 MB of
models) cold, in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PIL import Image, ImageDraw

    from ui.document.image_pages import render_page

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for name, size in (("a4-300dpi.png", (2480, 3508)), ("a4-300dpi.jpg", (2480, 3508)),
                           ("44mp.png", (6666, 6666))):
            image = Image.new("RGB", size, "white")
            draw = ImageDraw.Draw(image)
            for y in range(100, size[1] - 100, 60):       # some ink, so the codecs have work to do
                draw.line((100, y, size[0] - 100, y + 20), fill="black", width=3)
            path = Path(tmp) / name
            image.save(path)
            files.append(path)
        for path in files:
            for scale in (1.0, 0.35):
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    qimage, actual = render_page(str(path), 0, scale)
                    times.append(time.perf_counter() - t)
                print(f"render {path.name:14} zoom {scale:4.2f}: {min(times):.3f} s best of 3 "
                      f"({qimage.width()}×{qimage.height()} px, scale {actual:.3f})")
    code = ("import time; t = time.perf_counter(); from app.ocr.models import verify_models; "
            "verify_models(); print(f'{time.perf_counter() - t:.3f}')")
    cold = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    print(f"start-up model check (verify_models, fresh process): {cold.stdout.strip()} s")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
