"""txt and html copies: the decoded text with every withheld string replaced by ■ of the same
length, written back in the encoding it came in. In html the replacement runs over the whole
source (text, attributes, scripts) with character references resolved first, and comments go;
an inline script whose text holds a withheld string in escaped or pieced form (app.readers.
script_text: backslash-u escapes, unescape, fromCharCode, '澳'+'门') is removed whole."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from app.redact.match import mask
from app.redact.model import Action, RedactError

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
_REF = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP = frozenset("<>&\"'")


def _unref(match: re.Match[str]) -> str:
    """A character reference as the character (so 机&#23494; is seen as 机密); markup characters
    and unknown names stay as they are."""
    ch = html_lib.unescape(match.group(0))
    return match.group(0) if ch == match.group(0) or ch in _MARKUP or len(ch) != 1 else ch


def build_text_copy(source: Path, needles: list[str], out: Path, *, kind: str, encoding: str) -> list[Action]:
    data = source.read_bytes()
    bom = b""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig") and data.startswith(b"\xef\xbb\xbf"):
        bom, data = data[:3], data[3:]
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise RedactError(f"无法按 {encoding} 解码文件（{exc}），无法制作副本。", code="decode_failed") from exc
    actions: list[Action] = []
    if kind == "html":
        comments = len(_COMMENT.findall(text))
        if comments:
            text = _COMMENT.sub("", text)
            actions.append(Action("comments_removed", f"已删除网页注释 {comments} 处", count=comments))
        text = _REF.sub(_unref, text)
        text, scripts = _drop_scripts(text, needles)
        if scripts:
            actions.append(Action("scripts_removed", f"已删除写入被遮盖文字的网页脚本 {scripts} 段", count=scripts))
    text, n = mask(text, needles)
    if n:
        actions.append(Action("text_masked", f"{n} 处被遮盖的文字已替换为 ■", count=n))
    try:
        encoded = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise RedactError(f"文件的编码 {encoding} 无法表示遮盖符号 ■，无法制作副本；请另存为 UTF-8 后重试。",
                          code="encode_failed") from exc
    out.write_bytes(bom + encoded)
    return actions


def _drop_scripts(text: str, needles: list[str]) -> tuple[str, int]:
    """`text` without the inline scripts whose decoded text holds a withheld string, and how many."""
    from app.readers.script_text import script_texts

    dropped = 0

    def one(m: re.Match[str]) -> str:
        nonlocal dropped
        written = "".join(script_texts(m.group(1)))
        if any(needle and needle in written for needle in needles):
            dropped += 1
            return ""
        return m.group(0)

    return _SCRIPT.sub(one, text), dropped
