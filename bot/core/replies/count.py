"""Count a reply as its platform does, so the budget shown in Slack is the one the platform enforces.

Facebook and Instagram count characters plainly, against 8,000 and 2,200. X is weighted (twitter-text v3):
X weighs each code point of the NFC-normalised text: those in a few light ranges (Latin, Greek, Cyrillic, most
punctuation and general symbols) weigh 1, everything else (CJK, most other scripts) 2. An emoji, however many
code points it is built from (skin tones, joiners, flags, keycaps), weighs 2. Every URL weighs 23, its length
whatever it is, because X wraps it in a t.co link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.models import Platform

LIMIT = 280
PLAIN_LIMITS = {Platform.FACEBOOK: 8000, Platform.INSTAGRAM: 2200}  # comment replies, in characters
URL_WEIGHT = 23
LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|uk|gov|police|info|io|co|me|ly)\b(?:/[^\s<>]*)?",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[.,!?;:)\]'\"]+$")
_JOINER, _KEYCAP = "\u200d", "\u20e3"


@dataclass(frozen=True)
class Budget:
    """How much of its platform's limit a text uses (X's 280, weighted, unless `weighted` is False)."""

    used: int
    limit: int = LIMIT
    weighted: bool = True

    @property
    def left(self) -> int:
        return self.limit - self.used

    @property
    def over(self) -> bool:
        return self.used > self.limit

    def describe(self) -> str:
        """Say the count the way a person reads it, e.g. "212/280 (68 left)"."""
        tail = f"{-self.left:,} over" if self.over else f"{self.left:,} left"
        how = f"; links count as {URL_WEIGHT}" if self.weighted else ""
        return f"{self.used:,}/{self.limit:,} ({tail}{how})"


def measure(text: str, platform: Platform = Platform.X) -> Budget:
    """Return the length of `text` as `platform` counts it: weighted for X, in characters for Facebook and Instagram."""
    text = unicodedata.normalize("NFC", text)
    if platform in PLAIN_LIMITS:
        return Budget(len(text), PLAIN_LIMITS[platform], weighted=False)
    used, start = 0, 0
    for match in _URL.finditer(text):
        url = _TRAILING.sub("", match.group())
        used += _weigh(text[start : match.start()]) + URL_WEIGHT
        start = match.start() + len(url)
    return Budget(used + _weigh(text[start:]))


def _weigh(text: str) -> int:
    total, i, n = 0, 0, len(text)
    while i < n:
        code = ord(text[i])
        if _emoji_base(code) or (i + 1 < n and text[i + 1] in "\ufe0f" + _KEYCAP):
            i = _end_of_emoji(text, i)
            total += 2
            continue
        total += 1 if any(low <= code <= high for low, high in LIGHT) else 2
        i += 1
    return total


EMOJI = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x2300, 0x23FF))


def _emoji_base(code: int) -> bool:
    return any(low <= code <= high for low, high in EMOJI)


def _modifier(code: int) -> bool:
    """Code points that extend an emoji: variation selectors, keycap, skin tones, tag characters."""
    return code in (0xFE0F, 0xFE0E, 0x20E3) or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F


def _end_of_emoji(text: str, i: int) -> int:
    """Return the index just past the emoji starting at `i` (a flag pair, a joined sequence, modifiers)."""
    n = len(text)
    regional = 0x1F1E6 <= ord(text[i]) <= 0x1F1FF
    i += 1
    if regional and i < n and 0x1F1E6 <= ord(text[i]) <= 0x1F1FF:
        return i + 1
    while i < n:
        if _modifier(ord(text[i])):
            i += 1
        elif text[i] == _JOINER and i + 1 < n and _emoji_base(ord(text[i + 1])):
            i += 2
        else:
            break
    return i
