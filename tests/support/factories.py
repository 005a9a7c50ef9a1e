"""Build realistic domain records for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.models import Author, Category, Mention, TriageDecision
from bot.core.tracking import TrackedMention

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def mention(
    tweet_id: str = "2122000000000000001",
    text: str = "@MPNorthtown bike stolen from Canal St",
    created_at: datetime = T0,
    conversation_id: str = "",
    username: str = "nina_rowe",
) -> Mention:
    return Mention(
        id=tweet_id,
        text=text,
        author=Author(id="491016643", username=username, name="Nina Rowe"),
        created_at=created_at,
        conversation_id=conversation_id or tweet_id,
        mentioned=("MPNorthtown",),
    )


def decision(
    category: Category = Category.CRIME_REPORT, urgent: bool = False, needs_reply: bool = True, route: str = "northtown"
) -> TriageDecision:
    return TriageDecision(
        category=category, urgent=urgent, needs_reply=needs_reply, route=route, reasons=("mentions @MPNorthtown",)
    )


def tracked(tweet_id: str = "2122000000000000001", sla_minutes: int | None = 60, **changes: object) -> TrackedMention:
    m = mention(tweet_id)
    d = decision()
    record = TrackedMention(
        mention=m,
        decision=d,
        team="northtown",
        route=d.route,
        received_at=m.created_at,
        sla_due=m.created_at + timedelta(minutes=sla_minutes) if sla_minutes is not None else None,
    )
    return record.model_copy(update=changes)
