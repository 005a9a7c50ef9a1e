"""What a person can do to a relayed mention, as pure transitions that refuse with a message for the clicker.

Each function takes the stored record and returns the changed one, or raises `Conflict` (the mention is not in a
state that allows it, or someone got there first) or `Forbidden` (this person may not do it). Callers apply them
through the store's compare-and-set `update`, so two clicks never both win.

A live claim means hands off: while someone else holds one, nobody else may claim, close or reassign the mention.
Escalation to the control room is always allowed, because safety comes before tidiness.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.errors import Conflict, Forbidden
from bot.core.models import CONTROL_ROOM, SLACK_USER, Category
from bot.core.tracking import MentionState, TrackedMention


class Move(StrEnum):
    """The things a person can do to a mention card."""

    CLAIM = "claim"
    RELEASE = "release"
    MARK_REPLIED = "mark_replied"
    NO_REPLY_NEEDED = "no_reply_needed"
    REOPEN = "reopen"
    REASSIGN = "reassign"
    ESCALATE = "escalate"
    CONFIRM_URGENT = "confirm_urgent"
    NOT_URGENT = "not_urgent"
    RECATEGORISE = "recategorise"


def who(user_id: str) -> str:
    """Name a Slack user in a message: a mention for a real user id, otherwise a neutral word."""
    return f"<@{user_id}>" if SLACK_USER.match(user_id) else "someone else"


def claim(tracked: TrackedMention, actor: str, now: datetime, expiry: timedelta) -> TrackedMention:
    """Take the mention for `expiry`; the holder clicking again extends it; an expired claim can be taken."""
    _require_open(tracked, "claim")
    _refuse_foreign_claim(tracked, actor, now, "Already claimed by {holder}.")
    return tracked.model_copy(update={"claimed_by": actor, "claim_until": now + expiry})


def release(tracked: TrackedMention, actor: str, now: datetime) -> TrackedMention:
    """Give the mention back to the team; only the person holding the claim may."""
    holder = tracked.claimant(now)
    if not holder:
        raise Conflict("Nobody holds a claim on this mention, so there is nothing to release.")
    if holder != actor:
        raise Forbidden(f"Only {who(holder)} can release their claim; it expires on its own if they step away.")
    return tracked.model_copy(update={"claimed_by": "", "claim_until": None})


def mark_replied(tracked: TrackedMention, actor: str, now: datetime) -> TrackedMention:
    """Record that the force has answered this person, so nobody answers them twice."""
    _require_open(tracked, "mark replied")
    _refuse_foreign_claim(tracked, actor, now, "{holder} has claimed this mention; leave the reply to them.")
    return tracked.model_copy(
        update={
            "state": MentionState.REPLIED,
            "handled_by": actor,
            "replied_at": tracked.replied_at or now,
            "claimed_by": "",
            "claim_until": None,
        }
    )


def no_reply_needed(tracked: TrackedMention, actor: str, now: datetime) -> TrackedMention:
    """Close the mention without a reply."""
    _require_open(tracked, "close")
    _refuse_foreign_claim(tracked, actor, now, "{holder} has claimed this mention; ask them before closing it.")
    return tracked.model_copy(
        update={"state": MentionState.CLOSED, "handled_by": actor, "claimed_by": "", "claim_until": None}
    )


def reopen(tracked: TrackedMention, actor: str, now: datetime) -> TrackedMention:
    """Put a replied or closed mention back in the queue, unclaimed and unhandled."""
    _refuse_redacted(tracked)
    if tracked.state is MentionState.OPEN:
        raise Conflict("This mention is already open.")
    return tracked.model_copy(
        update={
            "state": MentionState.OPEN,
            "handled_by": "",
            "replied_by": "",
            "replied_at": None,
            "claimed_by": "",
            "claim_until": None,
            "reminded": False,
        }
    )


def reassign(
    tracked: TrackedMention, actor: str, now: datetime, team: str, team_keys: Collection[str]
) -> TrackedMention:
    """Hand the mention to another team: its route and owning team change and any expired claim is dropped."""
    _refuse_redacted(tracked)
    if team not in team_keys:
        raise Conflict("That team is not on the desk any more; pick another.")
    if tracked.route == team:
        raise Conflict("This mention is already with that team.")
    _refuse_foreign_claim(tracked, actor, now, "{holder} has claimed this mention; ask them before passing it on.")
    return tracked.model_copy(update={"team": team, "route": team, "claimed_by": "", "claim_until": None})


def escalate(tracked: TrackedMention, actor: str, now: datetime) -> TrackedMention:
    """Send the mention to the control room once."""
    _refuse_redacted(tracked)
    if tracked.escalated_by:
        raise Conflict(f"Already escalated to the control room by {who(tracked.escalated_by)}.")
    if tracked.route == CONTROL_ROOM or any(card.role == CONTROL_ROOM for card in tracked.cards):
        raise Conflict("The control room already has this mention.")
    return tracked.model_copy(update={"escalated_by": actor})


def confirm_urgent(tracked: TrackedMention, actor: str, now: datetime) -> TrackedMention:
    """Settle a possible emergency as urgent: it stays with the control room, no longer marked unsure."""
    _refuse_redacted(tracked)
    if not tracked.decision.possible:
        raise Conflict("This mention is not marked as a possible emergency any more.")
    return tracked.model_copy(update={"decision": tracked.decision.model_copy(update={"possible": False})})


def not_urgent(
    tracked: TrackedMention, actor: str, now: datetime, team_keys: Collection[str], reply_sla: timedelta
) -> TrackedMention:
    """Turn an urgent or possible emergency down: it leaves the control room for its team with the reply SLA."""
    _refuse_redacted(tracked)
    decision = tracked.decision
    if not decision.urgent:
        raise Conflict("This mention is not urgent, so there is nothing to turn down.")
    route = decision.route_if_not_urgent or (tracked.team if tracked.team in team_keys else "desk")
    calm = decision.model_copy(update={"urgent": False, "possible": False, "route": route})
    due = tracked.mention.created_at + reply_sla if calm.needs_reply else None
    return tracked.model_copy(update={"decision": calm, "route": route, "sla_due": due, "reminded": False})


def recategorise(tracked: TrackedMention, actor: str, now: datetime, category: str) -> TrackedMention:
    """Put the mention in the category a person says it belongs to; routing and state stay as they are."""
    _refuse_redacted(tracked)
    try:
        chosen = Category(category)
    except ValueError:
        raise Conflict("That category is not one the desk uses; pick another.") from None
    if chosen is tracked.decision.category:
        raise Conflict("This mention is already in that category.")
    return tracked.model_copy(update={"decision": tracked.decision.model_copy(update={"category": chosen})})


def _require_open(tracked: TrackedMention, verb: str) -> None:
    _refuse_redacted(tracked)
    if tracked.state is MentionState.REPLIED:
        by = f" by {who(tracked.handled_by)}" if tracked.handled_by else ""
        raise Conflict(f"Already marked replied{by}; reopen it first if you need to {verb} it.")
    if tracked.state is MentionState.CLOSED:
        by = f" by {who(tracked.handled_by)}" if tracked.handled_by else ""
        raise Conflict(f"Already closed as needing no reply{by}; reopen it first if you need to {verb} it.")


def _refuse_redacted(tracked: TrackedMention) -> None:
    if tracked.state is MentionState.REDACTED:
        raise Conflict("This mention has been removed (deleted on X or past retention).")


def _refuse_foreign_claim(tracked: TrackedMention, actor: str, now: datetime, message: str) -> None:
    holder = tracked.claimant(now)
    if holder and holder != actor:
        raise Conflict(message.format(holder=who(holder)))
