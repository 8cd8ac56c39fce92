"""Ledger times (ISO 8601, UTC) as a form prints them: 2026年12月1日 20:05 in local time."""

from __future__ import annotations

from datetime import datetime


def local_datetime(iso: str) -> datetime | None:
    """The local wall-clock time (naive, for spreadsheet cells) or None when `iso` is no time."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.replace(tzinfo=None)


def local_time(iso: str) -> str:
    """"2026-12-01T12:05:30.503+00:00" -> "2026年12月1日 20:05" (UTC+8); unparsable text unchanged."""
    moment = local_datetime(iso)
    if moment is None:
        return iso
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


#: Excel number format for the same reading.
XLSX_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
