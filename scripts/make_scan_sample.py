"""Render the scanned-page sample of the frozen-build checks: a PNG with a secrecy mark and a title
in a CJK TrueType font (what a scanner gives for a printed notice).

    python scripts/make_scan_sample.py OUT.png
"""

from __future__ import annotations

import sys

from PIL import Image, ImageDraw, ImageFont

FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc")


def main(out: str) -> int:
    font = None
    for path in FONTS:
        try:
            font = ImageFont.truetype(path, 44)
            break
        except OSError:
            pass
    if font is None:
        print("no CJK TrueType font (fonts-wqy-zenhei) to render the OCR sample", file=sys.stderr)
        return 1
    img = Image.new("RGB", (1240, 700), "white")
    d = ImageDraw.Draw(img)
    d.text((120, 120), "秘密★5年", font=font, fill="black")
    d.text((120, 260), "关于做好年度安全生产检查工作的通知", font=font, fill="black")
    img.save(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
