"""A mention's life on the desk: who has it, what happened to it, and which Slack cards show it."""

from __future__ import annotations

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


class CardRef(BaseModel):
    """Where one Slack message showing this mention lives."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    channel: str
    ts: str
    role: str = "team"  # team | control_room | desk


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
