"""The fitted model in memory: features, a category classifier, an urgency classifier, and neighbours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
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


def fit(examples: Sequence[Example], recipe: Recipe, seed: int, with_neighbours: bool = False) -> Pipeline:
    """Fit features and both classifiers on the examples (deterministic for a given seed)."""
    mentions = [m for m, _ in examples]
    categories, urgent = targets(examples)
    space = FeatureSpace.fit(mentions, recipe)
    features = space.transform(mentions)
    category = LogisticRegression(C=recipe.category_c, max_iter=MAX_ITER, random_state=seed)
    # joint classes: category index, plus len(CATEGORIES) when urgent, so one softmax also weighs urgency
    category.fit(features, categories + len(CATEGORIES) * urgent if recipe.joint else categories)
    urgency = LogisticRegression(
        C=recipe.urgency_c,
        max_iter=MAX_ITER,
        random_state=seed,
        class_weight="balanced" if recipe.urgency_balanced else None,
    )
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
