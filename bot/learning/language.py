"""Detect the language of a post that arrives without one (Facebook and Instagram comments), or say it cannot.

X gives every tweet a `lang`; the Graph API gives none, so without this a Polish or Greek comment would be triaged
as if the model could read it. py3langid's model ships inside its wheel (no network). A short or emoji-only text
is guessed badly, so a guess counts only with enough letters and confidence, both chosen on the training mentions
against X's own `lang` (`python -m bench.comment_language`, docs/triage.md). Unsure is "", which triage reads as
English, as it reads X's "und".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from bot.core.errors import ConfigurationError

MIN_LETTERS = 25  # fewer letters than this (after @handles and links) and the guess is not trusted
MIN_CONFIDENCE = 0.9  # the guessed language's probability must reach this
# py3langid's codes for varieties whose ISO 639-1 code is their macrolanguage's; its other 3-letter codes have none
MACROLANGUAGE = {"ary": "ar", "arz": "ar", "sdh": "ku", "uzs": "uz", "yue": "zh", "wuu": "zh"}
_NOT_WORDS = re.compile(r"@[\w.]+|(?:https?://|www\.)\S+")


@dataclass(frozen=True)
class Guess:
    """What the model thinks before the thresholds: its best language, that language's probability, the letters."""

    code: str
    confidence: float
    letters: int


class LanguageDetector:
    """The packaged language model: build it once per process (0.4 s), then it reads about 10,000 comments a second."""

    def __init__(self) -> None:
        try:
            self._model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(
                f"py3langid's model could not be loaded ({exc}); reinstall from requirements.lock"
            ) from None

    def guess(self, text: str) -> Guess:
        """Return the model's best guess for `text` without @handles and links, whatever its confidence."""
        words = _NOT_WORDS.sub(" ", text)
        letters = sum(ch.isalpha() for ch in words)
        if not letters:
            return Guess("", 0.0, 0)
        code, confidence = self._model.classify(words)
        return Guess(str(code), float(confidence), letters)

    def detect(self, text: str) -> str:
        """Return the ISO 639-1 code of `text`'s language, or "" when the text is too short or the model unsure."""
        guess = self.guess(text)
        if guess.letters < MIN_LETTERS or guess.confidence < MIN_CONFIDENCE:
            return ""
        code = MACROLANGUAGE.get(guess.code, guess.code)
        return code if len(code) == 2 else ""
