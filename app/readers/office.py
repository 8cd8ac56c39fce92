"""Old and other office formats (.doc .wps .rtf .odt → docx; .et .xls .ods → xlsx) through
LibreOffice in headless mode, with a fresh profile per conversion, a size limit before it and a
time limit on it (`guards.MAX_CONVERT_BYTES`, `guards.CONVERT_TIMEOUT_S`: on timeout soffice and
the soffice.bin it starts are killed as one process group)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from app.errors import ReadError
from app.model import Document, Notice
from app.readers import guards

_TARGET = {".doc": "docx", ".wps": "docx", ".rtf": "docx", ".odt": "docx", ".wpt": "docx", ".dot": "docx",
           ".et": "xlsx", ".xls": "xlsx", ".ods": "xlsx", ".ett": "xlsx"}
_WINDOWS_PATHS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                  r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
NO_CONVERTER_MESSAGE = ("读取 {suffix} 文件需要 LibreOffice 做格式转换，但本机未找到。"
                        "请安装 LibreOffice（Debian/统信/麒麟：apt install libreoffice-writer libreoffice-calc；"
                        "Windows：从 LibreOffice 官网安装）后重试，或将文件另存为 {target} 后再审查。")


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if os.name == "nt":
        return next((p for p in _WINDOWS_PATHS if Path(p).is_file()), None)
    return None


def target_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in _TARGET:
        return _TARGET[suffix]
    if data.lstrip()[:5] == b"{\\rtf":
        return "docx"
    return "docx"


# Set by the frozen bundle (PyInstaller's bootloader and its Qt runtime hook) or by a Python
# environment: LibreOffice must not load the bundle's libraries, Qt plugins or Python.
_BUNDLE_ENV = ("LD_LIBRARY_PATH", "QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH",
               "PYTHONHOME", "PYTHONPATH", "DYLD_LIBRARY_PATH")


def soffice_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for `soffice`: ours without the bundle's library and plugin paths; inside a
    PyInstaller build the user's own LD_LIBRARY_PATH (saved as *_ORIG) is put back."""
    env = dict(os.environ if environ is None else environ)
    frozen = getattr(sys, "frozen", False)
    for key in _BUNDLE_ENV:
        if not frozen and key not in ("PYTHONHOME", "PYTHONPATH"):
            continue  # from source these are the user's own settings
        original = env.pop(key + "_ORIG", None)
        env.pop(key, None)
        if original is not None:
            env[key] = original
    return env


def read(path: Path, data: bytes, sha256: str) -> Document:
    suffix = path.suffix.lower() or ".doc"
    target = target_format(path, data)
    if len(data) > guards.MAX_CONVERT_BYTES:
        raise guards.too_large(f"{suffix} ", f"{guards.size_text(len(data))}，超过 LibreOffice 转换的上限 "
                                            f"{guards.size_text(guards.MAX_CONVERT_BYTES)}；也可另存为 {target} 后再审查")
    soffice = find_soffice()
    if soffice is None:
        raise ReadError(NO_CONVERTER_MESSAGE.format(suffix=suffix, target=target), code="no_converter")
    with tempfile.TemporaryDirectory(prefix="mishen-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out_dir = work / "out"
        out_dir.mkdir()
        profile = (work / "profile").as_uri()
        cmd = [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={profile}", "--convert-to", target, "--outdir", str(out_dir), str(source)]
        try:
            done = _run_bounded(cmd, guards.CONVERT_TIMEOUT_S, soffice_env())
        except subprocess.TimeoutExpired as exc:
            raise ReadError(f"LibreOffice 转换 {suffix} 文件超过 {guards.CONVERT_TIMEOUT_S:g} 秒仍未完成（文件可能已损坏、"
                            f"加密或过大），已中止转换。请用 Word/WPS 打开后另存为 {target} 再审查。",
                            code="too_slow") from exc
        except OSError as exc:
            raise ReadError(f"无法启动 LibreOffice（{exc}）。请检查安装是否完整，或将文件另存为 {target} 后再审查。",
                            code="no_converter") from exc
        converted = out_dir / f"input.{target}"
        if done.returncode != 0 or not converted.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:200]
            raise ReadError(f"LibreOffice 无法转换此 {suffix} 文件（可能已损坏或加密）{('：' + detail) if detail else ''}。"
                            f"请用 Word/WPS 打开后另存为 {target} 再审查。", code="conversion_failed")
        converted_data = converted.read_bytes()
    if target == "xlsx":
        from app.readers import xlsx

        document = xlsx.read(path, converted_data, sha256)
    else:
        from app.readers import docx

        document = docx.read(path, converted_data, sha256)
    notice = Notice(code="converted",
                    message=f"{suffix} 文件已用 LibreOffice 转换为 {target} 后审查；转换可能丢失部分批注、修订或版式，"
                            f"重要文件请另存为 {target} 后复核。")
    return dataclasses.replace(document, format=suffix.lstrip("."), notices=(*document.notices, notice))


def _run_bounded(cmd: list[str], timeout: float,
                 env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run soffice in its own process group; on timeout kill the whole group (the `soffice`
    launcher starts soffice.bin as a child, which `subprocess.run` would leave running)."""
    posix = os.name != "nt"
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=posix,
                            creationflags=0 if posix else getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        proc.communicate()
        raise
    except BaseException:
        _kill_tree(proc)
        proc.wait()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if os.name != "nt":
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        return
    subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False,
                   timeout=30)
    proc.kill()
