"""Pack errors. `PackInputError`: usage or unreadable input (exit 2); `PackCheckError`: a check
failed — signature, trust, dates, version, vectors (exit 1)."""

from __future__ import annotations

from app.errors import MishenError


class PackInputError(MishenError):
    code = "pack_unreadable"


class PackCheckError(MishenError):
    code = "pack_refused"
