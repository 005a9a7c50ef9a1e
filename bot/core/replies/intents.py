"""A reply on its way to X, Facebook or Instagram: the intent recorded before any call, so it is sent once.

One intent per mention at a time. It is written (with its outbox entry, in one transaction) before the platform
is called; `attempted` is set before each call, so after a crash or a reset the sender first looks for the reply
there (the account's recent posts on X, the comment's replies on Meta).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.core.models import Platform, platform_of
from bot.core.tracking import MentionState, TrackedMention


class IntentState(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # the desk must approve it first
    QUEUED = "queued"  # in the outbox, to be sent
    SENT = "sent"  # X accepted it: `post_id` is the reply
    REFUSED = "refused"  # X refused it for good: `error` is X's reason
    REJECTED = "rejected"  # an approver turned it down

    @property
    def live(self) -> bool:
        """Tell whether the intent still holds the mention (a second reply must wait for it)."""
        return self in (IntentState.AWAITING_APPROVAL, IntentState.QUEUED)


class ReplyIntent(BaseModel):
    """What to post, as which account, for whom; and how it went."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    tweet_id: str  # the mention's desk id (`fb-…`/`ig-…` on Meta)
    account: str  # handle of the sending desk account (on Meta, the page's or account's name)
    account_id: str  # X user id, or the page's or Instagram account's Graph id
    text: str
    by: str  # Slack user who wrote it
    channel: str  # where they wrote it from, to tell them privately how it went
    created_at: datetime
    state: IntentState = IntentState.QUEUED
    flags: tuple[str, ...] = ()  # names of the disclosure concerns it raised (for the audit, never the words)
    approved_by: str = ""
    approval_channel: str = ""
    approval_ts: str = ""
    attempted: bool = False  # a call to X was started: reconcile before calling again
    delay_told: bool = False  # the writer was told the reply is delayed
    post_id: str = ""
    error: str = ""
    version: int = 0

    @property
    def platform(self) -> Platform:
        return platform_of(self.tweet_id)

    @property
    def sender(self) -> str:
        """The sending account as people see it: `@handle` on X, the page's name on Meta."""
        return f"@{self.account}" if self.platform is Platform.X else self.account


_HANDLE = re.compile(r"@\w{1,15}")


def audit_text(text: str) -> str:
    """The reply as the audit stream keeps it (400 days): the force's words, without the public's @handles."""
    return _HANDLE.sub("@…", text)


def fingerprint(account: str, text: str) -> str:
    """Name a draft (account and text) so "send anyway" confirms exactly the draft that was flagged."""
    return hashlib.sha256(f"{account.casefold()}\n{text}".encode()).hexdigest()[:16]


def replied_from_slack(tracked: TrackedMention, intent: ReplyIntent, at: datetime) -> TrackedMention:
    """Record the reply on the mention: replied (when still open), by whom, from which account, what it said."""
    update: dict[str, object] = {"reply_text": intent.text, "reply_post_id": intent.post_id}
    if tracked.is_open:
        update |= {
            "state": MentionState.REPLIED,
            "replied_by": intent.account,
            "handled_by": intent.by,
            "replied_at": at,
            "claimed_by": "",
            "claim_until": None,
        }
    return tracked.model_copy(update=update)
