"""Cut a mention's text into the views triage matches against: for routing, for meaning, by sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.triage.lexicon_emergency import FIGURES_OF_SPEECH
from bot.core.triage.normalise import normalise
from bot.core.triage.routing import HANDLE

# A link matches with its label in group 1, or whole without one (left as it is). Both patterns run only on
# text up to its last ">", where every attempt that starts matching succeeds and consumes what it scanned, so no
# part of the text is scanned twice: linear on unclosed markup such as "<http:" repeated.
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*(?:\|([^>]*))?>")
_SLACK_MARKUP = re.compile(r"<[!@#][^>]*>|<https?:[^>]*>")
_URL = re.compile(r"https?://\S+")
_LONG_QUOTE = re.compile(r"(?:(?<=\s)|^)['\"][^'\"]{20,}['\"](?=[\s.,!?]|$)")
_SENTENCE = re.compile(r"[^.!?\n¿]+[.!?]*")


@dataclass(frozen=True)
class PreparedText:
    handles: str  # normalised, Slack markup removed, @handles kept: for routing by account
    places: str  # as `handles` without @handles: for routing by place
    body: str  # as `places` without links and quoted passages: what the author says
    plain: str  # as `body` without figures of speech: for meaning
    statements: str  # the sentences of `plain` that are not questions


def _squeeze(text: str) -> str:
    """Collapse runs of whitespace to one space and trim (as `re.sub(r"\\s+", " ", text).strip()`, faster)."""
    return " ".join(text.split())


def _closed(text: str) -> tuple[str, str]:
    """Split `text` after its last ">": markup closes only in the head, so the tail never needs scanning."""
    end = text.rfind(">") + 1
    return text[:end], text[end:]


def _link_label(link: re.Match[str]) -> str:
    label = link.group(1)
    return link.group(0) if label is None else f" {label} "


def _strip_markup(text: str) -> str:
    """Drop Slack markup, keeping a link's shown text, with spaces collapsed, in time linear in the text."""
    if "<" not in text:
        return text
    head, tail = _closed(text)
    head, tail = _closed(_SLACK_LINK.sub(_link_label, head) + tail)
    return _squeeze(_SLACK_MARKUP.sub(" ", head) + tail)


def prepare(raw: str) -> PreparedText:
    """Normalise `raw` once and derive every view triage needs."""
    handles = _strip_markup(normalise(raw))
    places = _squeeze(HANDLE.sub(" ", handles)) if "@" in handles else handles
    body = _squeeze(_URL.sub(" ", places)) if "http" in places else places
    if "'" in body or '"' in body:
        body = _squeeze(_LONG_QUOTE.sub(" ", body))
    plain = _squeeze(FIGURES_OF_SPEECH.pattern.sub(" , ", body)) if FIGURES_OF_SPEECH.find(body) else body
    sentences = [s.strip() for s in _SENTENCE.findall(plain) if s.strip(" .!?")]
    return PreparedText(
        handles=handles,
        places=places,
        body=body,
        plain=plain,
        statements=" . ".join(s for s in sentences if not s.endswith("?")),
    )
