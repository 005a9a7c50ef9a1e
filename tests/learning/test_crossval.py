"""Cross-validation figures: the band is chosen on the other folds, and a subset is scored on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from bot.core.models import Author, Mention
from bot.core.triage.evaluation import Labels
from bot.learning.crossval import OutOfFold, figures
from bot.learning.examples import Example
from bot.learning.pipeline import CATEGORIES


def _example(n: int, category: str, urgent: bool) -> Example:
    mention = Mention(id=str(n), text="x", author=Author(id="1"), created_at=datetime(2026, 11, 29, tzinfo=UTC))
    return mention, Labels(category, urgent, category != "chatter", "control_room" if urgent else "desk")


def _run(urgency: list[float], fold: list[int], said: list[str]) -> OutOfFold:
    categories = np.zeros((len(said), len(CATEGORIES)))
    for row, name in enumerate(said):
        categories[row, [c.value for c in CATEGORIES].index(name)] = 1.0
    return OutOfFold(categories, np.array(urgency), np.array(fold))


# Two folds; each fold's band threshold is the lowest urgent probability in the other fold (recall 0.98 of 2).
EXAMPLES = [
    _example(0, "emergency", True),
    _example(1, "emergency", True),
    _example(2, "chatter", False),
    _example(3, "emergency", True),
    _example(4, "emergency", True),
    _example(5, "chatter", False),
]
RUN = _run(
    urgency=[0.9, 0.4, 0.35, 0.8, 0.3, 0.1],
    fold=[0, 0, 0, 1, 1, 1],
    said=["emergency", "emergency", "emergency", "emergency", "chatter", "chatter"],
)


def test_the_band_of_each_fold_comes_from_the_other_folds() -> None:
    scored = figures(RUN, EXAMPLES)
    # fold 0 takes 0.3 from fold 1: all three of its mentions are in the band; fold 1 takes 0.4: only 0.8 is
    assert scored["band_recall"] == 3 / 4
    assert scored["band_precision"] == 3 / 4
    assert scored["category_accuracy"] == 4 / 6


def test_a_subset_is_scored_alone_with_the_whole_sets_thresholds() -> None:
    second_fold = np.array([False, False, False, True, True, True])
    scored = figures(RUN, EXAMPLES, second_fold)
    assert scored["band_recall"] == 1 / 2
    assert scored["band_precision"] == 1.0
    assert scored["category_accuracy"] == 2 / 3
    assert scored["false_cards_per_1000_not_urgent"] == 0.0
    assert figures(RUN, EXAMPLES, np.ones(6, dtype=bool)) == figures(RUN, EXAMPLES)
