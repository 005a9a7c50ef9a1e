"""A named pattern over normalised text: the unit every triage rule is built from, so each rule can say why."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_QUOTE = 60


@dataclass(frozen=True)
class Signal:
    """A human-readable reason and the compiled alternation that evidences it."""

    reason: str
    pattern: re.Pattern[str]

    def find(self, text: str) -> str | None:
        """Return the reason with the matched words, or None when the pattern is absent."""
        found = self.pattern.search(text)
        if found is None:
            return None
        words = found.group(0).strip()
        return f"{self.reason} ({words[:_MAX_QUOTE]!r})" if words else self.reason


def signal(reason: str, *alternatives: str) -> Signal:
    """Compile `alternatives` (regex, normalised lowercase text) into one whole-word Signal."""
    return Signal(reason, re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?![\w])"))


def terms_signal(reason: str, terms: tuple[str, ...]) -> Signal | None:
    """Build a Signal from literal config terms (already normalised), or None when there are none."""
    if not terms:
        return None
    return signal(reason, *(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


def first(signals: tuple[Signal, ...], text: str) -> str | None:
    """Return the reason of the first signal present in `text`."""
    for candidate in signals:
        if (reason := candidate.find(text)) is not None:
            return reason
    return None
