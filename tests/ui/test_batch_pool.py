"""The batch window scans a folder of many files on every core (the patrol's worker pool, with the
window's own engine), and a row scanned by a worker still opens in the main window."""

from __future__ import annotations

from pathlib import Path

from tests.patrol_mirror import ID_NUMBER, SECRET_MARK, build_mirror, page_path
from ui.batch.batch_window import BatchWindow

WAIT = 120_000


def test_batch_window_uses_the_worker_pool_and_rows_still_open(qtbot, settings, engine_holder, tmp_path: Path,
                                                               monkeypatch) -> None:
    from app.patrol import batch

    monkeypatch.setattr(batch, "default_workers", lambda: 2)  # two workers even on a one-core runner
    mirror = build_mirror(tmp_path / "site", pages=12, bad_links=False)
    window = BatchWindow(engine_holder, settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.finished, timeout=WAIT) as done:
        assert window.start([str(mirror.root)])
    assert done.args == [True]
    reports = {Path(r.path).relative_to(mirror.root).as_posix(): r for r in window.files.reports}
    assert set(mirror.files) <= set(reports)  # (the batch also reads hts-cache/new.txt and images)
    assert all(r.document is None for r in reports.values())  # scanned in worker processes
    assert any(f.text == SECRET_MARK for f in reports[page_path(2)].findings)
    assert any(ID_NUMBER in f.text for f in reports[page_path(3)].findings)

    row = [Path(r.path).relative_to(mirror.root).as_posix() for r in window.files.reports].index(page_path(2))
    with qtbot.waitSignal(window.open_requested, timeout=WAIT) as opened:
        window.file_table.doubleClicked.emit(window.files.index(row, 0))
    assert opened.args[0].document is not None and opened.args[0].path == reports[page_path(2)].path


def test_batch_window_uses_the_pool_with_ocr_off_too(qtbot, settings, engine_holder, tmp_path: Path,
                                                      monkeypatch) -> None:
    from app.patrol import batch
    from tests import ocr_builders as ob

    monkeypatch.setattr(batch, "default_workers", lambda: 2)
    settings.ocr_mode = "off"
    mirror = build_mirror(tmp_path / "site", pages=8, bad_links=False)
    scan = mirror.root / "scan.png"
    ob.scan_page(lines=[(ob.MARK, (150, 150))])[0].save(scan)
    window = BatchWindow(engine_holder, settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.finished, timeout=WAIT) as done:
        assert window.start([str(mirror.root)])
    assert done.args == [True]
    reports = {Path(r.path).relative_to(mirror.root).as_posix(): r for r in window.files.reports}
    assert all(r.document is None for r in reports.values())  # the worker pool, not the old thread
    assert any(f.text == SECRET_MARK for f in reports[page_path(2)].findings)
    image = reports["scan.png"]
    assert image.error is None and not image.findings       # OCR off in the workers: not read...
    assert any(n.code == "no_text_layer" and "已关闭" in n.message for n in image.notices)  # ...and said so
