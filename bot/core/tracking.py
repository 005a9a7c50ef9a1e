"""A mention's life on the desk: who has it, what happened to it, and which Slack cards show it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.core.models import Mention, TriageDecision

SCHEMA = 1  # shape of the stored record; `commsdesk migrate` brings older records up to it


class MentionState(StrEnum):
    OPEN = "open"  # needs a reply (or, for no-reply mentions, simply shown)
    REPLIED = "replied"  # a force account replied, or someone marked it replied
    CLOSED = "closed"  # no reply needed
    REDACTED = "redacted"  # deleted on X or past retention: text removed


class CardRole(StrEnum):
    """What a Slack message that shows a mention is, so each is redrawn and redacted the right way."""

    TEAM = "team"  # the actionable card in the owning team's channel
    DESK = "desk"  # the actionable card in the desk channel
    CONTROL_ROOM = "control_room"  # the actionable card in the control room
    ESCALATION = "escalation"  # an SLA notice to the desk pointing at the card
    REALERT = "realert"  # an urgent re-alert, a broadcast reply in the card's thread
    SUMMARY = "summary"  # one line of a surge summary listing many mentions
    DIGEST = "digest"  # one backlog line of a morning digest

    @property
    def is_card(self) -> bool:
        """Tell whether this is the mention's actionable card (redrawn on every change)."""
        return self in (CardRole.TEAM, CardRole.DESK, CardRole.CONTROL_ROOM)

    @property
    def is_line(self) -> bool:
        """Tell whether the mention is one line of a message listing many (only that line changes)."""
        return self in (CardRole.SUMMARY, CardRole.DIGEST)


class CardRef(BaseModel):
    """Where one Slack message showing this mention lives, and what that message is."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    channel: str
    ts: str
    role: CardRole = CardRole.TEAM


class TrackedMention(BaseModel):
    """The stored record of a mention; `version` makes every change a compare-and-set.

    Unknown fields (from a newer release, read after a rollback) are dropped, never an error; a record written
    before `schema_version` existed is schema 1.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    mention: Mention
    decision: TriageDecision
    team: str  # owning team key (or "desk") for digests, whatever the route
    route: str  # where its card lives now: team key, desk or control_room
    received_at: datetime
    sla_due: datetime | None = None  # None when no reply is needed
    state: MentionState = MentionState.OPEN
    claimed_by: str = ""
    claim_until: datetime | None = None
    handled_by: str = ""  # Slack user who marked replied / no reply
    replied_by: str = ""  # force account handle that replied on X
    replied_at: datetime | None = None
    reply_text: str = ""  # what the desk replied from Slack (kept under the mention's retention)
    reply_post_id: str = ""  # the reply's id on X
    escalated_by: str = ""
    out_of_hours: bool = False  # arrived outside the desk's staffed hours
    reminded: bool = False  # SLA reminder already sent
    cards: tuple[CardRef, ...] = ()
    version: int = 0
    schema_version: int = SCHEMA

    def claimant(self, now: datetime) -> str:
        """Return who holds a live claim now, or ''."""
        if self.claimed_by and self.claim_until is not None and self.claim_until > now:
            return self.claimed_by
        return ""

    @property
    def is_open(self) -> bool:
        return self.state is MentionState.OPEN

    @property
    def response_time(self) -> timedelta | None:
        if self.replied_at is None:
            return None
        return self.replied_at - self.mention.created_at


def replied_on_x(tracked: TrackedMention, handle: str, at: datetime) -> TrackedMention:
    """Mark a mention answered by a force account's reply on X; an already closed one is left as it is."""
    if not tracked.is_open:
        return tracked
    return tracked.model_copy(update={"state": MentionState.REPLIED, "replied_by": handle, "replied_at": at})


def with_card(tracked: TrackedMention, card: CardRef) -> TrackedMention:
    """Remember one more message that shows the mention (once), so later changes reach it."""
    return tracked if card in tracked.cards else tracked.model_copy(update={"cards": (*tracked.cards, card)})


Change = Callable[[TrackedMention], TrackedMention]  # a pure edit of a record, applied under compare-and-set
