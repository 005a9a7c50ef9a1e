"""How long something took or has waited, in the words every message of the desk uses."""

from __future__ import annotations

from datetime import timedelta


def duration(span: timedelta | float | None) -> str:
    """Say a span (or seconds) as a duty officer reads it at a glance: '45 s', '12 min', '2 h 5 min', '3 days'.

    Units are whole and rounded down, so "overdue by 1 min" is never said of 59 seconds; None (no figure) is '–'.
    """
    if span is None:
        return "–"
    seconds = max(0, int(span.total_seconds() if isinstance(span, timedelta) else span))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} days"
