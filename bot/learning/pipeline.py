"""The fitted model in memory: features, an ensemble of linear members, and neighbours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit, softmax
from sklearn.decomposition import TruncatedSVD
from sklearn.linear_model import LogisticRegression

from bot.core.models import Category, Mention
from bot.learning.examples import Example
from bot.learning.features import Counts, FeatureSpace, Recipe

CATEGORIES = tuple(Category)
NEIGHBOUR_DIMENSIONS = 32
MAX_ITER = 5000


@dataclass(frozen=True)
class Neighbours:
    """Training examples as short unit vectors (a projection of their features) with their labels only."""

    components: np.ndarray  # (dimensions, features): projects a feature row to the compact space
    vectors: np.ndarray  # (examples, dimensions), unit length
    categories: np.ndarray  # (examples,) index into CATEGORIES
    urgent: np.ndarray  # (examples,) bool

    def nearest(self, features: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """Return, per row, the indices of the k most similar examples and their cosine similarities."""
        projected = np.asarray(features @ self.components.T)
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        similarity = (projected / np.where(norms > 0, norms, 1.0)) @ self.vectors.T
        k = min(k, similarity.shape[1])
        # the k best of thousands by partition, then only those k sorted: a full sort per row cost a quarter
        # of a decision once the training set passed 3,000 examples
        candidates = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        ranked = np.argsort(-np.take_along_axis(similarity, candidates, axis=1), axis=1, kind="stable")
        order = np.take_along_axis(candidates, ranked, axis=1)
        return order, np.take_along_axis(similarity, order, axis=1)


@dataclass(frozen=True)
class Member:
    """One linear model pair of the ensemble: a joint category x urgent model and an urgency model."""

    kind: str  # nb (reads presence) or tfidf (reads TF-IDF), see Recipe
    category: LogisticRegression
    urgency: LogisticRegression

    def predict(self, rows: sparse.csr_matrix, joint: bool) -> tuple[np.ndarray, np.ndarray]:
        """Return this member's category and urgency probabilities for rows of its own features.

        The linear maths is done here rather than through `predict_proba`, whose input checks cost more than the
        product itself when the worker decides one mention at a time; the results are the same.
        """
        shares = np.zeros((rows.shape[0], 2 * len(CATEGORIES)))
        scores = np.asarray(rows @ self.category.coef_.T) + self.category.intercept_
        if self.kind == "nb":
            sigmoids = expit(scores)
            shares[:, self.category.classes_] = sigmoids / sigmoids.sum(axis=1, keepdims=True)
        else:
            shares[:, self.category.classes_] = softmax(scores, axis=1)
        urgency = expit(np.asarray(rows @ self.urgency.coef_[0]) + self.urgency.intercept_[0])
        categories = shares[:, : len(CATEGORIES)] + shares[:, len(CATEGORIES) :]
        if joint:
            urgency = (urgency + shares[:, len(CATEGORIES) :].sum(axis=1)) / 2
        return categories, urgency


@dataclass(frozen=True)
class Pipeline:
    """Everything needed to give an opinion; built by `fit` or rebuilt from an artefact."""

    recipe: Recipe
    features: FeatureSpace
    members: tuple[Member, ...]
    neighbours: Neighbours | None = None

    def predict(self, mentions: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        """Return category probabilities (columns in CATEGORIES order) and urgency probabilities."""
        return self.predict_counts(self.features.count(mentions))

    def predict_counts(self, counts: Counts) -> tuple[np.ndarray, np.ndarray]:
        """Return the ensemble's category (members' mean) and urgency (members' geometric mean) probabilities."""
        opinions = [m.predict(_rows(self.features, counts, m.kind), self.recipe.joint) for m in self.members]
        categories = np.mean([c for c, _ in opinions], axis=0)
        urgency = np.exp(np.mean([np.log(np.clip(u, 1e-12, 1.0)) for _, u in opinions], axis=0))
        return categories, urgency


def _rows(features: FeatureSpace, counts: Counts, kind: str) -> sparse.csr_matrix:
    return counts.presence if kind == "nb" else features.tfidf(counts)


def targets(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    """Return category indices and urgent flags for the examples."""
    index = {c.value: i for i, c in enumerate(CATEGORIES)}
    return (
        np.array([index[labels.category] for _, labels in examples]),
        np.array([labels.urgent for _, labels in examples], dtype=bool),
    )


def log_count_ratio(features: sparse.csr_matrix, positive: np.ndarray, alpha: float) -> np.ndarray:
    """Return each term's smoothed log ratio of presence among positive against negative rows (NB-LR's r)."""
    present = (features > 0).astype(np.float64)
    p = alpha + np.asarray(present[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[~positive].sum(axis=0)).ravel()
    ratio: np.ndarray = np.log((p / p.sum()) / (q / q.sum()))
    return ratio


def _fit_nb(model: LogisticRegression, features: sparse.csr_matrix, positive: np.ndarray, alpha: float) -> None:
    """Fit a binary model on features scaled by their log-count ratios, then fold the ratios into its weights."""
    ratio = log_count_ratio(features, positive, alpha)
    model.fit(sparse.csr_matrix(features.multiply(ratio)), positive)
    model.coef_ = model.coef_ * ratio


def _fit_one_vs_rest(features: sparse.csr_matrix, classes: np.ndarray, recipe: Recipe, seed: int) -> LogisticRegression:
    """Fit one NB-LR per class and stack them as one linear model (probabilities: sigmoids, normalised)."""
    present = np.unique(classes)
    rows = []
    for value in present:
        one = LogisticRegression(C=recipe.nb_c, max_iter=MAX_ITER, random_state=seed)
        _fit_nb(one, features, classes == value, recipe.nb_alpha)
        rows.append((one.coef_[0], one.intercept_[0]))
    stacked = LogisticRegression(C=recipe.nb_c, max_iter=MAX_ITER, random_state=seed)
    stacked.classes_ = present
    stacked.coef_ = np.stack([coef for coef, _ in rows])
    stacked.intercept_ = np.array([intercept for _, intercept in rows])
    return stacked


def _fit_member(
    kind: str, rows: sparse.csr_matrix, classes: np.ndarray, urgent: np.ndarray, recipe: Recipe, seed: int
) -> Member:
    """Fit one member's category and urgency models on its own view of the features."""
    urgency = LogisticRegression(
        C=recipe.c(kind),
        max_iter=MAX_ITER,
        random_state=seed,
        class_weight="balanced" if recipe.urgency_balanced else None,
    )
    if kind == "nb":
        category = _fit_one_vs_rest(rows, classes, recipe, seed)
        _fit_nb(urgency, rows, urgent, recipe.nb_alpha)
    else:
        category = LogisticRegression(C=recipe.tfidf_c, max_iter=MAX_ITER, random_state=seed).fit(rows, classes)
        urgency.fit(rows, urgent)
    return Member(kind, category, urgency)


def fit(examples: Sequence[Example], recipe: Recipe, seed: int, with_neighbours: bool = False) -> Pipeline:
    """Fit features and every member's classifiers on the examples (deterministic for a given seed)."""
    mentions = [m for m, _ in examples]
    categories, urgent = targets(examples)
    space = FeatureSpace.fit(mentions, recipe)
    counts = space.count(mentions)
    # joint classes: category index, plus len(CATEGORIES) when urgent, so the category model also weighs urgency
    classes = categories + len(CATEGORIES) * urgent if recipe.joint else categories
    members = tuple(
        _fit_member(kind, _rows(space, counts, kind), classes, urgent, recipe, seed) for kind in recipe.members
    )
    neighbours = None
    if with_neighbours:
        features = counts.presence
        dimensions = min(NEIGHBOUR_DIMENSIONS, features.shape[1] - 1, len(examples) - 1)
        svd = TruncatedSVD(n_components=dimensions, random_state=seed).fit(features)
        components = svd.components_.astype(np.float16).astype(np.float32)  # stored as float16: float32 holds it
        projected = np.asarray(features @ components.T)
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        vectors = (projected / np.where(norms > 0, norms, 1.0)).astype(np.float16).astype(np.float32)
        neighbours = Neighbours(components, vectors, categories, urgent)
    return Pipeline(recipe, space, members, neighbours)
