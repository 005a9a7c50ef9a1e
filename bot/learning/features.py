"""Turn mentions into the n-gram TF-IDF features the model reads; the same code trains and decides."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from bot.core.models import Mention

# Bump when normalise() or the vectorizer settings change: an artefact built with another version is refused.
FEATURE_VERSION = "ngram-v2"

_URL = re.compile(r"https?://\S+")
_HANDLE = re.compile(r"@\w+")
_NUMBER = re.compile(r"\d+")
_WORD = r"(?u)\b\w+\b"  # single letters and digits count: "u", "2" carry meaning in text-speak


@dataclass(frozen=True)
class Recipe:
    """Feature and model settings, chosen by cross-validation on the training set (docs/triage.md)."""

    char_range: tuple[int, int] = (2, 5)
    word_range: tuple[int, int] = (1, 2)
    min_df: int = 2  # a term seen in one mention only is dropped: it cannot generalise and it names people
    category_c: float = 3.0
    urgency_c: float = 3.0
    urgency_balanced: bool = True
    joint: bool = True  # the category model also learns urgent-or-not within each category; urgency averages both
    nb: bool = True  # NB-LR: n-gram presence scaled by its log-count ratio, one-vs-rest (Wang & Manning 2012)
    nb_alpha: float = 1.0  # count smoothing for the log-count ratios

    def as_dict(self) -> dict[str, Any]:
        return {
            "char_range": list(self.char_range),
            "word_range": list(self.word_range),
            "min_df": self.min_df,
            "category_c": self.category_c,
            "urgency_c": self.urgency_c,
            "urgency_balanced": self.urgency_balanced,
            "joint": self.joint,
            "nb": self.nb,
            "nb_alpha": self.nb_alpha,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Recipe:
        return cls(
            char_range=(int(raw["char_range"][0]), int(raw["char_range"][1])),
            word_range=(int(raw["word_range"][0]), int(raw["word_range"][1])),
            min_df=int(raw["min_df"]),
            category_c=float(raw["category_c"]),
            urgency_c=float(raw["urgency_c"]),
            urgency_balanced=bool(raw["urgency_balanced"]),
            joint=bool(raw["joint"]),
            nb=bool(raw["nb"]),
            nb_alpha=float(raw["nb_alpha"]),
        )


def normalise(text: str) -> str:
    """Fold width and case, and replace links, handles and numbers so the model learns words, not accounts."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _NUMBER.sub("0", _HANDLE.sub(" @h ", _URL.sub(" url ", folded)))


def _vectorizer(
    analyzer: str, ngram_range: tuple[int, int], min_df: int, binary: bool, vocabulary: Any = None
) -> CountVectorizer:
    """Return 0/1 presence when `binary` (NB-LR weighs terms itself), else sublinear TF-IDF rows of unit length."""
    settings: dict[str, Any] = {
        "analyzer": analyzer,
        "ngram_range": ngram_range,
        "min_df": min_df,
        "lowercase": False,
        "token_pattern": _WORD if analyzer == "word" else None,
        "vocabulary": vocabulary,
        "dtype": np.float64,
    }
    if binary:
        return CountVectorizer(binary=True, **settings)
    return TfidfVectorizer(sublinear_tf=True, **settings)


class FeatureSpace:
    """Character (within words) and word n-grams side by side: TF-IDF, or presence for NB-LR."""

    def __init__(self, char: CountVectorizer, word: CountVectorizer) -> None:
        self.char, self.word = char, word

    @classmethod
    def fit(cls, mentions: Sequence[Mention], recipe: Recipe) -> FeatureSpace:
        texts = [normalise(m.text) for m in mentions]
        char = _vectorizer("char_wb", recipe.char_range, recipe.min_df, recipe.nb).fit(texts)
        word = _vectorizer("word", recipe.word_range, recipe.min_df, recipe.nb).fit(texts)
        return cls(char, word)

    def transform(self, mentions: Sequence[Mention]) -> sparse.csr_matrix:
        texts = [normalise(m.text) for m in mentions]
        return sparse.hstack([self.char.transform(texts), self.word.transform(texts)], format="csr")

    @property
    def size(self) -> int:
        return len(self.char.vocabulary_) + len(self.word.vocabulary_)

    def state(self) -> dict[str, Any]:
        """Return the fitted state: each vectorizer's terms in column order and their idf weights (None if unused)."""
        return {
            name: (_terms(v), np.asarray(v.idf_) if isinstance(v, TfidfVectorizer) else None)
            for name, v in (("char", self.char), ("word", self.word))
        }

    @classmethod
    def rebuild(cls, recipe: Recipe, state: dict[str, Any]) -> FeatureSpace:
        """Rebuild fitted vectorizers from stored terms and idf weights (no pickle)."""
        built = []
        for name, analyzer, ngram_range in (
            ("char", "char_wb", recipe.char_range),
            ("word", "word", recipe.word_range),
        ):
            terms, idf = state[name]
            vectorizer = _vectorizer(analyzer, ngram_range, 1, recipe.nb, {t: i for i, t in enumerate(terms)})
            if isinstance(vectorizer, TfidfVectorizer):
                vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
            vectorizer.vocabulary_ = dict(vectorizer.vocabulary)
            built.append(vectorizer)
        return cls(built[0], built[1])


def _terms(vectorizer: CountVectorizer) -> list[str]:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    return sorted(vocabulary, key=vocabulary.__getitem__)
