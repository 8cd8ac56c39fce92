"""Placeholder: replaced by the real rule."""

from __future__ import annotations

from collections.abc import Iterable

from app.rules.base import Hit, ScanContext


class _Rule:
    id = "lexicon_rule"

    def find(self, ctx: ScanContext) -> Iterable[Hit]:
        return ()


RULE = _Rule()
