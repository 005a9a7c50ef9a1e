"""The fitted model in memory: features, a category classifier, an urgency classifier, and neighbours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.decomposition import TruncatedSVD
from sklearn.linear_model import LogisticRegression

from bot.core.models import Category, Mention
from bot.learning.examples import Example
from bot.learning.features import FeatureSpace, Recipe

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
        order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
        return order, np.take_along_axis(similarity, order, axis=1)


@dataclass(frozen=True)
class Pipeline:
    """Everything needed to give an opinion; built by `fit` or rebuilt from an artefact."""

    recipe: Recipe
    features: FeatureSpace
    category: LogisticRegression
    urgency: LogisticRegression
    neighbours: Neighbours | None = None

    def predict(self, mentions: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        """Return category probabilities (columns in CATEGORIES order) and urgency probabilities."""
        features = self.features.transform(mentions)
        return self.predict_features(features)

    def predict_features(self, features: object) -> tuple[np.ndarray, np.ndarray]:
        """Return category and urgency probabilities for rows of features."""
        joint = np.zeros((features.shape[0], 2 * len(CATEGORIES)))  # type: ignore[attr-defined]
        if self.recipe.nb:
            scores = expit(self.category.decision_function(features))
            joint[:, self.category.classes_] = scores / scores.sum(axis=1, keepdims=True)
        else:
            joint[:, self.category.classes_] = self.category.predict_proba(features)
        urgency = self.urgency.predict_proba(features)[:, 1]
        categories = joint[:, : len(CATEGORIES)] + joint[:, len(CATEGORIES) :]
        if self.recipe.joint:
            urgency = (urgency + joint[:, len(CATEGORIES) :].sum(axis=1)) / 2
        return categories, urgency


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
        one = LogisticRegression(C=recipe.category_c, max_iter=MAX_ITER, random_state=seed)
        _fit_nb(one, features, classes == value, recipe.nb_alpha)
        rows.append((one.coef_[0], one.intercept_[0]))
    stacked = LogisticRegression(C=recipe.category_c, max_iter=MAX_ITER, random_state=seed)
    stacked.classes_ = present
    stacked.coef_ = np.stack([coef for coef, _ in rows])
    stacked.intercept_ = np.array([intercept for _, intercept in rows])
    return stacked


def fit(examples: Sequence[Example], recipe: Recipe, seed: int, with_neighbours: bool = False) -> Pipeline:
    """Fit features and both classifiers on the examples (deterministic for a given seed)."""
    mentions = [m for m, _ in examples]
    categories, urgent = targets(examples)
    space = FeatureSpace.fit(mentions, recipe)
    features = space.transform(mentions)
    # joint classes: category index, plus len(CATEGORIES) when urgent, so the category model also weighs urgency
    classes = categories + len(CATEGORIES) * urgent if recipe.joint else categories
    urgency = LogisticRegression(
        C=recipe.urgency_c,
        max_iter=MAX_ITER,
        random_state=seed,
        class_weight="balanced" if recipe.urgency_balanced else None,
    )
    if recipe.nb:
        category = _fit_one_vs_rest(features, classes, recipe, seed)
        _fit_nb(urgency, features, urgent, recipe.nb_alpha)
    else:
        category = LogisticRegression(C=recipe.category_c, max_iter=MAX_ITER, random_state=seed).fit(features, classes)
        urgency.fit(features, urgent)
    neighbours = None
    if with_neighbours:
        dimensions = min(NEIGHBOUR_DIMENSIONS, features.shape[1] - 1, len(examples) - 1)
        svd = TruncatedSVD(n_components=dimensions, random_state=seed).fit(features)
        components = svd.components_.astype(np.float16).astype(np.float64)
        projected = np.asarray(features @ components.T)
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        vectors = (projected / np.where(norms > 0, norms, 1.0)).astype(np.float16).astype(np.float64)
        neighbours = Neighbours(components, vectors, categories, urgent)
    return Pipeline(recipe, space, category, urgency, neighbours)
