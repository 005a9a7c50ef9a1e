"""Data-subject rights over what the desk holds about one author: find it all, or erase it everywhere.

An X or Instagram author is named by username (case-insensitive). A Facebook commenter has no username, only a
name and a page-scoped id (one id per page they commented on), so they are named by those ids, or found by their
exact display name, which two people can share: the export lists each commenter found with their page.

Held about an author: the mention records they wrote (text, name, location,
triage reasons), where those mentions' Slack cards are, audit entries about those mentions, triage
corrections naming them, and outbox or dead-letter entries still carrying a card for them. Erasure redacts
each record as the retention sweep does (`bot.jobs.retention.redacted`), redraws its cards as the redacted card,
drops its dead letters, and audits each erasure by post id only, so the audit trail keeps no content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.slack_cards import SlackCardPublisher
from bot.adapters.store import AuditLog
from bot.adapters.subject_records import RedisSubjectRecords
from bot.core.errors import NotFound, UpstreamError
from bot.core.models import Mention, Platform
from bot.core.tracking import MentionState, TrackedMention
from bot.jobs.retention import redacted

ACTOR = "subject-rights"


@dataclass(frozen=True)
class Subject:
    """Whom a request is about: an X or Instagram username, or a Facebook commenter's page-scoped ids or exact name.

    Empty parts match nothing, so a blank request can never select the records of everyone without a username.
    """

    handle: str = ""
    facebook_ids: frozenset[str] = frozenset()
    facebook_name: str = ""

    def matches(self, mention: Mention) -> bool:
        author = mention.author
        if mention.platform is Platform.FACEBOOK:
            return author.id in self.facebook_ids or (bool(self.facebook_name) and author.name == self.facebook_name)
        wanted = normalise(self.handle)
        return bool(wanted) and author.username.casefold() == wanted

    def __str__(self) -> str:
        if self.facebook_ids:
            return f"Facebook commenter {', '.join(sorted(self.facebook_ids))}"
        if self.facebook_name:
            return f'Facebook commenter "{self.facebook_name}"'
        return "@" + self.handle.strip().lstrip("@")


@dataclass(frozen=True)
class Commenter:
    """One Facebook commenter found: their page-scoped id is theirs on that page only."""

    id: str
    name: str
    page_id: str
    page: str


@dataclass(frozen=True)
class Holdings:
    """Everything found about one author."""

    subject: Subject
    mentions: tuple[TrackedMention, ...]
    audit: tuple[dict[str, str], ...]
    corrections: tuple[dict[str, str], ...]
    queued: tuple[dict[str, str], ...]  # outbox and dead-letter entries carrying their cards
    replies: tuple[dict[str, Any], ...] = ()  # replies written from Slack to these mentions
    commenters: tuple[Commenter, ...] = ()  # the Facebook commenters among the authors, with their pages

    @property
    def ids(self) -> set[str]:
        return {t.mention.id for t in self.mentions}

    def export(self) -> dict[str, Any]:
        """The subject-access export: plain JSON, one section per store."""
        return {
            "handle": self.subject.handle.strip().lstrip("@"),  # kept for exports read before `subject` existed
            "subject": str(self.subject),
            "facebook_commenters": [vars(c) for c in self.commenters],
            "generated_at": datetime.now(UTC).isoformat(),
            "mentions": [t.model_dump(mode="json") for t in self.mentions],
            "slack_cards": [{"tweet_id": t.mention.id, **card.model_dump()} for t in self.mentions for card in t.cards],
            "audit": list(self.audit),
            "corrections": list(self.corrections),
            "queued_slack_posts": list(self.queued),
            "replies_from_slack": list(self.replies),
        }


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed."""

    redacted: int
    cards: int
    cards_failed: int  # mentions whose cards Slack would not redraw: run erase again
    dead_letters: int
    still_queued: int  # cards not yet posted: run erase again once the outbox has drained


def normalise(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


class SubjectRights:
    """Find and erase one author's data across Redis and Slack."""

    def __init__(
        self,
        records: RedisSubjectRecords,
        store: RedisMentionStore,
        cards: SlackCardPublisher,
        audit: AuditLog,
        pages: Mapping[str, str],
    ) -> None:
        self._records = records
        self._store = store
        self._cards = cards
        self._audit = audit
        self._pages = pages  # Facebook page id -> its name, to tell commenters of the same name apart

    def find(self, subject: Subject) -> Holdings:
        """Gather every record, audit entry, correction and queued post about `subject`'s mentions."""
        mentions = tuple(t for t in self._records.every_mention() if subject.matches(t.mention))
        ids = {t.mention.id for t in mentions}
        audit = tuple(e for e in self._audit.entries(count=10_000_000) if e.get("subject") in ids)
        corrections = tuple(self._records.corrections_naming(ids))
        queued = self._records.queued_naming(ids) + self._records.dead_letters_naming(ids)
        replies = tuple(self._records.replies_to(ids))
        commenters = {
            Commenter(m.author.id, m.author.name, m.account_id, self._pages.get(m.account_id, ""))
            for m in (t.mention for t in mentions)
            if m.platform is Platform.FACEBOOK
        }
        found = sorted(commenters, key=lambda c: (c.id, c.page_id))
        return Holdings(subject, mentions, audit, corrections, tuple(queued), replies, tuple(found))

    def erase(self, holdings: Holdings) -> Erasure:
        """Redact each record found, redraw its cards, drop its replies and dead letters; audit by post id only.

        Safe to repeat: a record already redacted is not audited again, but its cards are redrawn, so a run
        that Slack interrupted finishes on the next.
        """
        erased = cards = failed = 0
        for tracked in holdings.mentions:
            after = tracked
            if tracked.state is not MentionState.REDACTED:
                try:
                    after = self._store.update(tracked.mention.id, redacted)
                except NotFound:
                    continue  # passed retention meanwhile: nothing left to erase
                shown = str(len(after.cards))
                self._audit.record(ACTOR, "mention.erased", after.mention.id, reason="erasure request", cards=shown)
                erased += 1
            try:
                self._cards.refresh(after)
                cards += len(after.cards)
            except UpstreamError:
                failed += 1
        self._records.drop_replies([tracked.mention.id for tracked in holdings.mentions])
        dead = [e["id"] for e in self._records.dead_letters_naming(holdings.ids)]
        self._records.drop_dead_letters(dead)
        queued = len(self._records.queued_naming(holdings.ids))
        return Erasure(redacted=erased, cards=cards, cards_failed=failed, dead_letters=len(dead), still_queued=queued)
