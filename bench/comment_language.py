"""Choose and check the language detection rule for Meta comments on X's own `lang`: `python -m bench.comment_language`.

The training mentions (data/mentions/train, never dev) carry X's `lang` per tweet, which stands in for the truth.
Comments are often shorter than tweets, so every mention is also cut to its first 2 to 8 words: short texts of
known language, for choosing how many letters a guess needs. For each rule (minimum letters, minimum confidence)
it prints how often English is called another language (the rule must keep this near zero: it sends English
comments to the desk to be translated) and how much non-English it finds (what it misses is triaged as English).
Then the figures of the rule bot/learning/language.py ships, its load time and comments per second on one core.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load_probe import probe_load
from bot.core.models import Platform
from bot.core.triage.decide import UNDETERMINED_LANGUAGES
from bot.learning.examples import read_examples
from bot.learning.language import MACROLANGUAGE, MIN_CONFIDENCE, MIN_LETTERS, Guess, LanguageDetector

REPO = Path(__file__).resolve().parents[1]
TRAIN = REPO / "data" / "mentions" / "train"
PREFIX_WORDS = range(1, 9)
LETTERS = range(0, 45, 5)
CONFIDENCE = (0.5, 0.8, 0.9, 0.95, 0.99)
ENGLISH_WRONG_AT_MOST = 0.001  # "near zero": at most 1 English text in 1,000 called another language


@dataclass(frozen=True)
class Sample:
    truth: str  # X's lang
    guess: Guess
    full: bool  # the whole mention, not a cut


@dataclass(frozen=True)
class Score:
    english: int
    english_wrong: int
    other: int
    other_found: int  # detected as X's language
    other_wrong: int  # detected as another language

    def line(self, label: str) -> str:
        english = f"{self.english_wrong:>4}/{self.english:<5} ({self.english_wrong / max(self.english, 1):6.2%})"
        other = f"{self.other_found:>4}/{self.other:<4} ({self.other_found / max(self.other, 1):6.1%})"
        wrong = f"wrong language {self.other_wrong}"
        return f"{label:<28} English called other {english}  non-English found {other}, {wrong}"


def accepted(guess: Guess, letters: int, confidence: float) -> str:
    """The rule as bot/learning/language.py applies it, with the thresholds given."""
    if guess.letters < letters or guess.confidence < confidence:
        return ""
    code = MACROLANGUAGE.get(guess.code, guess.code)
    return code if len(code) == 2 else ""


def score(samples: list[Sample], letters: int, confidence: float) -> Score:
    english = [s for s in samples if s.truth == "en"]
    other = [s for s in samples if s.truth != "en"]
    found = [accepted(s.guess, letters, confidence) for s in other]
    return Score(
        english=len(english),
        english_wrong=sum(accepted(s.guess, letters, confidence) not in ("", "en") for s in english),
        other=len(other),
        other_found=sum(code == s.truth for code, s in zip(found, other, strict=True)),
        other_wrong=sum(code not in ("", s.truth) for code, s in zip(found, other, strict=True)),
    )


def samples(detector: LanguageDetector) -> tuple[list[Sample], int]:
    """Every X training mention whole and cut short, with X's language; and how many X left undetermined."""
    found: list[Sample] = []
    unknown = 0
    for mention, _ in read_examples(TRAIN):
        if mention.platform is not Platform.X:
            continue
        if mention.lang in UNDETERMINED_LANGUAGES:
            unknown += 1
            continue
        words = [w for w in mention.text.split() if not w.startswith("@")]
        found.append(Sample(mention.lang, detector.guess(mention.text), True))
        cuts = [" ".join(words[:n]) for n in PREFIX_WORDS if n < len(words)]
        found += [Sample(mention.lang, detector.guess(cut), False) for cut in cuts]
    return found, unknown


def choose(samples: list[Sample]) -> tuple[int, float]:
    """Choose the rule: confidence first, over texts of every length, then the letters it needs.

    Confidence: the lowest at which no non-English text is called a wrong language and English is called another
    language in at most 1 of 1,000 English texts, whole and cut. Letters: the most that still finds every whole
    mention that confidence finds with no minimum, since it costs nothing on real posts and is the guard against
    names and one-word comments, which the training data hardly holds.
    """
    whole = [s for s in samples if s.full]

    def safe(confidence: float) -> bool:
        scores = [score(view, 0, confidence) for view in (whole, samples)]
        return all(r.other_wrong == 0 and r.english_wrong <= ENGLISH_WRONG_AT_MOST * r.english for r in scores)

    confidence = min(c for c in CONFIDENCE if safe(c))
    found = score(whole, 0, confidence).other_found
    return max(n for n in LETTERS if score(whole, n, confidence).other_found == found), confidence


def speed(detector: LanguageDetector, texts: list[str]) -> None:
    """Comments per second through `detect` on one pinned core, best of three passes."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            detector.detect(text)
        rates.append(len(texts) / (time.perf_counter() - started))
    runs = ", ".join(f"{r:,.0f}" for r in rates)
    print(f"comments/s through detect(), one core: best {max(rates):,.0f} (runs {runs})")


def load() -> None:
    probe = probe_load("bot.learning.language", "LanguageDetector")
    loads = ", ".join(f"{seconds:.2f}" for seconds in probe.loads)
    print(
        f"import {probe.import_s:.2f} s; load {probe.load_s:.2f} s "
        f"(best of 3; all {loads}); model adds {probe.model_mb:.0f} MB RSS"
    )


def main() -> None:
    detector = LanguageDetector()
    every, unknown = samples(detector)
    whole = [s for s in every if s.full]
    print(f"{len(whole)} X training mentions ({unknown} with no language from X, left out), {len(every)} with cuts")
    print("\nwhole mentions / whole and cut to 2-8 words, by rule (letters >= L, confidence >= C):")
    for letters in LETTERS:
        for confidence in CONFIDENCE:
            print(score(whole, letters, confidence).line(f"L={letters} C={confidence} whole"))
            print(score(every, letters, confidence).line(f"L={letters} C={confidence} with cuts"))
    letters, confidence = choose(every)
    print(f"\nchosen by the rule in choose(): L={letters} C={confidence}")
    print(f"shipped in bot/learning/language.py: L={MIN_LETTERS} C={MIN_CONFIDENCE}")
    print(score(whole, MIN_LETTERS, MIN_CONFIDENCE).line("shipped, whole"))
    print(score(every, MIN_LETTERS, MIN_CONFIDENCE).line("shipped, with cuts"))
    missed: dict[str, int] = {}
    for s in whole:
        if s.truth != "en" and accepted(s.guess, MIN_LETTERS, MIN_CONFIDENCE) != s.truth:
            missed[s.truth] = missed.get(s.truth, 0) + 1
    print("non-English whole mentions not found, by X's language:", dict(sorted(missed.items())))
    print()
    load()
    speed(detector, [m.text for m, _ in read_examples(TRAIN)])


if __name__ == "__main__":
    main()
