"""What the learned triage model says about a mention, and the safety band that turns urgency into routing.

Pure: the model itself is built by an adapter (bot/learning) and handed in; the core only reads its opinion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Protocol

from bot.core.models import Category, Mention

TIE_BREAK = tuple(Category)  # max() keeps the first of equals, so ties go to the guide's order


class Urgency(StrEnum):
    """Where a mention's urgency probability falls against the safety band."""

    URGENT = "urgent"  # above the upper threshold: control room, 999 guidance
    POSSIBLE = "possible"  # inside the band: control room too, marked unsure, for a person to confirm
    NOT_URGENT = "not_urgent"


@dataclass(frozen=True)
class SafetyBand:
    """Urgency thresholds chosen by cross-validation on the training set (docs/triage.md)."""

    lower: float
    upper: float

    def place(self, urgency: float) -> Urgency:
        """Say whether a probability is urgent, possibly urgent, or not."""
        if urgency >= self.upper:
            return Urgency.URGENT
        return Urgency.POSSIBLE if urgency >= self.lower else Urgency.NOT_URGENT


@dataclass(frozen=True)
class Neighbour:
    """A training example close to the mention: its labels explain the model's opinion."""

    category: Category
    urgent: bool
    similarity: float


@dataclass(frozen=True)
class ModelOpinion:
    """The model's probabilities for one mention."""

    categories: Mapping[Category, float]  # sums to 1
    urgency: float  # probability that the mention is urgent
    neighbours: tuple[Neighbour, ...] = ()

    @cached_property
    def category(self) -> Category:
        """Return the most probable category (ties go to the guide's tie-break order)."""
        return max(TIE_BREAK, key=lambda c: self.categories.get(c, 0.0))

    @property
    def confidence(self) -> float:
        return self.categories.get(self.category, 0.0)


class TriageModel(Protocol):
    """A trained classifier: category and urgency probabilities for mentions, in order.

    It sees the whole Mention (text, reply context, language), never the desk config: routing stays in rules.
    """

    @property
    def band(self) -> SafetyBand: ...

    @property
    def languages(self) -> frozenset[str]:
        """Languages (ISO 639-1) the model was trained on, so it may decide them by meaning."""
        ...

    def opinions(self, mentions: Sequence[Mention]) -> list[ModelOpinion]: ...
