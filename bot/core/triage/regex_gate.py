"""Gate keys: which word starts any match of a regex needs, read from its source text, and which a text has.

A regex starting with a word-boundary check cannot use the engine's fast prefix scan, so triage checks these
keys first and runs a regex only when some word of the text starts the way one of its alternatives must. The
reading is conservative (no private `re` APIs): an alternative it cannot vouch for leaves the pattern ungated.
"""

from __future__ import annotations

import re
from functools import lru_cache

_KEY = 4
_TOKEN_START = re.compile(r"(?<!\w)\w{1,4}|[^\w\s]")  # the first _KEY letters of every word, and every symbol
_WORD = re.compile(r"\w+")
_ANY_DIGIT = re.compile(r"\d")
_QUANTIFIER = re.compile(r"[?*+]|\{\d*,?\d*\}")
_ZERO_WIDTH = ("(?=", "(?!", "(?<=", "(?<!")
_SHORT = _KEY - 1
STEM = "…"  # marks the key of a word that starts with three given letters and may go on
DIGIT = "\\d"  # the key of every word that starts with a digit
_COMMON = frozenset(
    "the and you you… she her him his for was are has had not our now got get been with that this they what your just"
    " over here ther there out when from have some them then were will".split()
)  # keys most posts contain, so poor gates


@lru_cache(maxsize=64)
def word_keys(text: str) -> frozenset[str]:
    """Return the first letters of every word (and every symbol) in `text`, as gate keys."""
    prefixes = set(_TOKEN_START.findall(text))
    keys = prefixes.union([p[:_SHORT] + STEM for p in prefixes if len(p) >= _SHORT])
    if _ANY_DIGIT.search(text) and any(p[0].isdigit() for p in prefixes):
        keys.add(DIGIT)
    return frozenset(keys)


def _skip_class(source: str, i: int) -> int:
    """Return the index just past the character class opening at `source[i]`."""
    j = i + 1 + (source[i + 1] == "^")
    j += source[j] == "]"
    while source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1


def _close(source: str, i: int) -> int:
    """Return the index of the parenthesis closing the group opening at `source[i]`."""
    depth, j = 0, i
    while True:
        char = source[j]
        if char == "\\":
            j += 2
            continue
        if char == "[":
            j = _skip_class(source, j)
            continue
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return j
        j += 1


def alternatives(source: str) -> list[str]:
    """Split a regex source at its top-level `|`."""
    parts, start, j = [], 0, 0
    while j < len(source):
        char = source[j]
        if char == "\\":
            j += 2
        elif char == "[":
            j = _skip_class(source, j)
        elif char == "(":
            j = _close(source, j) + 1
        else:
            if char == "|":
                parts.append(source[start:j])
                start = j + 1
            j += 1
    return [*parts, source[start:]]


def _key(word: str, complete: bool) -> str | None:
    """Return the key of the text token a literal word starts, or None when it may continue unseen."""
    if not word[0].isalnum() and word[0] != "_":
        return word[0]
    stem = _WORD.match(word)
    if stem is None:
        return None
    letters = stem.group(0)
    if complete or stem.end() < len(word) or len(letters) >= _KEY:
        return letters[:_KEY]
    return letters + STEM if len(letters) == _SHORT else None


def _key_cost(key: str) -> int:
    """Score how often a key lets text through: common words worst, then short words and digits, then stems."""
    if key in _COMMON:
        return 100
    if len(key) < _SHORT:
        return 50
    if key == DIGIT:
        return 30
    if len(key) < _KEY:
        return 10
    return 5 if key.endswith(STEM) else 1


def _cost(keys: frozenset[str]) -> int:
    return sum(_key_cost(k) for k in keys)


def _union(sources: list[str], at_word_start: bool, ends_word: bool) -> tuple[frozenset[str] | None, bool]:
    """Return keys one of which any match of `sources` needs (None: cannot gate), and if all end at a word start."""
    out: set[str] | None = set()
    ends_at_word_start = True
    for source in sources:
        keys, at_end = _sequence_keys(source, at_word_start, ends_word)
        out = None if out is None or keys is None else out | keys
        ends_at_word_start = ends_at_word_start and at_end
    return (None if out is None else frozenset(out)), ends_at_word_start


def _optional(quantifier: str) -> bool:
    return quantifier[0] in "?*" or quantifier.startswith(("{0", "{,"))


def _ends_word(rest: str, top: bool) -> bool:
    """Say whether a word cannot continue into `rest`, the source after it."""
    if not rest:
        return top
    if not rest.startswith("(?:"):
        return rest[0] == " "
    end = _close(rest, 0)
    if not all(b[:1] not in ("", "\\", "(", "[", ".") and not b[0].isalnum() for b in alternatives(rest[3:end])):
        return False
    quantifier = _QUANTIFIER.match(rest, end + 1)
    return not (quantifier and _optional(quantifier.group(0))) or _ends_word(rest[quantifier.end() :], top)


def _sequence_keys(source: str, at_word_start: bool, top: bool) -> tuple[frozenset[str] | None, bool]:
    """Return the cheapest key set one alternative (no top-level `|`) needs, and if it ends at a word start."""
    found: list[frozenset[str]] = []
    word, word_ok, i = "", False, 0

    def flush(complete: bool) -> None:
        nonlocal word
        if word and word_ok and (key := _key(word, complete)):
            found.append(frozenset({key}))
        word = ""

    while i < len(source):
        char = source[i]
        if char == "(":
            end = _close(source, i)
            if source.startswith(_ZERO_WIDTH, i):
                i = end + 1
                continue
            quantifier = _QUANTIFIER.match(source, end + 1)
            optional = quantifier is not None and _optional(quantifier.group(0))
            starts_word = at_word_start and not word
            flush(False)
            branches = alternatives(source[i + 3 : end] if source.startswith("(?:", i) else source[i + 1 : end])
            i = quantifier.end() if quantifier else end + 1
            keys, ends_at_word_start = _union(branches, starts_word, _ends_word(source[i:], top))
            if keys and not optional:
                found.append(keys)
            at_word_start = ends_at_word_start and (starts_word or not optional)
            continue
        if char in "^$":
            i += 1
            continue
        literal = char not in ".[" and (char != "\\" or not source[i + 1].isalnum())
        step = 2 if char == "\\" else _skip_class(source, i) - i if char == "[" else 1
        char = source[i + step - 1] if literal else char
        if source.startswith("\\d", i) and not word and at_word_start:
            found.append(frozenset({DIGIT}))
        quantifier = _QUANTIFIER.match(source, i + step)
        spaces = source.startswith("\\s", i) and not (quantifier and _optional(quantifier.group(0)))
        i = quantifier.end() if quantifier else i + step
        if not literal or quantifier:
            if literal and quantifier and not _optional(quantifier.group(0)):
                word_ok = word_ok if word else at_word_start
                word += char
            flush(spaces)
            at_word_start = spaces
        elif char == " ":
            flush(True)
            at_word_start = True
        else:
            word_ok = word_ok if word else at_word_start
            word += char
            at_word_start = False
    flush(top)
    return (min(found, key=_cost) if found else None), at_word_start


def gate_keys(source: str) -> frozenset[str] | None:
    """Return the word keys any match of `source` must contain, or None when the pattern cannot be gated."""
    return _union(alternatives(source), True, True)[0]
