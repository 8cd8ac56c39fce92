"""What changed in the optional sections between two packs, line by line for `mishen lexicon diff`
(app.packs.diff): per rule vocabulary, where it comes from (内置 / 本词库包自带) and the words added,
removed or changed (group, weight); per calendar year, the notice, holidays and 调休 working days
added or removed. Vocabularies and calendars are compared as the rules use them (a section left
out is the bundled one)."""

from __future__ import annotations

from collections.abc import Sequence

from app.packs.format import Pack

MAX_LINES = 200    # per vocabulary or year: the rest is counted


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], f"    …另有 {len(lines) - MAX_LINES} 项"]


def rules_lines(old: Pack, new: Pack) -> list[str]:
    from app.packs.rules_edit import (
        SOURCE_LABELS,
        SPAM_GROUPS,
        VOCABULARIES,
        VOCABULARY_LABELS,
        VocabWord,
        vocabulary_source,
        vocabulary_words,
    )

    out: list[str] = []
    for name in VOCABULARIES:
        src_a, src_b = vocabulary_source(old, name), vocabulary_source(new, name)
        a = {w.term: w for w in vocabulary_words(old, name)}
        b = {w.term: w for w in vocabulary_words(new, name)}
        if src_a == src_b and a == b:
            continue
        label = VOCABULARY_LABELS[name]
        head = f"  ~ {label}"
        if src_a != src_b:
            head += f"：{SOURCE_LABELS[src_a]} → {SOURCE_LABELS[src_b]}"
        items: list[str] = []


        def show(w: VocabWord) -> str:
            return f"“{w.term}”（{SPAM_GROUPS.get(w.group, w.group)}，权重 {w.weight}）" if w.group else f"“{w.term}”"

        items += [f"    + {show(w)}" for t, w in b.items() if t not in a]
        items += [f"    - {show(w)}" for t, w in a.items() if t not in b]
        items += [f"    ~ {show(a[t])} → {show(w)}" for t, w in b.items() if t in a and a[t] != w]
        out.append(head)
        out += _capped(items)
    return out


def calendar_lines(old: Pack, new: Pack) -> list[str]:
    from app.packs.calendar_edit import SOURCE_LABELS, calendar_source, calendar_years

    out: list[str] = []
    src_a, src_b = calendar_source(old), calendar_source(new)
    if src_a != src_b:
        out.append(f"  ~ {SOURCE_LABELS[src_a]} → {SOURCE_LABELS[src_b]}")
    a = {y.year: y for y in calendar_years(old)}
    b = {y.year: y for y in calendar_years(new)}
    for year in sorted(a.keys() | b.keys()):
        ya, yb = a.get(year), b.get(year)
        if ya == yb:
            continue
        if ya is None or yb is None:
            y = yb or ya
            assert y is not None
            out.append(f"  {'+ 新增' if ya is None else '- 删除'} {year} 年（{y.source}；放假 {len(y.holidays)} 段，"
                       f"调休上班 {len(y.workdays)} 天）")
            continue
        items: list[str] = []
        if ya.source != yb.source:
            items.append(f"    ~ 来源：{ya.source} → {yb.source}")
        items += [f"    + 放假 {h.name} {h.first}—{h.last}" for h in yb.holidays if h not in ya.holidays]
        items += [f"    - 放假 {h.name} {h.first}—{h.last}" for h in ya.holidays if h not in yb.holidays]
        items += [f"    + 调休上班 {d}" for d in yb.workdays if d not in ya.workdays]
        items += [f"    - 调休上班 {d}" for d in ya.workdays if d not in yb.workdays]
        out.append(f"  ~ {year} 年")
        out += _capped(items)
    return out


def section_lines(old: Pack, new: Pack, sections: Sequence[str]) -> list[str]:
    """For each differing section ("rules", "calendar"): a header line, then what changed."""
    names = {"rules": "规则参数（rules）", "calendar": "工作日历（calendar）"}
    out: list[str] = []
    for name in sections:
        out.append(f"~ {names[name]}有变化")
        out += rules_lines(old, new) if name == "rules" else calendar_lines(old, new)
    return out
