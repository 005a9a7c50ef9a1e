"""The word gate in front of every triage regex never skips text the regex would match."""

from __future__ import annotations

import json
import random

import pytest

from bot.core.pages import mentions_from_page
from bot.core.triage import lexicon_emergency, lexicon_intent
from bot.core.triage.regex_gate import DIGIT, STEM, gate_keys, word_keys
from bot.core.triage.signals import Signal, signal, terms_signal
from bot.core.triage.text_views import prepare
from tests.conftest import DEV

LEXICON_SIGNALS = [
    s
    for module in (lexicon_emergency, lexicon_intent)
    for value in vars(module).values()
    for s in (value if isinstance(value, tuple) else (value,))
    if isinstance(s, Signal)
]


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        (r"(?:is|are) (?:literally )?killing me", {"kill"}),
        (r"pigs?", {"pig" + STEM}),
        (r"\d+ ?mph", {DIGIT}),
        (r"st\s+anne'?s", {"anne"}),
        (r"(?:she|he)(?:'s| is) (?:outside|near)", {"outs", "near"}),
        (r"(?:\w+ ){0,2}appeal", {"appe"}),
        (r"[a-z]{2}\d{2}", None),
    ],
)
def test_gate_keys_name_a_word_every_match_needs(source: str, keys: set[str] | None) -> None:
    assert gate_keys(source) == (None if keys is None else frozenset(keys))


def test_word_keys_cover_words_stems_digits_and_symbols() -> None:
    assert word_keys("Pigs at 30mph 🐷") >= {"Pigs", "Pig" + STEM, "at", "30mp", DIGIT, "🐷"}


def test_terms_and_places_are_gated_soundly() -> None:
    terms = terms_signal("x", ("o'brien street", "a-b", "st. mary's", "£5 notes"))
    assert terms is not None
    for text in ("near o'brien street now", "a-b", "at st. mary's", "£5 notes"):
        assert terms.find(text) is not None
    assert signal("place", r"hill\s+top").find("hill   top road") is not None


def _texts() -> list[str]:
    with (DEV / "mentions.jsonl").open(encoding="utf-8") as pages:
        mentions = [m for line in pages for m in mentions_from_page(json.loads(line))]
    views = {v for m in mentions for p in [prepare(m.text)] for v in (p.plain, p.statements, p.places)}
    words = " ".join(sorted(views)).split()
    shuffled = random.Random(7)
    return [*views, *(" ".join(shuffled.choices(words, k=shuffled.randint(2, 14))) for _ in range(3000))]


def test_gate_never_skips_a_match() -> None:
    texts = _texts()
    for candidate in LEXICON_SIGNALS:
        for text in texts:
            if candidate.pattern.search(text):
                assert candidate.keys is None or not candidate.keys.isdisjoint(word_keys(text)), (
                    candidate.reason,
                    text,
                )


def test_most_lexicon_signals_are_gated() -> None:
    assert sum(s.keys is None for s in LEXICON_SIGNALS) <= 2
