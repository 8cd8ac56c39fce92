"""scripts/trim_icu.py: the ICU data library Qt Core carries, trimmed to what Qt Core asks of it.
The trimmed library is built from the venv's real PySide6 one and preloaded into a real Qt process:
collation, case mapping, time-zone names and the legacy decoders must come out exactly as with the
full 31 MiB library."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _trim_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("trim_icu", ROOT / "scripts" / "trim_icu.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _icu_lib() -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("Qt carries its own ICU data on Linux only")
    missing = [tool for tool in ("objcopy", "as", "ld", "nm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"binutils missing ({', '.join(missing)}); scripts/bootstrap.sh installs them")
    import PySide6

    lib = Path(PySide6.__file__).parent / "Qt" / "lib" / "libicudata.so.73"
    if not lib.is_file():
        pytest.skip(f"this PySide6 has no {lib.name} (another ICU version?)")
    return lib


PROBE = r"""
from functools import cmp_to_key
from PySide6.QtCore import QCollator, QLocale, QStringConverter, QStringDecoder, QTimeZone
print("loaded", sorted({l.split()[-1] for l in open("/proc/self/maps") if "libicudata" in l}))
words = ["上海", "北京", "重庆", "天津", "广州", "阿里", "厦门", "Zürich", "zebra", "Äpfel"]
for name in ("zh_CN", "zh_TW", "en_US", "de_DE"):
    c = QCollator(QLocale(name))
    print("collate", name, sorted(words, key=cmp_to_key(c.compare)))
print("upper", QLocale("tr_TR").toUpper("istanbul"), QLocale("zh_CN").toUpper("straße"),
      QLocale("lt_LT").toLower("Ì"))
for zone in (b"Asia/Shanghai", b"Asia/Urumqi", b"Europe/Berlin", b"America/New_York"):
    tz = QTimeZone(zone)
    for loc in ("zh_CN", "en_US"):
        print("zone", zone, loc, tz.isValid(),
              tz.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(loc)),
              tz.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.ShortName, QLocale(loc)))
for enc in ("GBK", "GB18030", "GB2312", "Big5", "Big5-HKSCS", "Shift_JIS", "EUC-KR", "windows-1252",
            "ISO-8859-5", "KOI8-R"):
    d = QStringDecoder(enc)
    print("decoder", enc, d.isValid(), d.name() if d.isValid() else "")
print("codecs", len(QStringConverter.availableCodecs()))
"""


def _probe(env_extra: dict[str, str]) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_keep_rules() -> None:
    keep = _trim_module().keep
    for kept in ("icudt73l/coll/zh.res", "icudt73l/coll/root.res", "icudt73l/coll/ucadata.icu",
                 "icudt73l/zh_Hans_CN.res", "icudt73l/en.res", "icudt73l/root.res", "icudt73l/pool.res",
                 "icudt73l/res_index.res", "icudt73l/zone/zh.res", "icudt73l/zoneinfo64.res",
                 "icudt73l/metaZones.res", "icudt73l/likelySubtags.res", "icudt73l/gb18030.cnv",
                 "icudt73l/cnvalias.icu", "icudt73l/uprops.icu", "icudt73l/ucase.icu", "icudt73l/nfc.nrm",
                 "icudt73l/coll/res_index.res", "icudt73l/zone/pool.res"):
        assert keep(kept), kept
    for dropped in ("icudt73l/brkitr/cjdict.dict", "icudt73l/translit/root.res", "icudt73l/coll/de.res",
                    "icudt73l/de.res", "icudt73l/zone/fr.res", "icudt73l/curr/zh.res", "icudt73l/lang/en.res",
                    "icudt73l/unames.icu", "icudt73l/rfc3491.spp", "icudt73l/confusables.cfu"):
        assert not keep(dropped), dropped


def test_package_round_trip_is_byte_identical(tmp_path: Path) -> None:
    """Reading the real package and writing all of its items back gives the original bytes, so the
    writer lays items out exactly as ICU's own tools do."""
    lib = _icu_lib()
    trim = _trim_module()
    blob_path = tmp_path / "icudt73l.dat"
    subprocess.run(["objcopy", "-O", "binary", "-j", ".rodata", str(lib), str(blob_path)], check=True)
    blob = blob_path.read_bytes()
    header, items = trim.read_package(blob)
    assert len(items) > 1000 and all(name.startswith("icudt73l/") for name, _ in items)
    assert trim.write_package(header, items) == blob


def test_qt_behaves_the_same_with_the_trimmed_library(tmp_path: Path) -> None:
    lib = _icu_lib()
    out = tmp_path / lib.name
    old, new = _trim_module().trim(lib, out)
    assert new < old / 2, (old, new)
    full = _probe({})
    trimmed = _probe({"LD_PRELOAD": str(out)})
    assert full[0] == f"loaded {[str(lib.resolve())]}" or "PySide6/Qt/lib/libicudata" in full[0]
    assert trimmed[0] == f"loaded {[str(out)]}", trimmed[0]      # the trimmed data was really used
    assert trimmed[1:] == full[1:]
    assert any(line.startswith("zone b'Asia/Shanghai' zh_CN True 中国标准时间") for line in full)
    assert "decoder GBK True GBK" in full
