"""The `known` mapping of `app.patrol.approval.classify_items`, kept in the patrol database: a
re-run of an unchanged mirror takes each file's approved / changed / unreviewed result from the
database instead of reading the page again.

Keys are `approval.result_key(index, item)`: the fingerprint of the ledger's approved versions
(`ApprovalIndex.fingerprint`: review, version, hash of every approved version and the comparison's
rules version), the file's hash, kind and name/site. A new approval (or a revoked one) changes the
fingerprint, so nothing stored before matches and every file is compared again; `save()` then
drops the results under the old fingerprint.

    cache = ApprovalCache(db, index.fingerprint)
    run = with_approvals(run, index, cache)
    cache.save()
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from app.patrol.db import PatrolDb
from app.patrol.model import PatrolRun


class ApprovalCache(MutableMapping[str, str]):
    """Reads go to the database (one indexed lookup per file); writes are kept here until `save()`,
    which stores them in one transaction."""

    def __init__(self, db: PatrolDb, fingerprint: str) -> None:
        self._db = db
        self._fingerprint = fingerprint
        self._new: dict[str, str] = {}
        self._hits = 0

    @property
    def hits(self) -> int:
        """How many lookups were answered from the database (files not compared again)."""
        return self._hits

    @property
    def added(self) -> int:
        """Results computed in this run, to be stored by `save()`."""
        return len(self._new)

    def __getitem__(self, key: str) -> str:
        if key in self._new:
            return self._new[key]
        if not key.startswith(self._fingerprint + "|"):
            raise KeyError(key)
        value = self._db.approval(key)
        if value is None:
            raise KeyError(key)
        self._hits += 1
        return value

    def __setitem__(self, key: str, value: str) -> None:
        self._new[key] = value

    def __delitem__(self, key: str) -> None:
        del self._new[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._new)

    def __len__(self) -> int:
        return len(self._new)

    def save(self) -> None:
        """Store this run's results (and drop those of other fingerprints)."""
        self._db.save_approvals(self._fingerprint, ((key, _sha_of(key), value) for key, value in self._new.items()))
        self._new.clear()


def _sha_of(key: str) -> str:
    """The file hash inside a `result_key` ("<fingerprint>|<sha256>|<kind>|<name>")."""
    parts = key.split("|", 2)
    return parts[1] if len(parts) > 2 else ""


@dataclass(frozen=True, slots=True)
class ApprovalPass:
    run: PatrolRun          # every item with its approval filled
    compared: int           # files read and compared with the approved versions in this run
    reused: int             # results taken from the patrol database (nothing read)


def annotate_incrementally(run: PatrolRun, data_dir: Path, db_path: Path) -> ApprovalPass:
    """`approval.annotate_run` with the patrol database as its `known` mapping (what `mishen
    patrol` does)."""
    from app.patrol.approval import index_for, with_approvals

    index = index_for(data_dir)
    with PatrolDb(db_path) as db:
        cache = ApprovalCache(db, index.fingerprint)
        annotated = with_approvals(run, index, cache)
        cache.save()
        return ApprovalPass(annotated, index.texts_read, cache.hits)
