"""Compare triage model candidates by repeated stratified k-fold CV on the training set, then test the chosen one.

Run from the repo root: `.venv/bin/python -m bench.triage_cv` (the embedding candidates need the `[research]`
extra: `pip install -e ".[research]"`; without it they are skipped). `--explore` prints the exploratory table
instead (5 folds x 1 repeat, first seed: every variant tried on the way, cheaper to run); `--short` scores
held-out texts cut to their first 8 words (a short-mention stress test); `--decisions` scores the shipped decision
(rules, model and band, routing too) on held-out folds, by platform; `--sources` compares training on the
independently written set alone with training on every folder, scored by source and platform; `--recipe-check`
re-checks the chosen recipe's settings on every folder. Those, and `--short`, read every
`data/mentions/train*` folder (the default training data); the main table and `--explore` read the issue's 960
(`data/mentions/train`), on which the first three rounds were measured. The dev set is only
scored at the end, with the committed artefact: it is a test set, and nothing here is chosen by it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from bench.dev_set import dev_desk, dev_labels, dev_mentions
from bot.core.models import Mention, Platform
from bot.core.relay import on_own_page
from bot.core.triage.decide import Triage
from bot.core.triage.evaluation import Labels, evaluate, format_report, labels_of
from bot.core.triage.model import ModelOpinion, SafetyBand
from bot.learning.crossval import REPLY, FitPredict, out_of_fold, recall_groups, summarise
from bot.learning.examples import Example, read_examples, training_folders
from bot.learning.features import FeatureSpace, Recipe, normalise
from bot.learning.model import load_model
from bot.learning.pipeline import CATEGORIES, MAX_ITER, Pipeline, fit, log_count_ratio, targets
from bot.learning.training import FOLDS, REPEATS, SEED, ngram_fit_predict

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "mentions"
INDEPENDENT = "train"  # the 960 mentions written by eight authors outside the project (issue #9)
COLUMNS = (
    ("category_accuracy", "cat acc"),
    ("macro_f1", "macro-F1"),
    ("needs_reply_f1", "reply F1"),
    ("urgent_recall", "urg rec@.5"),
    ("urgent_precision", "urg prec@.5"),
    ("band_recall", "rec band"),
    ("band_precision", "prec band"),
    ("cards_per_1000", "cards/1k"),
    ("false_cards_per_1000_not_urgent", "false/1k non-urg"),
)


def wordllama_embed() -> Callable[[Sequence[Mention]], np.ndarray] | None:
    """Return a WordLlama embedder loaded from the installed wheel only (no network), or None if absent."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        return None
    folder = Path(wordllama.__file__).parent
    weights = folder / "weights" / "l2_supercat_256.safetensors"
    print(f"wordllama {weights.name} sha256 {hashlib.sha256(weights.read_bytes()).hexdigest()}")
    model = WordLlama.load(cache_dir=folder, disable_download=True)

    def embed(mentions: Sequence[Mention]) -> np.ndarray:
        return np.asarray(model.embed([m.text for m in mentions], norm=True), dtype=np.float64)

    return embed


def dense_fit_predict(features: Callable[[Sequence[Example], Sequence[Mention]], tuple[object, object]]) -> FitPredict:
    """Return a CV trainer: both classifiers (C=10, balanced urgency) over the given feature builder."""

    def fit_predict(train: Sequence[Example], test: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        x_train, x_test = features(train, test)
        categories, urgent = targets(train)
        category = LogisticRegression(C=10.0, max_iter=MAX_ITER).fit(x_train, categories)
        urgency = LogisticRegression(C=10.0, max_iter=MAX_ITER, class_weight="balanced").fit(x_train, urgent)
        probs = np.zeros((len(test), len(CATEGORIES)))
        probs[:, category.classes_] = category.predict_proba(x_test)
        return probs, urgency.predict_proba(x_test)[:, 1]

    return fit_predict


K = len(CATEGORIES)
# (analyzer, n-gram range, min_df, max_df, binary): one vectorizer; a feature set is a tuple of them
Vec = tuple[str, tuple[int, int], int, float, bool]
BINARY: tuple[Vec, ...] = (("char_wb", (2, 5), 2, 1.0, True), ("word", (1, 2), 2, 1.0, True))
TFIDF: tuple[Vec, ...] = (("char_wb", (2, 5), 2, 1.0, False), ("word", (1, 2), 2, 1.0, False))
_FEATURES: dict[tuple[tuple[Vec, ...], tuple[str, ...]], tuple[list[object], object]] = {}


def _features(spec: tuple[Vec, ...], train: Sequence[Mention], test: Sequence[Mention]) -> tuple[object, object]:
    """Fit (once per fold, cached) and apply the vectorizers of one feature set."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    key = (spec, tuple(m.id for m in train))
    if key not in _FEATURES:
        texts = [normalise(m.text) for m in train]
        fitted: list[object] = []
        for analyzer, ngrams, min_df, max_df, binary in spec:
            kind = CountVectorizer if binary else TfidfVectorizer
            options = {"binary": True} if binary else {"sublinear_tf": True}
            token = r"(?u)\b\w+\b" if analyzer == "word" else None
            vectorizer = kind(
                analyzer=analyzer,
                ngram_range=ngrams,
                min_df=min_df,
                max_df=max_df,
                lowercase=False,
                token_pattern=token,
                dtype=np.float64,
                **options,
            )
            fitted.append(vectorizer.fit(texts))
        _FEATURES[key] = (fitted, sparse.hstack([v.transform(texts) for v in fitted], format="csr"))  # type: ignore[attr-defined]
    fitted, x_train = _FEATURES[key]
    texts = [normalise(m.text) for m in test]
    return x_train, sparse.hstack([v.transform(texts) for v in fitted], format="csr")  # type: ignore[attr-defined]


def _full(model: object, x: object, width: int) -> np.ndarray:
    out = np.zeros((x.shape[0], width))  # type: ignore[attr-defined]
    out[:, model.classes_] = model.predict_proba(x)  # type: ignore[attr-defined]
    return out


def _svc(balanced: bool = False) -> CalibratedClassifierCV:
    weight = "balanced" if balanced else None
    return CalibratedClassifierCV(LinearSVC(C=0.5, class_weight=weight, random_state=SEED), cv=3, method="sigmoid")


def variant(
    features: tuple[Vec, ...] = BINARY,
    urgency_features: tuple[Vec, ...] | None = None,
    category: str = "nb",
    urgency: str = "nb",
    c: float = 10.0,
    urgency_c: float | None = None,
    alpha: float = 1.0,
    row_norm: bool = False,
    joint: bool = True,
    combine: str = "mean",
    weight: float = 0.5,
) -> FitPredict:
    """Return a CV trainer for one exploratory variant (bench only; the product's recipe is `Recipe`).

    category: nb (one-vs-rest NB-LR), lr (softmax), svc (calibrated LinearSVC), lr+svc (their mean), sgd
    (modified Huber). urgency: nb, lr or lr+svc, class-balanced. combine: how the joint model's urgent share
    meets the urgency model: mean (weighted by `weight`), max, or joint (the joint share alone).
    """

    def scaled(x: object, ratio: np.ndarray) -> object:
        out = sparse.csr_matrix(x.multiply(ratio))  # type: ignore[attr-defined]
        return normalize(out) if row_norm else out

    def nb(x_train: object, positive: np.ndarray, x_test: object, cost: float, balanced: bool) -> np.ndarray:
        ratio = log_count_ratio(x_train, positive, alpha)  # type: ignore[arg-type]
        weights = "balanced" if balanced else None
        model = LogisticRegression(C=cost, max_iter=MAX_ITER, random_state=SEED, class_weight=weights)
        return model.fit(scaled(x_train, ratio), positive).predict_proba(scaled(x_test, ratio))[:, 1]

    def fit_predict(train: Sequence[Example], test: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        mentions = [m for m, _ in train]
        categories, urgent = targets(train)
        x_train, x_test = _features(features, mentions, test)
        u_train, u_test = _features(urgency_features, mentions, test) if urgency_features else (x_train, x_test)
        classes = categories + K * urgent if joint else categories
        width = 2 * K if joint else K
        lr = LogisticRegression(C=c, max_iter=MAX_ITER, random_state=SEED)
        if category == "nb":
            shares = np.zeros((len(test), width))
            for value in np.unique(classes):
                shares[:, value] = nb(x_train, classes == value, x_test, c, False)
            shares /= shares.sum(axis=1, keepdims=True)
        elif category == "lr":
            shares = _full(lr.fit(x_train, classes), x_test, width)
        elif category == "svc":
            shares = _full(_svc().fit(x_train, classes), x_test, width)
        elif category == "lr+svc":
            shares = (
                _full(lr.fit(x_train, classes), x_test, width) + _full(_svc().fit(x_train, classes), x_test, width)
            ) / 2
        else:
            sgd = SGDClassifier(loss="modified_huber", alpha=1e-4, max_iter=50, tol=None, random_state=SEED)
            shares = _full(sgd.fit(x_train, classes), x_test, width)
        cost = urgency_c or c
        balanced = LogisticRegression(C=cost, max_iter=MAX_ITER, random_state=SEED, class_weight="balanced")
        if urgency == "nb":
            u = nb(u_train, urgent, u_test, cost, True)
        elif urgency == "lr":
            u = balanced.fit(u_train, urgent).predict_proba(u_test)[:, 1]
        else:
            u = (
                balanced.fit(u_train, urgent).predict_proba(u_test)[:, 1]
                + _svc(True).fit(u_train, urgent).predict_proba(u_test)[:, 1]
            ) / 2
        probs = shares[:, :K] + shares[:, K:] if joint else shares
        if joint:
            share = shares[:, K:].sum(axis=1)
            u = {"mean": weight * u + (1 - weight) * share, "max": np.maximum(u, share), "joint": share}[combine]
        return probs, u

    return fit_predict


def ensemble(*members: FitPredict, urgency: str = "mean") -> FitPredict:
    """Return a CV trainer averaging members: categories by mean, urgency by arithmetic or geometric mean."""

    def fit_predict(train: Sequence[Example], test: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        outputs = [member(train, test) for member in members]
        probs = np.mean([p for p, _ in outputs], axis=0)
        if urgency == "mean":
            return probs, np.mean([u for _, u in outputs], axis=0)
        return probs, np.exp(np.mean([np.log(np.clip(u, 1e-12, 1.0)) for _, u in outputs], axis=0))

    return fit_predict


def earlier_recipe(**changes: Any) -> Recipe:
    """Return a recipe as the first three rounds measured it (min_df 2; the fourth round raised it to 3)."""
    return Recipe(**({"min_df": 2} | changes))


NB_LR = ngram_fit_predict(earlier_recipe(members=("nb",)), SEED)  # the previous choice, an ensemble member below
CHAR_NB_LR = variant((("char", (2, 5), 2, 1.0, True), ("word", (1, 2), 2, 1.0, True)), c=3.0)
TFIDF_LR = variant(TFIDF, category="lr", urgency="lr", c=10.0)
TFIDF_SVC = variant(TFIDF, category="svc", urgency="lr", c=10.0)


def explorations() -> dict[str, FitPredict]:
    """Return every variant tried on the way to the chosen recipe (5 folds x 1 repeat, docs/triage.md)."""
    char16_word13: tuple[Vec, ...] = (("char_wb", (1, 6), 2, 1.0, True), ("word", (1, 3), 2, 1.0, True))
    return {
        "previous choice: TF-IDF, LR, balanced + joint": ngram_fit_predict(earlier_recipe(**TFIDF_ALONE), SEED),
        "TF-IDF: NB-LR category, LR urgency": variant(TFIDF, urgency="lr"),
        "TF-IDF: NB-LR category and urgency": variant(TFIDF),
        "TF-IDF: LR category, NB-LR urgency": variant(TFIDF, category="lr"),
        "TF-IDF: calibrated LinearSVC category": variant(TFIDF, category="svc", urgency="lr"),
        "TF-IDF: mean of LR and LinearSVC category": variant(TFIDF, category="lr+svc", urgency="lr"),
        "TF-IDF: SGD modified Huber category": variant(TFIDF, category="sgd", urgency="lr"),
        "TF-IDF: urgency mean of LR and LinearSVC": variant(TFIDF, category="lr", urgency="lr+svc"),
        "TF-IDF: urgency = max(model, joint share)": variant(TFIDF, category="lr", urgency="lr", combine="max"),
        "TF-IDF: urgency = joint share alone": variant(TFIDF, category="lr", urgency="lr", combine="joint"),
        "NB-LR presence, C=10": ngram_fit_predict(earlier_recipe(members=NB, nb_c=10.0), SEED),
        "NB-LR presence, C=1": ngram_fit_predict(earlier_recipe(members=NB, nb_c=1.0), SEED),
        "NB-LR presence, C=3": ngram_fit_predict(earlier_recipe(members=NB, nb_c=3.0), SEED),
        "NB-LR presence, C=30": ngram_fit_predict(earlier_recipe(members=NB, nb_c=30.0), SEED),
        "NB-LR presence, C=100": ngram_fit_predict(earlier_recipe(members=NB, nb_c=100.0), SEED),
        "NB-LR C=10, urgency C=3": variant(urgency_c=3.0),
        "NB-LR C=10, urgency C=30": variant(urgency_c=30.0),
        "NB-LR C=10, urgency char_wb 1-6 + word 1-3": variant(urgency_features=char16_word13),
        "NB-LR C=10, all char_wb 1-6 + word 1-3": variant(char16_word13),
        "NB-LR C=10, min_df 1": ngram_fit_predict(earlier_recipe(min_df=1, members=NB, nb_c=10.0), SEED),
        "NB-LR C=10, char (not char_wb) 2-5": variant((("char", (2, 5), 2, 1.0, True), BINARY[1])),
        "NB-LR C=10, urgency weight 0.7": variant(weight=0.7),
        "NB-LR C=10, urgency weight 0.3": variant(weight=0.3),
        "NB-LR C=10, urgency = max(model, joint)": variant(combine="max"),
        "NB-LR C=10, no joint model": ngram_fit_predict(earlier_recipe(joint=False, members=NB, nb_c=10.0), SEED),
        "NB-LR C=3, alpha 0.5": ngram_fit_predict(earlier_recipe(nb_alpha=0.5, members=NB), SEED),
        "NB-LR C=3, alpha 0.25": ngram_fit_predict(earlier_recipe(nb_alpha=0.25, members=NB), SEED),
        "NB-LR rows unit length, C=10": variant(c=10.0, row_norm=True),
        "NB-LR rows unit length, C=30": variant(c=30.0, row_norm=True),
        "NB-LR C=3, urgency weight 0.7": variant(c=3.0, weight=0.7),
        "NB-LR C=3, char_wb 1-5": ngram_fit_predict(earlier_recipe(char_range=(1, 5), members=NB), SEED),
        "NB-LR C=3, char_wb 3-6": ngram_fit_predict(earlier_recipe(char_range=(3, 6), members=NB), SEED),
        "NB-LR C=3, word 1-3": ngram_fit_predict(earlier_recipe(word_range=(1, 3), members=NB), SEED),
        "NB-LR C=3, min_df 3": ngram_fit_predict(earlier_recipe(min_df=3, members=NB), SEED),
        "NB-LR C=3, max_df 0.5": variant((("char_wb", (2, 5), 2, 0.5, True), ("word", (1, 2), 2, 0.5, True)), c=3.0),
        "ensemble: NB-LR + char NB-LR": ensemble(NB_LR, CHAR_NB_LR),
        "ensemble: NB-LR + TF-IDF LR": ensemble(NB_LR, TFIDF_LR),
        "ensemble: NB-LR + TF-IDF NB-LR": ensemble(NB_LR, variant(TFIDF, c=10.0)),
        "ensemble: NB-LR + TF-IDF calibrated SVC": ensemble(NB_LR, TFIDF_SVC),
        "ensemble: NB-LR + char NB-LR + TF-IDF LR": ensemble(NB_LR, CHAR_NB_LR, TFIDF_LR),
        "ensemble: NB-LR + TF-IDF LR, geometric urgency": ensemble(NB_LR, TFIDF_LR, urgency="geometric"),
    }


NB = ("nb",)  # NB-LR alone, the previous choice's member
TFIDF_ALONE = {"members": ("tfidf",), "tfidf_c": 10.0}  # the first choice's member and regularisation


def candidates() -> dict[str, FitPredict]:
    """Return every model compared in docs/triage.md, by name."""
    found: dict[str, FitPredict] = {
        "reference: char2-5+word, min_df 1, unweighted": ngram_fit_predict(
            earlier_recipe(min_df=1, urgency_balanced=False, joint=False, **TFIDF_ALONE), SEED
        ),
        "ngram min_df 2, unweighted urgency": ngram_fit_predict(
            earlier_recipe(urgency_balanced=False, joint=False, **TFIDF_ALONE), SEED
        ),
        "ngram min_df 2, balanced urgency": ngram_fit_predict(earlier_recipe(joint=False, **TFIDF_ALONE), SEED),
        "ngram min_df 2, balanced, C=30": ngram_fit_predict(
            earlier_recipe(members=("tfidf",), tfidf_c=30.0, joint=False), SEED
        ),
        "ngram char1-5, balanced": ngram_fit_predict(
            earlier_recipe(char_range=(1, 5), joint=False, **TFIDF_ALONE), SEED
        ),
        "ngram min_df 2, balanced + joint (previous choice)": ngram_fit_predict(earlier_recipe(**TFIDF_ALONE), SEED),
        "TF-IDF, NB-LR category and urgency, C=10": variant(TFIDF, c=10.0),
        "NB-LR presence, C=10": ngram_fit_predict(earlier_recipe(members=NB, nb_c=10.0), SEED),
        "NB-LR presence, C=3, alpha 0.5": ngram_fit_predict(earlier_recipe(nb_alpha=0.5, members=NB), SEED),
        "NB-LR presence, C=3, word 1-3": ngram_fit_predict(earlier_recipe(word_range=(1, 3), members=NB), SEED),
        "NB-LR presence, C=3 (previous choice)": ngram_fit_predict(earlier_recipe(members=NB), SEED),
        "NB-LR + TF-IDF SVC, geometric urgency": ensemble(NB_LR, TFIDF_SVC, urgency="geometric"),
        "NB-LR + TF-IDF LR + TF-IDF SVC, geometric": ensemble(NB_LR, TFIDF_LR, TFIDF_SVC, urgency="geometric"),
        "NB-LR + char NB-LR + TF-IDF LR, geometric": ensemble(NB_LR, CHAR_NB_LR, TFIDF_LR, urgency="geometric"),
        "NB-LR + TF-IDF LR, geometric urgency (third round)": ngram_fit_predict(earlier_recipe(), SEED),
        "NB-LR + TF-IDF LR, geometric, min_df 3 (chosen)": ngram_fit_predict(Recipe(), SEED),
    }
    embed = wordllama_embed()
    if embed is None:
        print("wordllama not installed: embedding candidates skipped (pip install -e '.[research]')")
        return found
    cache: dict[str, np.ndarray] = {}

    def vectors(mentions: Sequence[Mention]) -> np.ndarray:
        missing = [m for m in mentions if m.id not in cache]
        if missing:
            cache.update(zip([m.id for m in missing], embed(missing), strict=True))
        return np.stack([cache[m.id] for m in mentions])

    def embedding(train: Sequence[Example], test: Sequence[Mention]) -> tuple[object, object]:
        return vectors([m for m, _ in train]), vectors(test)

    def combined(train: Sequence[Example], test: Sequence[Mention]) -> tuple[object, object]:
        mentions = [m for m, _ in train]
        space = FeatureSpace.fit(mentions, earlier_recipe(**TFIDF_ALONE))
        x_train = sparse.hstack([space.tfidf(space.count(mentions)), vectors(mentions)], format="csr")
        return x_train, sparse.hstack([space.tfidf(space.count(test)), vectors(test)], format="csr")

    found["wordllama 256-d embedding"] = dense_fit_predict(embedding)
    found["ngram + wordllama"] = dense_fit_predict(combined)
    return found


def exploration_table(examples: list[Example]) -> None:
    """Print the exploratory rows: one repeat each, so only differences beyond the main table's sd count."""
    print(f"\n{FOLDS}-fold stratified CV x 1 repeat (seed {SEED}) on {len(examples)} training mentions")
    print(f"{'variant':<48}" + "".join(f"{label:>17}" for _, label in COLUMNS) + f"{'time':>8}")
    for name, fit_predict in explorations().items():
        started = time.perf_counter()
        summary = summarise(out_of_fold(examples, fit_predict, FOLDS, 1, SEED), examples)
        cells = "".join(f"{summary[key]['mean']:>17.3f}" for key, _ in COLUMNS)
        print(f"{name:<48}{cells}{time.perf_counter() - started:>7.0f}s", flush=True)


SHORT_WORDS = 8  # held-out texts cut to their first 8 words (the handle counts): a short-mention stress test


def _cut(mention: Mention) -> Mention:
    return mention.model_copy(update={"text": " ".join(mention.text.split()[:SHORT_WORDS])})


def short_text_table(examples: list[Example]) -> None:
    """Print the first and the chosen model on held-out texts cut short, trained as usual or with cut copies."""
    print(f"\n{FOLDS}-fold CV x 1 repeat, held-out texts cut to {SHORT_WORDS} words ('+ cut copies': each training")
    print("example is also added cut to the same length; 'full' scores the held-out texts uncut)")
    print(f"{'variant':<48}" + "".join(f"{label:>17}" for _, label in COLUMNS) + f"{'time':>8}")
    for recipe_name, recipe in (
        ("first choice", earlier_recipe(**TFIDF_ALONE)),
        ("NB-LR", earlier_recipe(members=NB)),
        ("chosen ensemble", Recipe()),
    ):
        plain = ngram_fit_predict(recipe, SEED)

        def augmented(
            train: Sequence[Example], test: Sequence[Mention], fp: FitPredict = plain
        ) -> tuple[np.ndarray, np.ndarray]:
            return fp([*train, *((_cut(m), labels) for m, labels in train)], test)

        for label, fit_predict, cut in (
            ("short", plain, True),
            ("+ cut copies, full", augmented, False),
            ("+ cut copies, short", augmented, True),
        ):

            def scored(
                train: Sequence[Example], test: Sequence[Mention], fp: FitPredict = fit_predict, shorten: bool = cut
            ) -> tuple[np.ndarray, np.ndarray]:
                return fp(train, [_cut(m) for m in test] if shorten else test)

            started = time.perf_counter()
            summary = summarise(out_of_fold(examples, scored, FOLDS, 1, SEED), examples)
            cells = "".join(f"{summary[key]['mean']:>17.3f}" for key, _ in COLUMNS)
            print(f"{recipe_name + ', ' + label:<48}{cells}{time.perf_counter() - started:>7.0f}s", flush=True)


def cross_validation_table(examples: list[Example], only_chosen: bool) -> None:
    print(f"\n{FOLDS}-fold stratified CV x {REPEATS} repeats on {len(examples)} training mentions (mean ± sd)")
    print(f"{'candidate':<48}" + "".join(f"{label:>17}" for _, label in COLUMNS) + f"{'time':>8}")
    for name, fit_predict in candidates().items():
        if only_chosen and "(chosen)" not in name:
            continue
        started = time.perf_counter()
        runs = out_of_fold(examples, fit_predict, FOLDS, REPEATS, SEED)
        _print_row(name, summarise(runs, examples), f"{time.perf_counter() - started:>7.0f}s")
        if "(chosen)" in name:
            chosen = runs[0]
    gold = {m.id: labels for m, labels in examples}
    predicted = {
        m.id: Labels(CATEGORIES[int(row.argmax())].value, False, False, "")
        for (m, _), row in zip(examples, chosen.categories, strict=True)
    }
    print("\nchosen model, out-of-fold categories (first repeat):")
    report = format_report(evaluate(gold, predicted)).splitlines()[2:]
    print("\n".join(line for line in report if not line.startswith(("urgent", "needs_reply", "route"))))


@dataclass(frozen=True)
class FoldModel:
    """A pipeline fitted on some folds, seen through the core's TriageModel port with the shipped band."""

    pipeline: Pipeline
    band: SafetyBand
    languages: frozenset[str]

    def opinions(self, mentions: Sequence[Mention]) -> list[ModelOpinion]:
        categories, urgency = self.pipeline.predict(mentions)
        return [
            ModelOpinion(categories=dict(zip(CATEGORIES, row, strict=True)), urgency=float(u))
            for row, u in zip(categories, urgency, strict=True)
        ]


def decision_report(sets: dict[str, list[Example]]) -> None:
    """Score the shipped decision (rules, model and band, routing too) on held-out folds, by source and platform.

    The band is the committed artefact's, which was chosen on out-of-fold probabilities of these same examples: a
    mild optimism, the price of not nesting a second cross-validation inside each fold. Comments are routed as
    the worker routes them: a team's own page or account stands for its handle.
    """
    examples, _, _ = _pooled(sets)
    shipped = load_model()
    desk = dev_desk()
    categories, urgent = targets(examples)
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    predicted: dict[str, Labels] = {}
    for train, test in splitter.split(np.zeros(len(examples)), categories * 2 + urgent):
        model = FoldModel(fit([examples[i] for i in train], Recipe(), SEED), shipped.band, shipped.languages)
        held = [examples[i][0] for i in test]
        decisions = [on_own_page(m, d, desk) for m, d in zip(held, Triage(desk, model).decide_many(held), strict=True)]
        predicted.update({m.id: labels_of(d) for m, d in zip(held, decisions, strict=True)})
    print(f"\nshipped decision (rules + model, band {shipped.band.lower}..{shipped.band.upper}), {FOLDS}-fold CV x 1:")
    meta = {Platform.FACEBOOK, Platform.INSTAGRAM}
    subsets = {
        "all": examples,
        INDEPENDENT: sets[INDEPENDENT],
        "X": [e for e in examples if e[0].platform is Platform.X],
        "Meta": [e for e in examples if e[0].platform in meta],
    }
    for name, rows in subsets.items():
        gold = {m.id: labels for m, labels in rows}
        print(f"\n{name} ({len(gold)} mentions)")
        print(format_report(evaluate(gold, {key: predicted[key] for key in gold})))


def sources_table(sets: dict[str, list[Example]]) -> None:
    """Compare the chosen recipe trained on the independent set alone with it trained on every folder.

    Scored by source: the question is whether the project's own examples help on mentions written by others,
    and how well Facebook and Instagram comments are read.
    """
    recipe = ngram_fit_predict(Recipe(), SEED)
    independent = sets[INDEPENDENT]
    print(f"\n{FOLDS}-fold stratified CV x {REPEATS} repeats (mean ± sd), chosen recipe")
    print(f"{'trained on / scored on':<48}" + "".join(f"{label:>17}" for _, label in COLUMNS))
    runs = out_of_fold(independent, recipe, FOLDS, REPEATS, SEED)
    _print_row(f"{INDEPENDENT} alone / {INDEPENDENT} ({len(independent)})", summarise(runs, independent))
    examples, source, groups = _pooled(sets)
    platform = np.array([m.platform.value for m, _ in examples])
    runs = out_of_fold(examples, recipe, FOLDS, REPEATS, SEED)
    subsets = {
        "all": np.ones(len(examples), dtype=bool),
        INDEPENDENT: source == INDEPENDENT,
        "written for the project, X": (source != INDEPENDENT) & (platform == Platform.X.value),
        "X": platform == Platform.X.value,
        "Facebook": platform == Platform.FACEBOOK.value,
        "Instagram": platform == Platform.INSTAGRAM.value,
        "Meta": platform != Platform.X.value,
    }
    for name, subset in subsets.items():
        _print_row(f"all folders / {name} ({int(subset.sum())})", summarise(runs, examples, subset, groups))


def recipe_check_table(sets: dict[str, list[Example]]) -> None:
    """Re-check the chosen recipe's settings on every training folder (5 x 1): does more data move the choice?"""
    examples, source, groups = _pooled(sets)
    independent = source == INDEPENDENT
    variants = {
        "chosen: NB-LR C=3 + TF-IDF LR C=10": Recipe(),
        "NB-LR alone, C=3": Recipe(members=NB),
        "NB-LR C=1 + TF-IDF LR C=10": Recipe(nb_c=1.0),
        "NB-LR C=10 + TF-IDF LR C=10": Recipe(nb_c=10.0),
        "NB-LR C=3 + TF-IDF LR C=3": Recipe(tfidf_c=3.0),
        "NB-LR C=3 + TF-IDF LR C=30": Recipe(tfidf_c=30.0),
        "chosen, min_df 2 (the third round's)": Recipe(min_df=2),
        "chosen, word 1-3": Recipe(word_range=(1, 3)),
    }
    print(f"\n{FOLDS}-fold CV x 1 repeat (seed {SEED}) on all {len(examples)} training mentions: all / {INDEPENDENT}")
    print(f"{'variant':<48}" + "".join(f"{label:>17}" for _, label in COLUMNS))
    for name, recipe in variants.items():
        run = out_of_fold(examples, ngram_fit_predict(recipe, SEED), FOLDS, 1, SEED)
        _print_row(f"{name} / all", summarise(run, examples, groups=groups))
        _print_row(f"{name} / {INDEPENDENT}", summarise(run, examples, independent, groups))


def _pooled(sets: dict[str, list[Example]]) -> tuple[list[Example], np.ndarray, list[np.ndarray]]:
    """Return every folder's examples in one list, each one's folder name, and the groups the band holds recall on
    (as `commsdesk model train` holds the shipped band)."""
    examples = [example for rows in sets.values() for example in rows]
    source = np.array([name for name, rows in sets.items() for _ in rows])
    return examples, source, list(recall_groups(list(source), targets(examples)[1]).values())


def _print_row(name: str, summary: dict[str, dict[str, float]], after: str = "") -> None:
    cells = "".join(f"{summary[key]['mean']:>10.3f} ±{summary[key]['sd']:>5.3f}" for key, _ in COLUMNS)
    print(f"{name:<48}{cells}{after}", flush=True)


def dev_report() -> None:
    """Score the committed artefact on the dev set: a test set, X mentions only."""
    model = load_model()
    mentions, gold = dev_mentions(), dev_labels()
    predicted = {}
    for mention, opinion in zip(mentions, model.opinions(mentions), strict=True):
        urgent = opinion.urgency >= model.band.lower
        needs_reply = bool(REPLY[CATEGORIES.index(opinion.category)]) or urgent
        predicted[mention.id] = Labels(opinion.category.value, urgent, needs_reply, gold[mention.id].route)
    sure = sum(o.urgency >= model.band.upper for o in model.opinions(mentions))
    print(
        f"\ndev set (test; model alone, no rules; band {model.band.lower}..{model.band.upper}; urgent counts the band)"
    )
    report = format_report(evaluate(gold, predicted))
    print("\n".join(line for line in report.splitlines() if not line.startswith("route accuracy")))
    print(f"above the band (sure urgent): {sure}   route: left to the rules, not scored here")


def main() -> None:
    sets = {folder.name: read_examples(folder) for folder in training_folders(DATA)}
    if "--sources" in sys.argv:
        sources_table(sets)
    elif "--recipe-check" in sys.argv:
        recipe_check_table(sets)
    elif "--decisions" in sys.argv:
        decision_report(sets)
    elif "--short" in sys.argv:
        short_text_table(_pooled(sets)[0])
    elif "--explore" in sys.argv:
        exploration_table(sets[INDEPENDENT])
    else:
        if "--dev-only" not in sys.argv:
            cross_validation_table(sets[INDEPENDENT], only_chosen="--chosen" in sys.argv)
        dev_report()


if __name__ == "__main__":
    main()
