"""A reply on its way to X: the intent recorded before any call, so it is sent once whatever crashes.

One intent per mention at a time. It is written (with its outbox entry, in one transaction) before X is called;
`attempted` is set before each call, so after a crash or a reset the sender first looks for the reply on X.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

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
    tweet_id: str
    account: str  # handle of the sending desk account
    account_id: str
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

    def post_url(self) -> str:
        return f"https://x.com/{self.account}/status/{self.post_id}" if self.post_id else ""


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
