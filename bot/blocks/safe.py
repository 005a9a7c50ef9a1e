"""Render untrusted text (tweets, form answers) so it can never ping, fake a link or reorder the display.

`inert` is for `mrkdwn` text objects, `plain` for `plain_text` ones. Both strip invisible and direction
controls, tidy runs of blank lines and truncate on a character-cluster boundary with "…"; `limit` bounds the
length of the returned string (what Slack counts), so escapes never push a field over Slack's limits.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
WORD_JOINER = "\u2060"

# Bidi embeddings/overrides/isolates and marks, zero-width characters, BOM, Mongolian vowel separator.
_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_RUN = re.compile(r"\n\s*\n(\s*\n)+")
_BROADCAST = re.compile(r"@(?=(channel|here|everyone)\b)", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\]\(")
_FENCE = re.compile("```")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def clean(text: str) -> str:
    """Drop characters that hide or reorder text, normalise newlines and squeeze blank-line runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    return _BLANK_RUN.sub("\n\n", text).strip()


def inert(text: str, limit: int) -> str:
    """Return `text` as mrkdwn that shows literally: no mentions, links, broadcasts or code fences."""
    text = clean(text)
    text = _BROADCAST.sub("@" + WORD_JOINER, text)
    text = _MARKDOWN_LINK.sub("]" + WORD_JOINER + "(", text)
    text = _FENCE.sub("`" + WORD_JOINER + "`" + WORD_JOINER + "`", text)
    return _fit([_escape(cluster) for cluster in _clusters(text)], limit)


def plain(text: str, limit: int) -> str:
    """Return `text` for a plain_text object: cleaned and truncated, never empty-looking if it had content."""
    return _fit(_clusters(clean(text)), limit)


def _escape(cluster: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in cluster)


def _fit(pieces: list[str], limit: int) -> str:
    """Join whole pieces up to `limit` characters, ending in an ellipsis when some had to go."""
    if sum(len(p) for p in pieces) <= limit:
        return "".join(pieces)
    budget = max(0, limit - len(ELLIPSIS))
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) > budget:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).rstrip() + ELLIPSIS if limit >= len(ELLIPSIS) else ""


def _clusters(text: str) -> list[str]:
    """Split into grapheme-ish clusters: a base plus combining marks, selectors, modifiers, flag pairs."""
    out: list[str] = []
    for ch in text:
        if out and _extends(out[-1], ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _extends(previous: str, ch: str) -> bool:
    code = ord(ch)
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF:
        return True
    if 0xE0020 <= code <= 0xE007F:  # tag characters of subdivision flags
        return True
    return _is_regional(ch) and len(previous) == 1 and _is_regional(previous)


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF
