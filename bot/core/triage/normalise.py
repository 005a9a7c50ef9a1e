"""Fold a post's text into one canonical form for matching, so disguised words triage like plain ones.

Only matching uses this form; stored and displayed text stays raw (`Mention.text`).
"""

from __future__ import annotations

import html
import re
import unicodedata

# Zero-width, joiner, bidi embedding/override/isolate marks, BOM, soft hyphen, word joiner, Mongolian vowel separator.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

# Cyrillic and Greek letters that look like Latin ones (after casefold), plus typographic quotes and dashes.
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɡ": "g",
        "һ": "h",
        "ӏ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ϲ": "c",
        "ς": "c",
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)


def normalise(text: str) -> str:
    """Return `text` unescaped, NFKC- and case-folded, without invisible controls or look-alikes, spaces collapsed."""
    folded = html.unescape(text) if "&" in text else text
    if not folded.isascii():
        folded = _INVISIBLE.sub("", unicodedata.normalize("NFKC", folded)).translate(_LOOKALIKES)
    return " ".join(folded.casefold().split())  # whitespace runs to one space, trimmed
