"""Train the triage model reproducibly: cross-validate for the band and figures, then fit on every example."""

from __future__ import annotations

import platform
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from typing import Any

import numpy as np

from bot.core.models import Mention
from bot.learning import artefact
from bot.learning.crossval import choose_band, out_of_fold, recall_groups, summarise
from bot.learning.examples import Example, digest, languages
from bot.learning.features import FEATURE_VERSION, Recipe
from bot.learning.model import pipeline_body
from bot.learning.pipeline import fit, targets

SEED = 20261129
FOLDS = 5
REPEATS = 3


def ngram_fit_predict(recipe: Recipe, seed: int) -> Any:
    """Return a cross-validation trainer for the n-gram pipeline with these settings."""

    def fit_predict(train: Sequence[Example], test: Sequence[Mention]) -> tuple[np.ndarray, np.ndarray]:
        return fit(train, recipe, seed).predict(test)

    return fit_predict


def libraries() -> dict[str, str]:
    """Return the versions that shaped the artefact, so a rebuild can be compared like for like."""
    return {
        "python": platform.python_version(),
        **{name: version(name) for name in ("scikit-learn", "numpy", "scipy")},
    }


def train(
    examples: Iterable[Example],
    recipe: Recipe | None = None,
    seed: int = SEED,
    folds: int = FOLDS,
    repeats: int = REPEATS,
    sources: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return an artefact body trained on the examples; desk corrections are appended as extra examples.

    `sources` names where each example came from (its data folder, or the desk's corrections): the band keeps
    the target recall on each source with enough urgent examples as well as on all of them.
    """
    recipe = recipe or Recipe()
    chosen = list(examples)
    if sources is not None and len(sources) != len(chosen):
        raise ValueError(f"{len(sources)} sources for {len(chosen)} examples")
    runs = out_of_fold(chosen, ngram_fit_predict(recipe, seed), folds, repeats, seed)
    _, urgent = targets(chosen)
    groups = recall_groups(sources, urgent)
    band = choose_band(runs, urgent, list(groups.values()))
    return {
        "format": artefact.FORMAT,
        "feature_version": FEATURE_VERSION,
        "training": {"examples": len(chosen), "sha256": digest(chosen), "seed": seed},
        "libraries": libraries(),
        "band": {"lower": band.lower, "upper": band.upper},
        "languages": sorted(languages(chosen)),
        "cross_validation": {
            "folds": folds,
            "repeats": repeats,
            "recall_held_on": list(groups),
            "figures": summarise(runs, chosen, groups=list(groups.values())),
        },
        **pipeline_body(fit(chosen, recipe, seed, with_neighbours=True)),
    }
