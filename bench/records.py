"""Tracked mentions for the benches to seed: a Northtown crime report needing a reply, as triage would record it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.models import Author, Category, Mention, TriageDecision
from bot.core.tracking import CardRef, TrackedMention


def tracked(tweet_id: str, received: datetime, cards: Sequence[CardRef] = ()) -> TrackedMention:
    """A mention received at `received`, its reply due an hour later, shown on `cards`."""
    mention = Mention(
        id=tweet_id,
        text=f"@MPNorthtown my bike was stolen from Canal St {tweet_id}",
        author=Author(id="491016643", username="nina_rowe", name="Nina Rowe"),
        created_at=received,
        conversation_id=tweet_id,
        mentioned=("MPNorthtown",),
    )
    decision = TriageDecision(category=Category.CRIME_REPORT, urgent=False, needs_reply=True, route="northtown")
    return TrackedMention(
        mention=mention,
        decision=decision,
        team="northtown",
        route="northtown",
        received_at=received,
        sla_due=received + timedelta(hours=1),
        cards=tuple(cards),
    )
