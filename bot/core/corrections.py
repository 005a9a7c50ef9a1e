"""The desk teaches the model: every correction made on a card is a labelled example.

A correction holds labels and the model's own numbers, never the post's text: the text stays in the mention
record, under the mention retention rules, so a correction outlives the text only as labels and features.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict

from bot.core.models import Category, Platform, TriageDecision, platform_of
from bot.core.tracking import TrackedMention
from bot.core.triage.evaluation import Labels


class Label(StrEnum):
    """Which of a mention's four labels a correction changes."""

    CATEGORY = "category"
    URGENT = "urgent"
    NEEDS_REPLY = "needs_reply"
    ROUTE = "route"


class Correction(BaseModel):
    """One label a person set on a card, beside what the model had said."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # a rollback reads newer records

    tweet_id: str
    at: datetime
    actor: str
    label: Label
    model: str  # the label as triage gave it ("possible" for urgency inside the safety band)
    desk: str  # the label as the person set it
    model_category: Category
    urgency: float | None = None


class CorrectionLog(Protocol):
    """Where corrections are kept (labels only) for retraining and the agreement report."""

    def record(self, correction: Correction) -> None: ...

    def between(self, start: datetime, end: datetime | None = None) -> list[Correction]: ...


def urgency_label(decision: TriageDecision) -> str:
    """Say what triage said of urgency: "true", "possible" (the safety band) or "false"."""
    if decision.possible:
        return "possible"
    return "true" if decision.urgent else "false"


def correction(before: TrackedMention, label: Label, desk: str, actor: str, at: datetime) -> Correction | None:
    """Build the correction a person made, or None when they only agreed with a sure decision."""
    decision = before.decision
    model = {
        Label.CATEGORY: decision.category.value,
        Label.URGENT: urgency_label(decision),
        Label.NEEDS_REPLY: str(decision.needs_reply).lower(),
        Label.ROUTE: decision.route,
    }[label]
    if model == desk:
        return None
    return Correction(
        tweet_id=before.mention.id,
        at=at,
        actor=actor,
        label=label,
        model=model,
        desk=desk,
        model_category=decision.category,
        urgency=decision.urgency,
    )


def corrected_labels(decision: TriageDecision, corrections: Iterable[Correction]) -> Labels:
    """Return a mention's labels as the desk left them: the decision, with each correction applied in order."""
    values: dict[Label, str] = {
        Label.CATEGORY: decision.category.value,
        Label.URGENT: str(decision.urgent).lower(),
        Label.NEEDS_REPLY: str(decision.needs_reply).lower(),
        Label.ROUTE: decision.route,
    }
    for fix in sorted(corrections, key=lambda c: c.at):
        values[fix.label] = fix.desk
    return Labels(
        category=values[Label.CATEGORY],
        urgent=values[Label.URGENT] == "true",
        needs_reply=values[Label.NEEDS_REPLY] == "true",
        route=values[Label.ROUTE],
    )


class PlatformAgreement(NamedTuple):
    """One platform's share of a period: its decisions, the mentions the desk corrected, and its urgent recall."""

    decided: int
    corrected: int
    urgent_kept: int  # urgent (or band) decisions on this platform the desk did not turn down
    urgent_missed: int

    @property
    def rate(self) -> float | None:
        return 1 - self.corrected / self.decided if self.decided else None

    @property
    def urgent_recall(self) -> float | None:
        found = self.urgent_kept + self.urgent_missed
        return self.urgent_kept / found if found else None


@dataclass(frozen=True)
class Agreement:
    """How often the desk agreed with triage over a period, by category, and urgent recall as the desk judged."""

    decided: int
    corrected: int
    by_category: dict[str, tuple[int, int]]  # category the model gave -> (decided, corrected)
    urgent_kept: int  # urgent (or band) decisions the desk did not turn down
    urgent_missed: int  # mentions the desk made urgent that triage had not
    by_platform: dict[Platform, PlatformAgreement] = field(default_factory=dict)  # empty unless counts were given

    @property
    def rate(self) -> float:
        return 1 - self.corrected / self.decided if self.decided else 1.0

    @property
    def urgent_recall(self) -> float | None:
        found = self.urgent_kept + self.urgent_missed
        return self.urgent_kept / found if found else None


def agreement(
    decided: Counter[str],
    urgent_decided: int,
    corrections: Iterable[Correction],
    platforms: Mapping[Platform, int] | None = None,
    urgent_platforms: Mapping[Platform, int] | None = None,
) -> Agreement:
    """Compare triage's decisions (counts by category, and how many were urgent) with the desk's corrections.

    Given the decisions per platform (and the urgent ones among them), it splits the comparison by platform too: a
    correction's platform is read from its mention's id (`platform_of`), so corrections stored before Meta came in
    count as X, as they were.
    """
    fixes = list(corrections)
    corrected_ids: dict[str, str] = {}
    for fix in fixes:
        corrected_ids.setdefault(fix.tweet_id, fix.model_category.value)
    wrong = Counter(corrected_ids.values())
    turned_down = {f.tweet_id for f in fixes if f.label is Label.URGENT and f.desk == "false"}
    missed = {f.tweet_id for f in fixes if f.label is Label.URGENT and f.desk == "true" and f.model == "false"}
    return Agreement(
        decided=sum(decided.values()),
        corrected=len(corrected_ids),
        by_category={c.value: (decided.get(c.value, 0), wrong.get(c.value, 0)) for c in Category},
        urgent_kept=max(urgent_decided - len(turned_down), 0),
        urgent_missed=len(missed),
        by_platform={}
        if platforms is None
        else _by_platform(platforms, urgent_platforms or {}, set(corrected_ids), turned_down, missed),
    )


def _by_platform(
    decided: Mapping[Platform, int],
    urgent_decided: Mapping[Platform, int],
    corrected: set[str],
    turned_down: set[str],
    missed: set[str],
) -> dict[Platform, PlatformAgreement]:
    wrong = Counter(platform_of(i) for i in corrected)
    down = Counter(platform_of(i) for i in turned_down)
    overlooked = Counter(platform_of(i) for i in missed)
    return {
        p: PlatformAgreement(decided.get(p, 0), wrong[p], max(urgent_decided.get(p, 0) - down[p], 0), overlooked[p])
        for p in Platform
    }
