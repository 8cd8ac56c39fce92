"""Errors the core raises: a machine code plus a Chinese message a person can act on."""

from __future__ import annotations


class MishenError(Exception):
    """Base of every expected failure. `code` is stable; `message` is Chinese, for people."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ReadError(MishenError):
    """A document could not be read. Codes: not_found, unsupported, corrupt, encrypted, too_large,
    too_slow, zip_bomb, malformed_xml, no_converter, conversion_failed, decode_failed."""

    code = "unreadable"


class LexiconError(MishenError):
    """A lexicon file is malformed; the message names the file, line and problem."""

    code = "lexicon_invalid"


class UsageError(MishenError):
    code = "usage"
