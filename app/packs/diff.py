"""What changed between two packs: entries added, removed and changed (by term, category and
allow flag), and the vectors."""

from __future__ import annotations

from dataclasses import dataclass

from app.packs.format import Pack, PackEntry

_FIELDS = ("severity", "basis", "suggestion", "note", "options", "scope", "reason")


@dataclass(frozen=True, slots=True)
class PackDiff:
    added: tuple[PackEntry, ...]
    removed: tuple[PackEntry, ...]
    changed: tuple[tuple[PackEntry, PackEntry, tuple[str, ...]], ...]   # old, new, fields
    vectors_added: int
    vectors_removed: int
    sections: tuple[str, ...] = ()     # optional sections that differ: "rules", "calendar"

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.vectors_added or self.vectors_removed
                    or self.sections)


def diff_packs(old: Pack, new: Pack) -> PackDiff:
    before = {e.key: e for e in old.entries}
    after = {e.key: e for e in new.entries}
    changed = []
    for key in before.keys() & after.keys():
        a, b = before[key], after[key]
        fields = tuple(f for f in _FIELDS if getattr(a, f) != getattr(b, f))
        if fields:
            changed.append((a, b, fields))
    changed.sort(key=lambda c: c[1].id)
    old_v = {(v.text, v.category, v.min_severity) for v in (*old.must_flag, *old.must_not_flag)}
    new_v = {(v.text, v.category, v.min_severity) for v in (*new.must_flag, *new.must_not_flag)}
    return PackDiff(tuple(after[k] for k in sorted(after.keys() - before.keys())),
                    tuple(before[k] for k in sorted(before.keys() - after.keys())),
                    tuple(changed), len(new_v - old_v), len(old_v - new_v),
                    tuple(name for name in ("rules", "calendar") if old.body().get(name) != new.body().get(name)))


def _label(e: PackEntry) -> str:
    kind = "白名单" if e.allow else e.category
    return f"“{e.term}”（{kind}/{e.severity}）"


def diff_lines(old: Pack, new: Pack, d: PackDiff) -> list[str]:
    lines = [f"--- {old.label}  ({len(old.entries)} 条)", f"+++ {new.label}  ({len(new.entries)} 条)"]
    lines += [f"+ 新增 {_label(e)}" for e in d.added]
    lines += [f"- 删除 {_label(e)}" for e in d.removed]
    for a, b, fields in d.changed:
        what = "；".join(f"{f}: {getattr(a, f)!s} → {getattr(b, f)!s}" for f in fields)
        lines.append(f"~ 修改 {_label(b)}：{what}")
    from app.packs.section_diff import section_lines  # what changed inside rules / calendar

    lines += section_lines(old, new, d.sections)
    lines.append(f"合计：新增 {len(d.added)}，删除 {len(d.removed)}，修改 {len(d.changed)}；"
                 f"测试用例新增 {d.vectors_added}，删除 {d.vectors_removed}")
    return lines
