"""Reading lexicon files: CSV (UTF-8 with or without BOM, or GB18030 as Excel saves it on Chinese
Windows), XLSX (first sheet) and plain TXT (one term per line). See lexicons/README.md.

Every problem raises `LexiconError` with a Chinese message naming the file, the line and what is
wrong, so the maintainer can fix the spreadsheet without reading code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from operator import itemgetter, methodcaller
from pathlib import Path

from app.errors import LexiconError
from app.lexicon.model import Columns, LazyEntries, Lexicon, LexiconEntry, columns_of
from app.model import Category, LexiconInfo, Severity

SUFFIXES = (".csv", ".xlsx", ".txt")
COLUMNS = ("id", "term", "category", "severity", "basis", "suggestion", "note", "allow", "options")
REQUIRED_COLUMNS = ("id", "term", "category", "severity")
TXT_BASIS = "自定义词表"
#: Terms are words or short phrases (the bundled ones have at most 14 characters); a longer cell is
#: a paste gone wrong, and a huge one would bloat the automaton and every match.
MAX_TERM_CHARS = 200
MAX_LEXICON_BYTES = 64 * 1024 * 1024

_HEADER_ALIASES = {
    "编号": "id", "词条": "term", "类别": "category", "级别": "severity", "依据": "basis",
    "建议": "suggestion", "说明": "note", "白名单": "allow", "选项": "options",
}
_COLUMN_NAMES_ZH = {v: k for k, v in _HEADER_ALIASES.items()}
CATEGORY_ALIASES = {
    "密级标志": Category.SECRET_MARK, "密级标识": Category.SECRET_MARK, "涉密标志": Category.SECRET_MARK,
    "敏感词": Category.SENSITIVE_TERM, "敏感信息": Category.SENSITIVE_TERM,
    "未公开统计数据": Category.UNPUBLISHED_STATISTIC, "统计数据": Category.UNPUBLISHED_STATISTIC,
    "未结案件": Category.PENDING_CASE, "个人信息": Category.PERSONAL_INFO,
    "有害信息": Category.HARMFUL_CONTENT, "需审批": Category.APPROVAL_REQUIRED,
    "提法": Category.WORDING, "规范表述": Category.WORDING, "错别字": Category.TYPO,
    "隐藏内容": Category.HIDDEN_CONTENT,
}
TRUE_WORDS = frozenset({"1", "是", "yes", "y", "true", "t", "√", "✓", "允许"})
_FALSE = frozenset({"", "0", "否", "no", "n", "false", "f"})
_META = re.compile(r"^#\s*(name|version|名称|版本)\s*[:：]\s*(.*?)\s*$", re.IGNORECASE)
OPTION_SPLIT = re.compile(r"[\s|,，、]+")

Row = tuple[int, list[str]]  # (1-based line or spreadsheet row number, cells)


def default_lexicon_paths(directory: Path | None = None) -> list[Path]:
    """The bundled lexicon files, in a stable order."""
    from app.paths import lexicons_dir

    root = directory if directory is not None else lexicons_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")))


def load_lexicon_file(path: str | os.PathLike[str]) -> Lexicon:
    p = Path(path)
    return parse_lexicon(p, read_lexicon_bytes(p))


def read_lexicon_bytes(p: Path) -> bytes:
    """The file's bytes; LexiconError for an unsupported suffix or an unreadable file."""
    if p.suffix.lower() not in SUFFIXES:
        raise LexiconError(f"词库文件 {p.name}：不支持的格式“{p.suffix}”，应为 CSV、XLSX 或 TXT。")
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            raise LexiconError(f"词库文件 {p}：不是普通文件（文件夹、管道或设备），未予读取。", code="lexicon_unreadable")
        if st.st_size > MAX_LEXICON_BYTES:
            raise LexiconError(f"词库文件 {p}：文件过大（{st.st_size // (1024 * 1024)} MB，上限 "
                               f"{MAX_LEXICON_BYTES // (1024 * 1024)} MB）。", code="lexicon_unreadable")
        return p.read_bytes()
    except OSError as exc:
        raise LexiconError(f"词库文件 {p}：无法读取（{exc.strerror or exc}）。", code="lexicon_unreadable") from exc


def parse_lexicon(p: Path, data: bytes, sha: str | None = None) -> Lexicon:
    """Parse and validate the bytes of lexicon file `p` (entries are built lazily)."""
    suffix = p.suffix.lower()
    if sha is None:
        sha = hashlib.sha256(data).hexdigest()
    meta: dict[str, str] = {}
    columns: Columns | None = None
    if suffix == ".xlsx":
        columns = columns_of(_parse_table(p, openpyxl_rows(p, data), meta))
    else:
        text = decode_text(p, data)
        if suffix == ".txt":
            columns = columns_of(_parse_txt(p, text, meta))
        else:
            columns = _fast_csv(p, text, meta)
            if columns is None:  # anything unusual: the row-by-row parser (and its exact errors)
                meta.clear()
                columns = columns_of(_parse_table(p, csv_rows(text, meta, p), meta))
    count = len(columns[0])
    info = LexiconInfo(meta.get("name") or p.stem, meta.get("version") or "unversioned", sha, count)
    return Lexicon(info, LazyEntries(columns))


# --- decoding and row sources ------------------------------------------------------------------

def decode_text(p: Path, data: bytes) -> str:
    """A lexicon file's text: UTF-8 (BOM dropped) or GB18030; LexiconError naming the line otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[:utf8_error.start].count(b"\n") + 1
        raise LexiconError(f"词库文件 {p.name} 第{line}行：无法解码，文件既不是 UTF-8 也不是 GBK/GB18030 编码。"
                           "请在 Excel 中“另存为 CSV UTF-8”。", code="lexicon_invalid") from None


def _meta_line(line: str, meta: dict[str, str]) -> None:
    m = _META.match(line.strip())
    if m:
        key = {"名称": "name", "版本": "version"}.get(m.group(1), m.group(1).lower())
        meta.setdefault(key, m.group(2))


class _Lines(Iterator[str]):
    """Feeds csv.reader the non-comment lines and remembers each line's number."""

    def __init__(self, text: str, meta: dict[str, str]) -> None:
        self._lines = enumerate(io.StringIO(text, newline=""), start=1)
        self._meta = meta
        self._in_preamble = True
        self.numbers: list[int] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        for number, line in self._lines:
            if line.lstrip().startswith("#"):
                if self._in_preamble:
                    _meta_line(line, self._meta)
                continue
            if not line.strip():
                continue
            self._in_preamble = False
            self.numbers.append(number)
            return line
        raise StopIteration


def csv_rows(text: str, meta: dict[str, str], p: Path | None = None) -> Iterator[Row]:
    lines = _Lines(text, meta)
    reader = csv.reader(lines)
    while True:
        before = len(lines.numbers)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number = lines.numbers[before] if len(lines.numbers) > before else (lines.numbers or [1])[-1]
            where = f"词库文件 {p.name if p else ''} 第{number}行"
            if "field larger than field limit" in str(exc):
                raise LexiconError(f"{where}：单元格内容过长（超过 {csv.field_size_limit()} 个字符；词条上限 "
                                   f"{MAX_TERM_CHARS} 个字符）。请检查该行是否误把整段文字填入了词库。") from None
            raise LexiconError(f"{where}：CSV 格式错误（{exc}），可能是引号不配对。"
                               "请在 Excel 中打开后另存为“CSV UTF-8”。") from None
        yield lines.numbers[before], cells


def openpyxl_rows(p: Path, data: bytes) -> Iterator[Row]:
    from app.errors import ReadError
    from app.readers.guards import open_zip

    try:  # the same whole-archive budget as documents, before openpyxl decompresses anything
        open_zip(data, "Excel（xlsx）").close()
    except ReadError as exc:
        raise LexiconError(f"词库文件 {p.name}：{exc.message}", code="lexicon_invalid") from None
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        book.close()
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise LexiconError(f"词库文件 {p.name}：无法读取 XLSX 工作簿（{type(exc).__name__}）。") from exc
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in values]
        if not any(cells):
            continue
        yield number, cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- parsing -----------------------------------------------------------------------------------

def _parse_table(p: Path, rows: Iterable[Row], meta: dict[str, str]) -> list[LexiconEntry]:
    columns: dict[str, int] | None = None
    entries: list[LexiconEntry] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if columns is None:
            if cells and cells[0].lstrip().startswith("#"):  # xlsx comment rows
                _meta_line(cells[0], meta)
                continue
            columns = _header(p, number, cells)
            continue
        if cells and cells[0].lstrip().startswith("#"):
            continue
        entry = _entry(p, number, cells, columns)
        if entry.id in seen:
            raise LexiconError(f"词库文件 {p.name} 第{number}行：编号“{entry.id}”重复（第{seen[entry.id]}行已使用）。")
        seen[entry.id] = number
        entries.append(entry)
    if columns is None:
        raise LexiconError(f"词库文件 {p.name}：缺少表头行（应为 {','.join(COLUMNS)} 或 {','.join(_HEADER_ALIASES)}）。")
    return entries


def _header(p: Path, number: int, cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.strip().lstrip("\ufeff").strip()
        key = _HEADER_ALIASES.get(name, name.lower())
        if key in COLUMNS and key not in columns:
            columns[key] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        names = "、".join(f"{c}（{_COLUMN_NAMES_ZH[c]}）" for c in missing)
        raise LexiconError(f"词库文件 {p.name} 第{number}行：表头缺少列 {names}。")
    return columns


def _entry(p: Path, number: int, cells: list[str], columns: dict[str, int]) -> LexiconEntry:
    def get(name: str) -> str:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    where = f"词库文件 {p.name} 第{number}行"
    term = get("term")
    if not term:
        raise LexiconError(f"{where}：词条为空。")
    if "\n" in term or "\r" in term:
        raise LexiconError(f"{where}：词条含换行。")
    if len(term) > MAX_TERM_CHARS:
        raise LexiconError(_too_long(where, term))
    category = parse_category(get("category"))
    if category is None:
        raise LexiconError(f"{where}：未知类别“{get('category')}”（可用：{'、'.join(c.value for c in Category)}）。")
    allow_text = get("allow").lower()
    if allow_text not in TRUE_WORDS and allow_text not in _FALSE:
        raise LexiconError(f"{where}：白名单列应为 1/是 或 0/否，而不是“{get('allow')}”。")
    allow = allow_text in TRUE_WORDS
    severity_text = get("severity")
    if allow and not severity_text:
        severity = Severity.LOW
    else:
        try:
            severity = Severity.parse(severity_text)
        except ValueError:
            raise LexiconError(f"{where}：未知级别“{severity_text}”（可用：low/medium/high/block 或 提示/中/高/禁止）。") from None
    options = frozenset(o.lower() for o in OPTION_SPLIT.split(get("options")) if o)
    return LexiconEntry(get("id") or f"{p.stem}-{number}", term, category, severity, get("basis") or TXT_BASIS,
                        get("suggestion"), get("note"), allow, options)


def _too_long(where: str, term: str) -> str:
    return (f"{where}：词条过长（{len(term)} 个字符，上限 {MAX_TERM_CHARS} 个字符），开头为“{term[:12]}…”。"
            "词条应为词语或短语，请检查该行是否误把整段文字或多列内容填入了“词条”列。")


def parse_category(value: str) -> Category | None:
    text = value.strip()
    try:
        return Category(text.lower())
    except ValueError:
        return CATEGORY_ALIASES.get(text)


def _parse_txt(p: Path, text: str, meta: dict[str, str]) -> list[LexiconEntry]:
    entries: list[LexiconEntry] = []
    seen: set[str] = set()
    preamble = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            if preamble:
                _meta_line(line, meta)
            continue
        if not line:
            continue
        preamble = False
        if len(line) > MAX_TERM_CHARS:
            raise LexiconError(_too_long(f"词库文件 {p.name} 第{number}行", line))
        if line in seen:
            continue
        seen.add(line)
        entries.append(LexiconEntry(f"{p.stem}-{number}", line, Category.SENSITIVE_TERM, Severity.HIGH, TXT_BASIS))
    return entries


# --- the fast path for CSV ---------------------------------------------------------------------
# Validates whole columns at once. It returns None as soon as anything is unusual (a record over
# several lines, a comment row, an empty term, an unknown value, a duplicate id…) and the caller
# then runs the row-by-row parser above, which raises the exact error with its line number. On
# the files it accepts it produces the same entries as that parser (tests compare the two).

# line breaks str.splitlines knows but io.StringIO(newline="") does not
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_NO_SEVERITY = ""


def _fast_csv(p: Path, text: str, meta: dict[str, str]) -> Columns | None:
    if any(ch in text for ch in _OTHER_BREAKS):
        return None
    lines = text.splitlines(keepends=True)
    numbered = [(n, line) for n, line in enumerate(lines, start=1)
                if (s := line.lstrip()) and s[0] != "#"]
    first = numbered[0][0] if numbered else len(lines) + 1
    for line in lines[:first - 1]:
        if line.lstrip().startswith("#"):
            _meta_line(line, meta)
    if not numbered:
        return None
    try:
        records = list(csv.reader([line for _, line in numbered]))
    except csv.Error:
        return None
    if len(records) != len(numbered):  # a quoted field spans lines
        return None
    header = records[0]
    if not header or header[0].lstrip().startswith("#"):
        return None
    columns = _header(p, numbered[0][0], header)
    body = records[1:]
    numbers = [n for n, _ in numbered[1:]]
    count = len(body)
    if count == 0:
        return ((), (), (), (), (), (), (), b"", ())
    width = max(columns.values()) + 1
    if min(map(len, body)) < width:
        body = [cells if len(cells) >= width else cells + [""] * (width - len(cells)) for cells in body]
    if any(map(methodcaller("startswith", "#"), map(str.lstrip, map(itemgetter(0), body)))):
        return None
    names = [name for name in COLUMNS if name in columns]
    if len(names) == 1:
        picked: list[tuple[str, ...]] = [tuple(map(itemgetter(columns[names[0]]), body))]
    else:
        picked = list(zip(*map(itemgetter(*(columns[name] for name in names)), body), strict=True))
    blank = ("",) * count
    col: dict[str, tuple[str, ...]] = {name: blank for name in COLUMNS}
    for name, values in zip(names, picked, strict=True):
        col[name] = tuple(map(str.strip, values))

    terms = col["term"]
    if not all(terms) or max(map(len, terms)) > MAX_TERM_CHARS:
        return None
    joined = "\0".join(terms)
    if "\n" in joined or "\r" in joined:
        return None

    category_of: dict[str, str] = {}
    for value in set(col["category"]):
        category = parse_category(value)
        if category is None:
            return None
        category_of[value] = category.value
    categories = tuple(map(category_of.__getitem__, col["category"]))

    allow_lower = tuple(map(str.lower, col["allow"]))
    allow_of: dict[str, int] = {}
    for value in set(allow_lower):
        if value in TRUE_WORDS:
            allow_of[value] = 1
        elif value in _FALSE:
            allow_of[value] = 0
        else:
            return None
    allow = bytes(map(allow_of.__getitem__, allow_lower))

    severity_of: dict[str, str] = {}
    for value in set(col["severity"]):
        if value:
            try:
                severity_of[value] = Severity.parse(value).value
            except ValueError:
                return None
    if "" in col["severity"]:
        low = Severity.LOW.value
        severity_list = [severity_of[s] if s else (low if a else _NO_SEVERITY)
                         for s, a in zip(col["severity"], allow, strict=True)]
        if _NO_SEVERITY in severity_list:
            return None  # an empty severity on a non-allow row
        severities = tuple(severity_list)
    else:
        severities = tuple(map(severity_of.__getitem__, col["severity"]))

    option_of: dict[str, str] = {}
    for value in set(col["options"]):
        option_of[value] = " ".join(sorted({o.lower() for o in OPTION_SPLIT.split(value) if o}))
    options = tuple(map(option_of.__getitem__, col["options"]))

    ids = col["id"]
    if not all(ids):
        ids = tuple(i or f"{p.stem}-{n}" for i, n in zip(ids, numbers, strict=True))
    if len(set(ids)) != count:
        return None
    bases = col["basis"]
    if not all(bases):
        bases = tuple(b or TXT_BASIS for b in bases)
    return (ids, terms, categories, severities, _shared(bases), _shared(col["suggestion"]),
            _shared(col["note"]), allow, options)


def _shared(values: tuple[str, ...]) -> tuple[str, ...]:
    """Equal strings as one object (smaller in memory and in the marshalled cache)."""
    pool: dict[str, str] = {}
    return tuple(map(pool.setdefault, values, values))
