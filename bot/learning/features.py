"""Turn mentions into the n-gram features the model reads (presence and TF-IDF); the same code trains and decides."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from bot.core.models import Mention

# Bump when normalise() or the vectorizer settings change: an artefact built with another version is refused.
FEATURE_VERSION = "ngram-v3"

_URL = re.compile(r"https?://\S+")
_HANDLE = re.compile(r"@\w+")
_NUMBER = re.compile(r"\d+")
_WORD = r"(?u)\b\w+\b"  # single letters and digits count: "u", "2" carry meaning in text-speak


MEMBERS = ("nb", "tfidf")  # the ensemble's linear models, by the features they read


@dataclass(frozen=True)
class Recipe:
    """Feature and model settings, chosen by cross-validation on the training set (docs/triage.md).

    The ensemble's members read the same n-grams two ways: `nb` is NB-LR over their presence (Wang & Manning
    2012), `tfidf` a softmax logistic regression over sublinear TF-IDF. Categories are the members' mean;
    urgency their geometric mean, so a mention is only very likely urgent when both agree.
    """

    char_range: tuple[int, int] = (2, 5)
    word_range: tuple[int, int] = (1, 2)
    min_df: int = 3  # a term seen in fewer than three mentions is dropped: it cannot generalise and it names people
    members: tuple[str, ...] = MEMBERS
    nb_c: float = 3.0
    tfidf_c: float = 10.0
    urgency_balanced: bool = True
    joint: bool = True  # the category model also learns urgent-or-not within each category; urgency averages both
    nb_alpha: float = 1.0  # count smoothing for the log-count ratios

    def __post_init__(self) -> None:
        if not self.members or any(m not in MEMBERS for m in self.members):
            raise ValueError(f"members must be some of {MEMBERS}, not {self.members}")

    def c(self, member: str) -> float:
        """Return a member's inverse regularisation strength (both of its models use it)."""
        return self.nb_c if member == "nb" else self.tfidf_c

    def as_dict(self) -> dict[str, Any]:
        return {
            "char_range": list(self.char_range),
            "word_range": list(self.word_range),
            "min_df": self.min_df,
            "members": list(self.members),
            "nb_c": self.nb_c,
            "tfidf_c": self.tfidf_c,
            "urgency_balanced": self.urgency_balanced,
            "joint": self.joint,
            "nb_alpha": self.nb_alpha,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Recipe:
        return cls(
            char_range=(int(raw["char_range"][0]), int(raw["char_range"][1])),
            word_range=(int(raw["word_range"][0]), int(raw["word_range"][1])),
            min_df=int(raw["min_df"]),
            members=tuple(str(m) for m in raw["members"]),
            nb_c=float(raw["nb_c"]),
            tfidf_c=float(raw["tfidf_c"]),
            urgency_balanced=bool(raw["urgency_balanced"]),
            joint=bool(raw["joint"]),
            nb_alpha=float(raw["nb_alpha"]),
        )


def normalise(text: str) -> str:
    """Fold width and case, and replace links, handles and numbers so the model learns words, not accounts."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _NUMBER.sub("0", _HANDLE.sub(" @h ", _URL.sub(" url ", folded)))


def _vectorizer(analyzer: str, ngram_range: tuple[int, int], min_df: int, vocabulary: Any = None) -> CountVectorizer:
    """Return an n-gram counter; presence and TF-IDF are both derived from its counts."""
    return CountVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        min_df=min_df,
        lowercase=False,
        token_pattern=_WORD if analyzer == "word" else None,
        vocabulary=vocabulary,
        dtype=np.float64,
    )


@dataclass(frozen=True)
class Counts:
    """N-gram counts of some mentions: character (within words) and word blocks, side by side."""

    char: sparse.csr_matrix
    word: sparse.csr_matrix

    @cached_property
    def presence(self) -> sparse.csr_matrix:
        """0/1 presence of every n-gram: what NB-LR and the neighbours read (computed once)."""
        both = sparse.hstack([self.char, self.word], format="csr")
        both.data[:] = 1.0
        return both


class FeatureSpace:
    """Character (within words) and word n-gram vocabularies, with each term's idf for the TF-IDF member."""

    def __init__(self, char: CountVectorizer, word: CountVectorizer, idf: tuple[np.ndarray, np.ndarray]) -> None:
        self.char, self.word = char, word
        self._idf = idf

    @classmethod
    def fit(cls, mentions: Sequence[Mention], recipe: Recipe) -> FeatureSpace:
        texts = [normalise(m.text) for m in mentions]
        char = _vectorizer("char_wb", recipe.char_range, recipe.min_df)
        word = _vectorizer("word", recipe.word_range, recipe.min_df)
        idf = (_idf(char.fit_transform(texts)), _idf(word.fit_transform(texts)))
        return cls(char, word, idf)

    def count(self, mentions: Sequence[Mention]) -> Counts:
        texts = [normalise(m.text) for m in mentions]
        return Counts(sparse.csr_matrix(self.char.transform(texts)), sparse.csr_matrix(self.word.transform(texts)))

    def transform(self, mentions: Sequence[Mention]) -> sparse.csr_matrix:
        """Return the presence features of the mentions."""
        return self.count(mentions).presence

    def tfidf(self, counts: Counts) -> sparse.csr_matrix:
        """Return sublinear TF-IDF rows, each block of unit length (what scikit-learn's TfidfVectorizer gives)."""
        blocks = []
        for block, idf in ((counts.char, self._idf[0]), (counts.word, self._idf[1])):
            weighted = block.copy()
            weighted.data = (np.log(weighted.data) + 1.0) * idf[weighted.indices]
            blocks.append(normalize(weighted))
        return sparse.hstack(blocks, format="csr")

    @property
    def size(self) -> int:
        return len(self.char.vocabulary_) + len(self.word.vocabulary_)

    def state(self) -> dict[str, Any]:
        """Return the fitted state: each vectorizer's terms in column order and their idf weights."""
        return {"char": (_terms(self.char), self._idf[0]), "word": (_terms(self.word), self._idf[1])}

    @classmethod
    def rebuild(cls, recipe: Recipe, state: dict[str, Any]) -> FeatureSpace:
        """Rebuild fitted vectorizers from stored terms and idf weights (no pickle)."""
        built = []
        for name, analyzer, ngram_range in (
            ("char", "char_wb", recipe.char_range),
            ("word", "word", recipe.word_range),
        ):
            terms, _ = state[name]
            vectorizer = _vectorizer(analyzer, ngram_range, 1, {t: i for i, t in enumerate(terms)})
            vectorizer.vocabulary_ = dict(vectorizer.vocabulary)
            built.append(vectorizer)
        idf = (np.asarray(state["char"][1], dtype=np.float64), np.asarray(state["word"][1], dtype=np.float64))
        return cls(built[0], built[1], idf)


def _idf(counts: sparse.spmatrix) -> np.ndarray:
    """Return smoothed idf weights, as scikit-learn computes them: ln((1 + n) / (1 + df)) + 1."""
    df = np.bincount(sparse.csr_matrix(counts).indices, minlength=counts.shape[1])
    weights: np.ndarray = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
    return weights


def _terms(vectorizer: CountVectorizer) -> list[str]:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    return sorted(vocabulary, key=vocabulary.__getitem__)
