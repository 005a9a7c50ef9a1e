"""Ports: what the use cases need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.models import Mention, OwnPost


@dataclass(frozen=True)
class MentionBatch:
    """New mentions from one fetch, oldest first, with what the fetch cost and whether it fell short."""

    mentions: Sequence[Mention]
    newest_id: str | None  # cursor to store; None when nothing new arrived
    posts_read: int  # billable posts read (drives the monthly budget)
    gap: bool = False  # more arrived than X would return: some mentions may be lost
    errors: Sequence[str] = field(default_factory=tuple)  # `errors[]` items X reported in a 200


class MentionSource(Protocol):
    """Where mentions of the desk's accounts come from (X API v2)."""

    def mentions_of(self, account_id: str, since_id: str | None) -> MentionBatch: ...

    def search_mentions(self, handles: Sequence[str], since_id: str | None) -> MentionBatch: ...


class OwnPostSource(Protocol):
    """The desk accounts' own posts, for reply detection and engagement metrics."""

    def own_posts(self, account_id: str, since_id: str | None) -> tuple[Sequence[OwnPost], str | None, int]: ...

    def existing(self, tweet_ids: Sequence[str]) -> set[str]: ...


class Membership(Protocol):
    """Who is in a Slack channel or user group; None means Slack could not say, which callers treat as no."""

    def in_channel(self, channel: str, user: str) -> bool | None: ...

    def in_group(self, group: str, user: str) -> bool | None: ...


class Audit(Protocol):
    """Record who did what to which subject, with details: the audit stream (AuditLog.record)."""

    def __call__(self, actor: str, action: str, subject: str, **detail: str) -> object: ...
