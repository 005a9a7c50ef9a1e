"""A named pattern over normalised text: the unit every triage rule is built from, so each rule can say why.

Speed: each Signal keeps the gate keys of its source (`regex_gate`) and runs its regex only when the text has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.triage.regex_gate import gate_keys, word_keys

_MAX_QUOTE = 60


@dataclass(frozen=True)
class Signal:
    """A human-readable reason and the compiled alternation that evidences it."""

    reason: str
    pattern: re.Pattern[str]
    keys: frozenset[str] | None = None

    def find(self, text: str) -> str | None:
        """Return the reason with the matched words, or None when the pattern is absent."""
        if self.keys is not None and self.keys.isdisjoint(word_keys(text)):
            return None
        return self.explain(self.pattern.search(text))

    def explain(self, found: re.Match[str] | None) -> str | None:
        """Return the reason quoting the words `found`, or None when nothing was."""
        if found is None:
            return None
        words = found.group(0).strip()
        return f"{self.reason} ({words[:_MAX_QUOTE]!r})" if words else self.reason


def signal(reason: str, *alternatives: str) -> Signal:
    """Compile `alternatives` (regex, normalised lowercase text) into one whole-word Signal."""
    source = "(?:" + "|".join(alternatives) + ")"
    return Signal(reason, re.compile(r"(?<!\w)" + source + r"(?!\w)"), gate_keys("|".join(alternatives)))


def terms_signal(reason: str, terms: tuple[str, ...]) -> Signal | None:
    """Build a Signal from literal config terms (already normalised), or None when there are none."""
    if not terms:
        return None
    return signal(reason, *(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


@dataclass(frozen=True)
class _KeyIndex:
    """Which signals of a tuple each gate key lets through, as bit masks, so one lookup gates them all."""

    signals: tuple[Signal, ...]
    by_key: dict[str, int]
    keys: frozenset[str]
    ungated: int


_INDEXES: dict[int, _KeyIndex] = {}  # by identity of the tuple, which each entry keeps alive and checks
_MAX_INDEXES = 64


def _key_index(signals: tuple[Signal, ...]) -> _KeyIndex:
    index = _INDEXES.get(id(signals))
    if index is None or index.signals is not signals:
        by_key: dict[str, int] = {}
        for position, candidate in enumerate(signals):
            for key in candidate.keys or ():
                by_key[key] = by_key.get(key, 0) | 1 << position
        ungated = sum(1 << position for position, candidate in enumerate(signals) if candidate.keys is None)
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.clear()
        index = _INDEXES[id(signals)] = _KeyIndex(signals, by_key, frozenset(by_key), ungated)
    return index


def first(signals: tuple[Signal, ...], text: str) -> str | None:
    """Return the reason of the first signal present in `text`, searching only those its words let through."""
    index = _key_index(signals)
    through = index.ungated
    for key in index.keys.intersection(word_keys(text)):
        through |= index.by_key[key]
    while through:
        lowest = through & -through
        candidate = signals[lowest.bit_length() - 1]
        if (reason := candidate.explain(candidate.pattern.search(text))) is not None:
            return reason
        through ^= lowest
    return None
