"""A scripted stand-in for the trained triage model, so rules and the safety band are tested on their own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.models import Category, Mention
from bot.core.triage.model import ModelOpinion, SafetyBand

BAND = SafetyBand(lower=0.2, upper=0.6)


def opinion(category: Category = Category.CHATTER, urgency: float = 0.0, confidence: float = 0.9) -> ModelOpinion:
    """Build an opinion that puts `confidence` on `category` and spreads the rest evenly."""
    rest = (1 - confidence) / (len(Category) - 1)
    return ModelOpinion({c: confidence if c is category else rest for c in Category}, urgency)


@dataclass
class ScriptedModel:
    """Answer each mention by the first scripted phrase its text contains, else `default`."""

    script: Mapping[str, ModelOpinion] = field(default_factory=dict)
    default: ModelOpinion = field(default_factory=opinion)
    band: SafetyBand = BAND
    languages: frozenset[str] = frozenset({"en", "cy", "pl"})
    seen: list[int] = field(default_factory=list)  # batch sizes, to prove pages are read in one call

    def opinions(self, mentions: Sequence[Mention]) -> list[ModelOpinion]:
        self.seen.append(len(mentions))
        return [next((o for phrase, o in self.script.items() if phrase in m.text), self.default) for m in mentions]
