"""Turning what bureaux have — xlsx/csv word lists with Chinese or English headers, one-term-per-line
txt files — into pack entries. Every malformed row is reported with its file and row number (all
of them, not just the first): empty or over-long terms, unknown categories or severities, duplicates,
one term in two categories, terms that normalise to nothing."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import LexiconError
from app.lexicon.loader import (
    MAX_TERM_CHARS,
    OPTION_SPLIT,
    TRUE_WORDS,
    csv_rows,
    decode_text,
    parse_category,
    read_lexicon_bytes,
)
from app.lexicon.rule_params import RuleParams
from app.lexicon.terms import normalize_terms
from app.model import Category, Severity
from app.packs.errors import PackInputError
from app.packs.format import Manifest, Pack, PackEntry, Vector, check_manifest
from app.packs.xlsx_rows import xlsx_rows

MAX_LISTED_ERRORS = 50
HEADERS = {
    "id": ("id", "编号"), "term": ("term", "词条", "词语", "关键词", "敏感词"),
    "category": ("category", "类别", "分类"), "severity": ("severity", "级别", "等级"),
    "basis": ("basis", "依据", "法规依据"), "suggestion": ("suggestion", "建议", "规范表述"),
    "note": ("note", "说明", "备注"), "allow": ("allow", "白名单", "例外"), "options": ("options", "选项"),
    "scope": ("scope", "范围", "适用范围"), "reason": ("reason", "理由", "原因"),
    # a table of test vectors instead of entries: 类型（应检出/不应检出）、句子、类别、最低级别
    "text": ("text", "句子", "测试句子"), "kind": ("kind", "类型"), "min_severity": ("min_severity", "最低级别"),
}
#: the Chinese names the reports use (cli_scan.CATEGORY_NAMES), besides the loader's aliases
_CATEGORY_NAMES = {
    "密级标志": Category.SECRET_MARK, "敏感事项": Category.SENSITIVE_TERM, "未公开统计数据": Category.UNPUBLISHED_STATISTIC,
    "未结案件": Category.PENDING_CASE, "个人信息": Category.PERSONAL_INFO, "有害信息": Category.HARMFUL_CONTENT,
    "需审批发布": Category.APPROVAL_REQUIRED, "规范表述": Category.WORDING, "错别字": Category.TYPO,
    "隐藏内容": Category.HIDDEN_CONTENT,
}
_MUST_FLAG = frozenset({"应检出", "must_flag", "flag", "是", "1"})
_MUST_NOT = frozenset({"不应检出", "must_not_flag", "quiet", "否", "0"})
_ALIASES = {alias.lower(): key for key, names in HEADERS.items() for alias in names}


DEFAULT_BASIS = "保密局下发词库"


@dataclass(frozen=True, slots=True)
class Defaults:
    category: Category = Category.SENSITIVE_TERM
    severity: Severity = Severity.HIGH
    basis: str = DEFAULT_BASIS


class ImportFailed(PackInputError):
    code = "import_invalid"

    def __init__(self, problems: Sequence[str]) -> None:
        shown = list(problems[:MAX_LISTED_ERRORS])
        more = len(problems) - len(shown)
        text = f"导入失败，共 {len(problems)} 处问题：\n" + "\n".join(f"  {p}" for p in shown)
        if more:
            text += f"\n  ……另有 {more} 处未列出"
        super().__init__(text)
        self.problems = tuple(problems)


def import_pack(sources: Sequence[str | os.PathLike[str]], manifest: Manifest,
                defaults: Defaults = Defaults(), existing: Sequence[PackEntry] = ()) -> Pack:
    """Raises ImportFailed listing every problem row, or PackInputError for an unreadable file.
    `existing`: entries the rows are added to (the editor's draft) — a row repeating one of them
    (same normalised term, category and allow flag) is a duplicate row too."""
    try:
        check_manifest(manifest)
    except ValueError as exc:
        raise PackInputError(f"词库包信息有误：{exc}。", code="usage") from None
    rows: list[tuple[str, int, dict[str, str]]] = []
    flag: list[Vector] = []
    quiet: list[Vector] = []
    problems: list[str] = []
    sections: dict[str, object] = {}
    for source in sources:
        p = Path(source)
        if p.suffix.lower() == ".json":
            _sections(p, sections, problems)
            continue
        try:
            data = read_lexicon_bytes(p)
            records = list(_records(p, data, problems))
        except LexiconError as exc:
            raise PackInputError(exc.message) from None
        if records and "text" in records[0][1]:
            _vectors(p.name, records, flag, quiet, problems)
        else:
            rows.extend((p.name, n, cells) for n, cells in records)
    entries = _entries(rows, manifest.id, defaults, problems, existing)
    rules = None
    if "rules" in sections:
        try:
            rules = RuleParams.from_json(sections["rules"], f"{manifest.id} {manifest.version}")
        except ValueError as exc:
            problems.append(f"规则参数：{exc}。")
    calendar = sections.get("calendar")
    if problems:
        raise ImportFailed(problems)
    return Pack(manifest, tuple(entries), tuple(flag), tuple(quiet), rules=rules,
                calendar=calendar if isinstance(calendar, dict) else None)


SECTION_FILE_KEYS = frozenset({"rules", "calendar"})
MAX_SECTION_BYTES = 8 * 1024 * 1024


def _sections(p: Path, sections: dict[str, object], problems: list[str]) -> None:
    """A JSON source holds the pack's optional sections: {"rules": {...}, "calendar": {...}}
    (rule vocabularies, docs/lexicon-packs.md; the working-day calendar as app/calendar reads it)."""
    import json

    try:
        if p.stat().st_size > MAX_SECTION_BYTES:
            raise PackInputError(f"{p.name} 过大（上限 {MAX_SECTION_BYTES // (1024 * 1024)} MB）。")
        doc = json.loads(p.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise PackInputError(f"无法读取 {p}：{exc.strerror or exc}") from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        problems.append(f"{p.name}：不是有效的 JSON（{exc}）。")
        return
    if not isinstance(doc, dict) or not doc or not doc.keys() <= SECTION_FILE_KEYS:
        problems.append(f"{p.name}：应为含 rules（规则参数）和/或 calendar（工作日历）的 JSON 对象。")
        return
    for key, value in doc.items():
        if key in sections:
            problems.append(f"{p.name}：{key} 已由另一个文件给出。")
        elif key == "calendar" and not isinstance(value, dict):
            problems.append(f"{p.name}：calendar 应为对象。")
        else:
            sections[key] = value


def _vectors(name: str, records: list[tuple[int, dict[str, str]]], flag: list[Vector], quiet: list[Vector],
             problems: list[str]) -> None:
    for n, cells in records:
        where = f"{name} 第{n}行"
        text, kind = cells.get("text", ""), cells.get("kind", "").lower()
        if not text:
            problems.append(f"{where}：测试句子为空。")
            continue
        category = ""
        if cells.get("category"):
            found = category_of(cells["category"])
            if found is None:
                problems.append(f"{where}：未知类别“{cells['category']}”。")
                continue
            category = found.value
        severity = ""
        if cells.get("min_severity"):
            try:
                severity = Severity.parse(cells["min_severity"]).value
            except ValueError:
                problems.append(f"{where}：未知级别“{cells['min_severity']}”。")
                continue
        if kind in _MUST_FLAG:
            flag.append(Vector(text, category, severity))
        elif kind in _MUST_NOT:
            quiet.append(Vector(text, category, severity))
        else:
            problems.append(f"{where}：类型应为“应检出”或“不应检出”，而不是“{cells.get('kind', '')}”。")


def category_of(text: str) -> Category | None:
    return parse_category(text) or _CATEGORY_NAMES.get(text.strip())


def _records(p: Path, data: bytes, problems: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
    suffix = p.suffix.lower()
    if suffix == ".txt":
        for n, line in enumerate(decode_text(p, data).splitlines(), start=1):
            text = line.strip()
            if text and not text.startswith("#"):
                yield n, {"term": text}
        return
    source = xlsx_rows(p, data) if suffix == ".xlsx" else csv_rows(decode_text(p, data), {}, p)
    columns: dict[str, int] | None = None
    for n, cells in source:
        if cells and cells[0].lstrip().startswith("#"):
            continue
        if columns is None:
            columns = {}
            for i, cell in enumerate(cells):
                key = _ALIASES.get(cell.strip().lstrip("\ufeff").strip().lower())
                if key is not None and key not in columns:
                    columns[key] = i
            if "term" not in columns and "text" not in columns:
                problems.append(f"{p.name} 第{n}行：表头没有“词条”（term）列（可用列名："
                                f"{'、'.join(names[1] for names in HEADERS.values())}）。")
                return
            continue
        yield n, {k: (cells[i].strip() if i < len(cells) else "") for k, i in columns.items()}


def _entries(rows: list[tuple[str, int, dict[str, str]]], pack_id: str, defaults: Defaults,
             problems: list[str], existing: Sequence[PackEntry] = ()) -> list[PackEntry]:
    entries: list[PackEntry] = []
    where_of: list[str] = []
    source_of: list[str] = []
    ids: dict[str, str] = {}
    categories: dict[str, Category | None] = {}   # each distinct cell value parsed once
    severities: dict[str, Severity | None] = {}
    for name, n, cells in rows:
        where = f"{name} 第{n}行"
        term = cells.get("term", "")
        if not term:
            problems.append(f"{where}：词条为空。")
            continue
        if len(term) > MAX_TERM_CHARS:
            problems.append(f"{where}：词条过长（{len(term)} 个字符，上限 {MAX_TERM_CHARS}）。")
            continue
        if "\n" in term or "\r" in term:
            problems.append(f"{where}：词条含换行。")
            continue
        category = defaults.category
        if cells.get("category"):
            text = cells["category"]
            found = categories[text] if text in categories else categories.setdefault(text, category_of(text))
            if found is None:
                problems.append(f"{where}：未知类别“{cells['category']}”。")
                continue
            category = found
        severity = defaults.severity
        if cells.get("severity"):
            text = cells["severity"]
            if text not in severities:
                try:
                    severities[text] = Severity.parse(text)
                except ValueError:
                    severities[text] = None
            parsed = severities[text]
            if parsed is None:
                problems.append(f"{where}：未知级别“{cells['severity']}”（可用：提示/中/高/禁止 或 low/medium/high/block）。")
                continue
            severity = parsed
        allow = cells.get("allow", "").lower() in TRUE_WORDS
        entry_id = cells.get("id") or f"{pack_id}-{len(entries) + 1:05d}"
        if entry_id in ids:
            problems.append(f"{where}：编号“{entry_id}”重复（{ids[entry_id]}已使用）。")
            continue
        ids[entry_id] = where
        options = tuple(sorted({o.lower() for o in OPTION_SPLIT.split(cells.get("options", "")) if o}))
        entries.append(PackEntry(entry_id, term, category.value, severity.value,
                                 cells.get("basis") or defaults.basis, cells.get("suggestion", ""),
                                 cells.get("note") or cells.get("reason", ""), allow, options,
                                 cells.get("scope", ""), cells.get("reason", "")))
        where_of.append(where)
        source_of.append(name)
    keep = [True] * len(entries)
    seen: dict[tuple[str, bool], tuple[int, str]] = {}
    present: dict[tuple[str, bool, str], str] = {}   # the entries added to: (norm, allow, category) → id
    for old, norm in zip(existing, normalize_terms([e.term for e in existing]) if existing else (), strict=True):
        present.setdefault((norm, old.allow, old.category), old.id)
    for i, norm in enumerate(normalize_terms([e.term for e in entries])):
        e = entries[i]
        if not norm.strip():
            problems.append(f"{where_of[i]}：词条“{e.term}”规范化后为空（只有空白或标点），无法匹配。")
            keep[i] = False
            continue
        there = present.get((norm, e.allow, e.category))
        if there is not None:
            problems.append(f"{where_of[i]}：词条“{e.term}”重复（草稿中已有 {there}）。")
            keep[i] = False
            continue
        first = seen.get((norm, e.allow))
        if first is None:
            seen[(norm, e.allow)] = (i, e.category)
        elif first[1] == e.category:
            problems.append(f"{where_of[i]}：词条“{e.term}”重复（与{where_of[first[0]]}相同）。")
            keep[i] = False
        elif source_of[i] != source_of[first[0]]:
            # one list per category across files (as the bundled lexicons are): a term may be, say,
            # both a secrecy mark and a sensitive matter; within one list that is a contradiction
            continue
        else:
            problems.append(f"{where_of[i]}：词条“{e.term}”类别冲突（此处为“{e.category}”，"
                            f"{where_of[first[0]]}为“{first[1]}”）。")
            keep[i] = False
    return [e for e, k in zip(entries, keep, strict=True) if k]
