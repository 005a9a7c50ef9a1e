"""What kind of content an own post is, so the digest can show the mix and nudge towards conversation."""

from __future__ import annotations

import re
from enum import StrEnum


class ContentKind(StrEnum):
    """Kinds of own post, in the order the classifier tries them (first match wins)."""

    CONVERSATION = "conversation"
    APPEAL = "appeal"
    EVENT = "event"
    ADVICE = "advice"
    UPDATE = "update"
    OTHER = "other"


_PATTERNS: tuple[tuple[ContentKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            ContentKind.APPEAL,
            r"\bappeal|\bwitness|\bmissing\b|have you seen|do you recogni[sz]e|can you help|dash ?cam|\bcctv\b"
            r"|crimestoppers|information about|\bwanted\b|\bquote ref|call 101|\bref(erence)? \d",
        ),
        (
            ContentKind.EVENT,
            r"\bjoin us\b|drop[- ]in|\bsurgery\b|beat meeting|\bpop (along|down|by)\b|come and (see|meet|say)"
            r"|\bopen day\b|\bevent\b|\bwe('ll| will) be at\b|coffee with a cop|\bstall\b",
        ),
        (
            ContentKind.ADVICE,
            r"\badvice\b|\btips?\b|\bremember to\b|\bmake sure\b|\bstay safe\b|\bscam|\bprotect\b|\block (your|up)"
            r"|\bdon'?t (leave|forget|share|drink)|\bbe aware\b|\bkeep (your|an eye)|\bhow to\b",
        ),
        (
            ContentKind.UPDATE,
            r"\bupdate\b|\barrest|\bcharged\b|\bsentenced\b|\bjailed\b|\bconvicted\b|\bclosed\b|\bclosure\b"
            r"|\breopened\b|\bofficers (are|have|attended)\b|\bincident\b|\bwe attended\b|\bfound safe\b|\bseized\b",
        ),
    )
)


def classify_post(text: str, is_reply: bool = False) -> ContentKind:
    """Classify an own post: a reply to someone is conversation; otherwise the first matching kind."""
    if is_reply:
        return ContentKind.CONVERSATION
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    if "?" in text:
        return ContentKind.CONVERSATION
    return ContentKind.OTHER
