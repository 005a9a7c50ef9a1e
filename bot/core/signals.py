"""A named pattern over normalised text: the unit every triage rule is built from, so each rule can say why.

Speed: a regex starting with a word-boundary check cannot use the engine's fast prefix scan, so each Signal
also keeps the first letters of every alternative it can start with (read from the parsed pattern) and skips
the regex when no word of the text starts that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_MAX_QUOTE = 60
_KEY = 3
_TOKEN = re.compile(r"[\w']+|[^\w\s]")


@lru_cache(maxsize=64)
def word_keys(text: str) -> frozenset[str]:
    """Return the first letters of every word (and every symbol) in `text`."""
    return frozenset(token[:_KEY] for token in _TOKEN.findall(text))


def _walk(items: Any) -> tuple[set[str], bool] | None:
    """Return (literal prefixes, whether the walk stopped early) for a parsed sequence, or None when unbounded."""
    prefixes = {""}
    for op, av in items:
        if all(len(p) >= _KEY or p.endswith(" ") for p in prefixes) and "" not in prefixes:
            return prefixes, True
        if op is sre.LITERAL:
            prefixes = {p + chr(av) for p in prefixes}
            continue
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue
        if op is sre.IN or (
            op is sre.MAX_REPEAT and av[0] >= 1 and len(av[2].data) == 1 and av[2].data[0][0] is sre.IN
        ):
            chars = _chars(av if op is sre.IN else av[2].data[0][1])
            return ({p + c for p in prefixes for c in chars}, True) if chars else (prefixes, True)
        if op is sre.SUBPATTERN:
            inner = _branches(av[3])
        elif op is sre.BRANCH:
            inner = _branches_of(av[1])
        else:
            return prefixes, True
        if inner is None:
            return prefixes, True
        prefixes = {p + q for p in prefixes for q in inner[0]}
        if inner[1]:
            return prefixes, True
    return prefixes, False


def _chars(items: Any) -> str:
    """Return the characters a small character class can match ('' when it is large)."""
    out = ""
    for op, av in items:
        if op is sre.LITERAL:
            out += chr(av)
        elif op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            out += "0123456789"
        else:
            return ""
    return out


def _branches_of(alternatives: Any) -> tuple[set[str], bool] | None:
    out: set[str] = set()
    stopped = False
    for alternative in alternatives:
        walked = _walk(alternative)
        if walked is None:
            return None
        out |= walked[0]
        stopped = stopped or walked[1]
    return out, stopped


def _branches(parsed: Any) -> tuple[set[str], bool] | None:
    return _walk(parsed.data)


def _gate(source: str) -> frozenset[str] | None:
    """Return the word keys any match must start with, or None when the pattern can start anywhere."""
    try:
        walked = _walk(sre_parse.parse(source).data)
    except (re.error, AttributeError, TypeError):
        return None
    if walked is None:
        return None
    keys = {p.split(" ")[0][:_KEY] for p in walked[0]}
    return None if "" in keys else frozenset(keys)


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
        found = self.pattern.search(text)
        if found is None:
            return None
        words = found.group(0).strip()
        return f"{self.reason} ({words[:_MAX_QUOTE]!r})" if words else self.reason


def signal(reason: str, *alternatives: str) -> Signal:
    """Compile `alternatives` (regex, normalised lowercase text) into one whole-word Signal."""
    source = "(?:" + "|".join(alternatives) + ")"
    return Signal(reason, re.compile(r"(?<!\w)" + source + r"(?!\w)"), _gate(source))


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
