"""Rules beyond word lists, one module per category; each module exposes `RULE`."""

from __future__ import annotations

from importlib import import_module

from app.rules.base import Rule

# Run order does not matter for results (the pipeline sorts and de-duplicates); modules are
# imported on first scan, not at start-up.
RULE_MODULES = (
    "app.rules.lexicon_rule",      # wording, typo, sensitive_term, harmful_content… from lexicons/
    "app.rules.secret_mark",
    "app.rules.statistic",
    "app.rules.pending_case",
    "app.rules.personal_info",
    "app.rules.personal_ids",      # passport, home address, vehicle plate (with their cues)
    "app.rules.approval",
    "app.rules.spam",              # morpheme-scored spam (lexicons/spam/morphemes.csv)
)


def all_rules() -> list[Rule]:
    return [import_module(name).RULE for name in RULE_MODULES]
