"""The scikit-learn-backed `TriageModel`: rebuilt from an artefact's stored parameters, never unpickled."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.core.models import Mention
from bot.core.triage.model import ModelOpinion, Neighbour, SafetyBand
from bot.learning import artefact
from bot.learning.features import FEATURE_VERSION, FeatureSpace, Recipe
from bot.learning.pipeline import CATEGORIES, Member, Neighbours, Pipeline

NEIGHBOURS = 3


def _classifier(stored: dict[str, Any]) -> LogisticRegression:
    model = LogisticRegression()
    model.classes_ = np.asarray(stored["classes"])
    model.coef_ = artefact.unpack(stored["coef"])
    model.intercept_ = artefact.unpack(stored["intercept"])
    return model


def _stored_classifier(model: LogisticRegression) -> dict[str, Any]:
    return {
        "classes": [int(c) for c in model.classes_],
        "coef": artefact.pack(model.coef_, "f4"),
        "intercept": artefact.pack(model.intercept_, "f4"),
    }


def pipeline_body(pipeline: Pipeline) -> dict[str, Any]:
    """Return the pipeline's parameters as JSON-ready data: terms, idf weights, coefficients, neighbour vectors."""
    if pipeline.neighbours is None:
        raise ValueError("an artefact needs a pipeline fitted with neighbours")
    n = pipeline.neighbours
    return {
        "recipe": pipeline.recipe.as_dict(),
        "features": {
            name: {"terms": terms, "idf": artefact.pack(idf, "f4")}
            for name, (terms, idf) in pipeline.features.state().items()
        },
        "members": [
            {
                "kind": m.kind,
                "category_model": _stored_classifier(m.category),
                "urgency_model": _stored_classifier(m.urgency),
            }
            for m in pipeline.members
        ],
        "neighbours": {
            "components": artefact.pack(n.components, "f2"),
            "vectors": artefact.pack(n.vectors, "f2"),
            "categories": [int(c) for c in n.categories],
            "urgent": [bool(u) for u in n.urgent],
        },
    }


def pipeline_from_body(body: dict[str, Any]) -> Pipeline:
    """Rebuild the fitted pipeline from an artefact body."""
    recipe = Recipe.from_dict(body["recipe"])
    state = {name: (list(f["terms"]), artefact.unpack(f["idf"])) for name, f in body["features"].items()}
    stored = body["neighbours"]
    neighbours = Neighbours(
        components=artefact.unpack(stored["components"]).astype(np.float32),  # float16 on disk: half the memory
        vectors=artefact.unpack(stored["vectors"]).astype(np.float32),
        categories=np.asarray(stored["categories"], dtype=int),
        urgent=np.asarray(stored["urgent"], dtype=bool),
    )
    return Pipeline(
        recipe,
        FeatureSpace.rebuild(recipe, state),
        tuple(
            Member(str(m["kind"]), _classifier(m["category_model"]), _classifier(m["urgency_model"]))
            for m in body["members"]
        ),
        neighbours,
    )


class SklearnTriageModel:
    """Category and urgency probabilities from an ensemble of linear models over character and word n-grams."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self._pipeline = pipeline_from_body(body)
        self._band = SafetyBand(lower=float(body["band"]["lower"]), upper=float(body["band"]["upper"]))
        self._languages = frozenset(str(lang) for lang in body["languages"])

    @property
    def band(self) -> SafetyBand:
        return self._band

    @property
    def languages(self) -> frozenset[str]:
        """Languages (ISO 639-1) the model was trained on, so it may decide them by meaning."""
        return self._languages

    @property
    def training_sha256(self) -> str:
        return str(self.body["training"]["sha256"])

    def opinions(self, mentions: Sequence[Mention]) -> list[ModelOpinion]:
        """Return the model's opinion of each mention, in order, with its nearest training examples' labels."""
        if not mentions:
            return []
        counts = self._pipeline.features.count(mentions)
        categories, urgency = self._pipeline.predict_counts(counts)
        near = self._pipeline.neighbours
        assert near is not None  # rebuilt from an artefact, which always carries them
        order, similarity = near.nearest(counts.presence, NEIGHBOURS)
        return [
            ModelOpinion(
                categories={c: float(p) for c, p in zip(CATEGORIES, row, strict=True)},
                urgency=float(u),
                neighbours=tuple(
                    Neighbour(CATEGORIES[near.categories[i]], bool(near.urgent[i]), round(float(s), 3))
                    for i, s in zip(ids, sims, strict=True)
                ),
            )
            for row, u, ids, sims in zip(categories, urgency, order, similarity, strict=True)
        ]


def load_model(path: Path | None = None) -> SklearnTriageModel:
    """Load the trained model (the packaged one by default); raise ModelArtefactError naming the fix."""
    where = path or artefact.DEFAULT_ARTEFACT
    body = artefact.read(where)
    try:
        return SklearnTriageModel(body)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise artefact.ModelArtefactError(
            f"triage model {where} does not fit features {FEATURE_VERSION!r} ({exc}): {artefact.RETRAIN}"
        ) from None
