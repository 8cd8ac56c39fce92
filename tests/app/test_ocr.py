"""OCR of scanned pages, in process: an image-only PDF page (drawn, rotated and noised by the
tests) is read on the right page and box; --ocr off keeps the old notice; blank and ruled pages
invent nothing; bad images are clear errors and the batch goes on; altered models are refused.
Each recognised page costs one to two seconds: the set is kept small."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest

from app.model import Category, Part
from app.ocr.models import MODEL_FILES, OcrError, models_dir, verify_models
from app.ocr.options import OcrOptions
from app.readers import read_document
from app.scan import Engine, scan_batch
from tests import ocr_builders as ob


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, ob.Box]]:
    image, boxes = ob.scan_page()
    path = ob.image_pdf(tmp_path_factory.mktemp("ocr") / "notice.pdf", [image])
    return path, {text: ob.to_points(box) for text, box in boxes.items()}


def test_image_only_page_is_read_on_its_page_with_boxes(engine: Engine, scanned_pdf) -> None:
    path, drawn = scanned_pdf
    report = engine.scan_file(path)
    assert report.error is None, report.error
    by_text = {f.text: f for f in report.findings}
    mark = next(f for f in report.findings if f.category is Category.SECRET_MARK)
    assert ob.MARK in mark.text
    ident = by_text[ob.ID_NUMBER]
    assert ident.category is Category.PERSONAL_INFO
    for finding, line in ((mark, ob.MARK), (ident, ob.ID_LINE)):
        assert finding.location.part is Part.PAGE and finding.location.page == 2
        box = finding.location.box
        assert box is not None and ob.overlaps(box, drawn[line]), (box, drawn[line])
        assert finding.location.to_json()["box"] == [round(v, 1) for v in box]
    # the ID number's box is the number's, not the whole line's (it starts after the label)
    assert ident.location.box is not None and ident.location.box[0] > drawn[ob.ID_LINE][0] + 100
    # page 1 kept its text layer; page 2 is said to be read by OCR, with its confidence
    assert report.document is not None and ob.FIRST_PAGE in report.document.text
    notice = next(n for n in report.notices if n.code == "no_text_layer")
    assert notice.pages == (2,)
    assert "文字识别（OCR）" in notice.message and "置信度" in notice.message
    # the result is cached by the page image's hash, in the user's cache directory
    from app.ocr.cache import cache_folder

    assert list(cache_folder().rglob("*.json"))


def test_scan_with_a_stamped_page_number_is_read_too(engine: Engine, tmp_path: Path) -> None:
    image, _ = ob.scan_page(lines=[(ob.ID_LINE, (150, 600))], seed=7)
    path = ob.image_pdf(tmp_path / "numbered.pdf", [image], page_numbers=True)
    report = engine.scan_file(path)
    assert any(f.text == ob.ID_NUMBER and f.location.page == 2 and f.location.box for f in report.findings)
    notice = next(n for n in report.notices if n.code == "no_text_layer")
    assert notice.pages == (2,) and "只有少量文字" in notice.message
    assert report.document is not None and "第 2 页" in report.document.text     # the text layer is kept
    # with --ocr off it is an ordinary page with two words
    assert ob.ID_NUMBER not in read_document(path, ocr=OcrOptions("off")).text


def test_ocr_off_keeps_the_old_notice(scanned_pdf) -> None:
    path, _ = scanned_pdf
    document = read_document(path, ocr=OcrOptions("off"))
    assert [n.code for n in document.notices] == ["no_text_layer"]
    assert "未能检查其内容" in document.notices[0].message
    assert ob.ID_NUMBER not in document.text and all(not s.boxes for s in document.segments)


def test_blank_and_ruled_pages_invent_nothing(engine: Engine, tmp_path: Path) -> None:
    path = ob.image_pdf(tmp_path / "forms.pdf", [ob.blank_page(), ob.ruled_page()], text_first_page=None)
    report = engine.scan_file(path)
    assert report.error is None
    assert report.findings == ()
    assert report.document is not None and report.document.chars == 0
    assert any(n.code == "no_text_layer" and n.pages == (1, 2) and "未识别出文字" in n.message
               for n in report.notices)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels (header only, no image data)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_bad_images_are_clear_errors_and_the_batch_goes_on(engine: Engine, tmp_path: Path) -> None:
    huge = tmp_path / "huge.png"
    huge.write_bytes(_png_header(20_000, 20_000))
    large = tmp_path / "large.png"            # under Pillow's own limit, over ours
    large.write_bytes(_png_header(9_000, 8_000))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x13" * 200)
    fake = tmp_path / "fake.tif"
    fake.write_text("不是图片", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("秘密★5年\n正文。", encoding="utf-8")
    reports = [e.report for e in scan_batch([huge, large, broken, fake, good], engine) if e.report is not None]
    assert [r.error_code for r in reports] == ["too_large", "too_large", "corrupt", "corrupt", None]
    assert "像素" in (reports[0].error or "") and "降低分辨率" in (reports[0].error or "")
    assert "9000×8000" in (reports[1].error or "")
    assert "图片" in (reports[2].error or "") and "Traceback" not in (reports[2].error or "")
    assert "不是图片" in (reports[3].error or "")
    assert any(f.category is Category.SECRET_MARK for f in reports[4].findings)


def test_altered_or_missing_models_are_refused(tmp_path: Path) -> None:
    source = models_dir()
    altered = tmp_path / "altered"
    altered.mkdir()
    for model in MODEL_FILES:
        (altered / model.name).symlink_to(source / model.name)
    (altered / MODEL_FILES[0].name).unlink()
    (altered / MODEL_FILES[0].name).write_bytes(b"\0" * MODEL_FILES[0].size)
    with pytest.raises(OcrError) as err:
        verify_models(altered)
    assert err.value.code == "ocr_model_altered" and "校验值不符" in err.value.message
    missing = tmp_path / "missing"
    shutil.copytree(altered, missing, symlinks=True)
    (missing / MODEL_FILES[0].name).unlink()
    with pytest.raises(OcrError) as err:
        verify_models(missing)
    assert err.value.code == "ocr_model_missing"
    assert MODEL_FILES[0].name in err.value.message and "不会联网下载" in err.value.message


def test_too_many_pages_to_recognise_is_an_error_naming_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.errors import ReadError
    from app.readers import pdf_ocr

    path = ob.image_pdf(tmp_path / "long.pdf", [ob.blank_page()] * 3)
    monkeypatch.setattr(pdf_ocr, "MAX_OCR_PAGES", 2)     # 300 in use: a 3-page file stands in for 3,000 pages
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.code == "too_large"
    assert "3 页" in err.value.message and "第2–4页均未读取" in err.value.message
    monkeypatch.undo()
    with pytest.raises(ReadError) as err:                  # cancelled before the first page
        read_document(path, ocr=OcrOptions("on", cancelled=lambda: True))
    assert err.value.code == "cancelled"


def test_a_photo_taken_sideways_is_read_upright(tmp_path: Path) -> None:
    """EXIF orientation 6 (the camera was turned): boxes are in the upright picture's pixels."""
    from PIL import Image, ImageDraw

    upright = Image.new("L", (700, 160), 255)
    ImageDraw.Draw(upright).text((40, 50), ob.MARK + "　内部资料", font=ob.cjk_font(44), fill=0)
    stored = upright.transpose(Image.Transpose.ROTATE_90)        # what the sensor wrote: 160 × 700
    exif = Image.Exif()
    exif[0x0112] = 6                                             # "rotate 90° clockwise to view"
    path = tmp_path / "photo.jpg"
    stored.convert("RGB").save(path, exif=exif, quality=92)
    document = read_document(path)
    assert ob.MARK in document.text
    start = document.text.index(ob.MARK)
    box = document.segments[0].location_of(start, start + len(ob.MARK)).box
    assert box is not None and box[2] > 200 and box[3] < 160, box   # across the wide upright picture


def test_a_red_heading_split_by_the_detector_stays_one_row(engine: Engine, tmp_path: Path) -> None:
    """The detector cuts 秘密 | ★5年 of a red heading into two boxes: they join into one row."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 200), (255, 255, 255))
    ImageDraw.Draw(image).text((40, 60), "秘密★5年 某某市人民政府文件", font=ob.cjk_font(44), fill=(220, 20, 20))
    path = tmp_path / "red.png"
    image.save(path)
    report = engine.scan_file(path)
    assert report.document is not None and "\n" not in report.document.text
    marks = [f for f in report.findings if f.category is Category.SECRET_MARK]
    assert marks and marks[0].text.replace(" ", "") == ob.MARK
