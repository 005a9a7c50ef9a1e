"""Cross-validation figures: the band is chosen on the other folds, and a subset is scored on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from bot.core.models import Author, Mention
from bot.core.triage.evaluation import Labels
from bot.learning.crossval import OutOfFold, choose_band, figures, recall_groups
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


def test_a_source_with_enough_urgent_examples_is_held_to_the_target_on_its_own() -> None:
    urgent = np.array([True] * 200 + [True] * 100 + [True] * 99 + [False] * 50)
    sources = ["written"] * 200 + ["independent"] * 100 + ["small"] * 99 + ["written"] * 50
    groups = recall_groups(sources, urgent)
    assert list(groups) == ["all", "independent", "written"]
    assert int(groups["independent"].sum()) == 100 and int(groups["written"].sum()) == 250
    assert list(recall_groups(None, urgent)) == ["all"]
    assert list(recall_groups(["one"] * urgent.size, urgent)) == ["all"]


def test_the_band_is_low_enough_for_the_hardest_source() -> None:
    # 100 urgent examples the model finds easy (0.9) and 100 it finds hard (0.2 to 0.3): together, 98% recall
    # needs only 0.204; held on the hard source alone it needs its own third-lowest score, 0.202
    easy, hard = np.full(100, 0.9), np.linspace(0.2, 0.3, 100)
    urgency, urgent = np.concatenate([easy, hard]), np.ones(200, dtype=bool)
    run = OutOfFold(np.zeros((200, len(CATEGORIES))), urgency, np.zeros(200, dtype=int))
    pooled = choose_band([run], urgent)
    held = choose_band([run], urgent, list(recall_groups(["easy"] * 100 + ["hard"] * 100, urgent).values()))
    assert pooled.lower == round(float(np.sort(urgency)[4]), 4)
    assert held.lower == round(float(hard[2]), 4) < pooled.lower
