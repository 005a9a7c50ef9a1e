"""Retention and compliance: erase mention text that is past retention or deleted on X, and redact its cards.

Two leased worker jobs run these (see bot/worker.py):

- `check_deleted` (every `[x] compliance_every_hours`, default 12): X's developer terms ask that content deleted
  on X is removed within 24 hours. Only what is still shown with its text is checked: mentions awaiting a reply,
  mentions received within `[x] compliance_days` (default 2), and mentions the desk corrected (they are training
  examples while their text is held). Other closed mentions older than that lose their text instead
  (`mention.minimised` in the audit stream; cards redrawn without it), so nothing stored goes unchecked.
  The check asks X, 100 ids a request (`GET /2/tweets`), which of those still exist. Each one gone is redacted
  in Redis (text, author and triage reasons removed; id, category, team, route and times kept, so digests and
  cards stay consistent), leaves the open queue, has every Slack message that shows it redacted, and gets a
  `mention.redacted` audit entry without content. Runs at most 20 hours apart, and a failed run is retried
  within the hour (bot/worker.py), so a deletion is handled within 24 hours even after a failed run.
- `sweep` (daily): mention records already expire by TTL, but Slack still shows the text. The sweep redacts
  every message of each mention received before the retention cut-off (from the per-day card index, since the
  record may be gone), deletes anything left of it, writes `mention.expired` to the audit stream, drops the text
  of the accounts' own posts older than the cut-off (their counts and ids stay for the digest), and trims the
  indexes, the dead letters and the audit stream itself.

Every message that shows a mention is in its card index with its role: its cards and SLA notices become the
removal notice; a surge summary or digest that lists it among others keeps the others, its line reads "(removed)".

X budget: `GET /2/tweets` is charged per post returned (deleted ones cost nothing), counted by the source's
meter like every other read (bot/jobs/x_reads.py). A check costs about as many reads as the desk receives in
`compliance_days`, once per UTC day (X charges a post read twice in a day once), instead of a month's worth."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import DEAD_LETTER_DAYS
from bot.adapters.retention_index import RedisRetentionIndex
from bot.adapters.slack_cards import SlackCardPublisher
from bot.adapters.store import AuditLog
from bot.core.clock import utc_now
from bot.core.errors import NotFound
from bot.core.models import platform_of
from bot.core.tracking import CardRef, MentionState, TrackedMention
from bot.logs import get_logger
from config.desk import Desk

log = get_logger(__name__)
LOOKUP_BATCH = 100
SWEEP_BATCH = 500
ACTOR = "retention"


class TweetLookup(Protocol):
    """Which of these posts still exist on their platform (`bot.jobs.platform_lookup.PlatformLookup`)."""

    def existing(self, tweet_ids: Sequence[str]) -> set[str]: ...


@dataclass(frozen=True)
class ComplianceReport:
    checked: int  # mentions looked up on X
    redacted: int  # found deleted and redacted now
    cards_failed: int  # cards Slack would not redraw; retried next run
    reads: int  # posts X returned, added to the month's read count by the source's meter
    minimised: int = 0  # closed mentions past the compliance window whose text was removed now


@dataclass(frozen=True)
class SweepReport:
    expired: int  # mentions past retention erased now
    cards_redacted: int
    cards_failed: int  # their mentions are kept in the index and retried next sweep
    audit_trimmed: int
    own_posts_stripped: int = 0  # own posts whose text was dropped now
    dead_letters_trimmed: int = 0


def redacted(tracked: TrackedMention) -> TrackedMention:
    """Drop everything personal from a record: text, author, who it mentioned or replied to, and why it matched."""
    mention = tracked.mention.model_copy(
        update={
            "text": "",
            "author": tracked.mention.author.model_copy(update={"id": "", "username": "", "name": "", "location": ""}),
            "mentioned": (),
            "in_reply_to_user_id": "",
            "referenced": (),
        }
    )
    decision = tracked.decision.model_copy(update={"reasons": ()})
    gone = {"mention": mention, "decision": decision, "state": MentionState.REDACTED, "reply_text": ""}
    return tracked.model_copy(update=gone)


def _awaits_reply(tracked: TrackedMention) -> bool:
    """True while a mention is in the open queue: still needing a reply, so still shown and checked."""
    return tracked.is_open and tracked.sla_due is not None


@dataclass(frozen=True)
class RetentionStores:
    """The other stores the sweep trims: the audit stream, the desk's corrections, own posts and dead letters."""

    audit: AuditLog
    corrections: RedisCorrectionLog
    aggregates: RedisAggregates
    trim_dead_letters: Callable[[datetime], int]


class RetentionSweeper:
    """The compliance check and the retention sweep over the mention store, X and Slack."""

    def __init__(
        self,
        index: RedisRetentionIndex,
        store: RedisMentionStore,
        lookup: TweetLookup,
        cards: SlackCardPublisher,
        stores: RetentionStores,
        desk: Desk,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._index = index
        self._store = store
        self._lookup = lookup
        self._cards = cards
        self._audit = stores.audit
        self._corrections = stores.corrections
        self._aggregates = stores.aggregates
        self._trim_dead_letters = stores.trim_dead_letters
        self._desk = desk
        self._clock = clock

    @property
    def _retention(self) -> timedelta:
        return timedelta(days=self._desk.retention.mention_days)

    # -- compliance: deleted on X ----------------------------------------------------------------------

    def check_deleted(self) -> ComplianceReport:
        """Take the text off closed mentions past the window, then redact every shown mention X no longer has."""
        now = self._clock()
        window = now - timedelta(days=self._desk.x.compliance_days)
        corrected = {c.tweet_id for c in self._corrections.between(now - self._retention)}
        minimised, failed = self._minimise_closed(now - self._retention, window, corrected)
        shown = self._shown(window, corrected)
        checked = redacted_now = reads = 0
        for start in range(0, len(shown), LOOKUP_BATCH):
            received = dict(shown[start : start + LOOKUP_BATCH])
            records = {t.mention.id: t for t in self._store.get_many(list(received))}
            live = [i for i, t in records.items() if t.state is not MentionState.REDACTED]
            to_redraw = {i: t.cards for i, t in records.items() if i not in live and self._indexed(i, received)}
            if live:
                found = self._lookup.existing(live)
                checked += len(live)
                reads += len(found)
                for tweet_id in live:
                    if tweet_id not in found and (after := self._redact_deleted(tweet_id)) is not None:
                        redacted_now += 1
                        to_redraw[tweet_id] = after.cards
            for platform in {platform_of(i) for i in to_redraw}:
                same = {i: cards for i, cards in to_redraw.items() if platform_of(i) is platform}
                failed += self._redact_cards(same, received, f"deleted on {platform.label}")
        report = ComplianceReport(
            checked=checked, redacted=redacted_now, cards_failed=failed, reads=reads, minimised=minimised
        )
        log.info("compliance check done", **vars(report))
        return report

    def _shown(self, window: datetime, corrected: set[str]) -> list[tuple[str, float]]:
        """Ids and received times of what still holds text: awaiting a reply, recent, or corrected by the desk."""
        waiting = self._index.awaiting_reply() + sorted(corrected)
        chosen = dict(self._index.received(window.timestamp(), "+inf"))
        chosen.update(self._index.received_at([i for i in waiting if i not in chosen]))
        return sorted(chosen.items(), key=lambda item: item[1])

    def _minimise_closed(self, cutoff: datetime, window: datetime, corrected: set[str]) -> tuple[int, int]:
        """Redact mentions received between the retention cut-off and `window` that no longer await a reply.

        What is no longer shown need not be checked on X: its text goes instead, which keeps the deletion
        promise without re-reading a month of mentions. Return (mentions redacted now, cards Slack refused).
        """
        reason = f"closed and older than {self._desk.x.compliance_days} days"
        rows = self._index.received(cutoff.timestamp(), f"({window.timestamp()}")
        minimised = failed = 0
        for start in range(0, len(rows), SWEEP_BATCH):
            received = dict(rows[start : start + SWEEP_BATCH])
            to_redraw: dict[str, tuple[CardRef, ...]] = {}
            for tracked in self._store.get_many(list(received)):
                tweet_id = tracked.mention.id
                if tracked.state is MentionState.REDACTED:
                    if self._indexed(tweet_id, received):
                        to_redraw[tweet_id] = tracked.cards
                elif tweet_id in corrected or _awaits_reply(tracked):
                    continue
                elif (after := self._minimise(tweet_id, reason)) is not None:
                    minimised += 1
                    to_redraw[tweet_id] = after.cards
            failed += self._redact_cards(to_redraw, received, reason)
        return minimised, failed

    def _minimise(self, tweet_id: str, reason: str) -> TrackedMention | None:
        """Redact one closed mention's record and audit it; None if it expired or was reopened meanwhile."""
        try:
            after = self._store.update(tweet_id, lambda t: t if _awaits_reply(t) else redacted(t))
        except NotFound:
            return None
        if after.state is not MentionState.REDACTED:
            return None
        self._audit.record(ACTOR, "mention.minimised", tweet_id, reason=reason, cards=str(len(after.cards)))
        return after

    def _redact_deleted(self, tweet_id: str, reason: str = "") -> TrackedMention | None:
        """Redact one deleted mention's record and audit it; None if it expired meanwhile."""
        try:
            after = self._store.update(tweet_id, redacted)
        except NotFound:
            return None
        why = reason or f"deleted on {platform_of(tweet_id).label}"
        self._audit.record(ACTOR, "mention.redacted", tweet_id, reason=why, cards=str(len(after.cards)))
        return after

    def redact_removed(self, mention_ids: Sequence[str], reason: str) -> int:
        """Redact mentions their platform says were removed (a Meta `remove` event) and every message showing them."""
        received = self._index.received_at(list(mention_ids))
        to_redraw: dict[str, tuple[CardRef, ...]] = {}
        for mention_id in received:
            if (after := self._redact_deleted(mention_id, reason)) is not None:
                to_redraw[mention_id] = after.cards
        self._redact_cards(to_redraw, received, reason)
        return len(to_redraw)

    def _indexed(self, tweet_id: str, received: dict[str, float]) -> bool:
        return self._index.has_cards_entry(tweet_id, received[tweet_id])

    def _redact_cards(self, cards: dict[str, tuple[CardRef, ...]], received: dict[str, float], reason: str) -> int:
        """Redact every message of these mentions; forget a mention's card index entry once all of its are done."""
        if not cards:
            return 0
        failed = self._cards.redact(cards, reason)
        for tweet_id, misses in failed.items():
            if misses:
                log.warning("messages not redacted; retried next run", tweet_id=tweet_id, failed=misses)
        self._index.forget_cards_entries({i: received[i] for i, misses in failed.items() if not misses})
        return sum(failed.values())

    # -- retention: past the configured period ---------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Erase what is left of mentions received before the retention cut-off and redact their cards."""
        cutoff = (now or self._clock()) - self._retention
        reason = f"past the {self._desk.retention.mention_days}-day retention"
        rows = self._index.received("-inf", f"({cutoff.timestamp()}")
        expired = redrawn = failed = 0
        for start in range(0, len(rows), SWEEP_BATCH):
            done, cards, failures = self._expire(rows[start : start + SWEEP_BATCH], reason)
            expired, redrawn, failed = expired + done, redrawn + cards, failed + failures
        stripped = self._aggregates.forget_post_text(cutoff)
        dead = self._trim_dead_letters((now or self._clock()) - timedelta(days=DEAD_LETTER_DAYS))
        trimmed = self._audit.trim_before(self._desk.retention.audit_days)
        report = SweepReport(
            expired=expired,
            cards_redacted=redrawn,
            cards_failed=failed,
            audit_trimmed=trimmed,
            own_posts_stripped=stripped,
            dead_letters_trimmed=dead,
        )
        log.info("retention sweep done", **vars(report))
        return report

    def _expire(self, chunk: list[tuple[str, float]], reason: str) -> tuple[int, int, int]:
        """Erase one chunk of expired mentions; return (erased, cards redrawn, cards failed)."""
        found = self._index.shown(chunk)
        misses = self._cards.redact({tweet_id: cards for tweet_id, (_, cards, _) in found.items()}, reason)
        failed = sum(misses[tweet_id] for tweet_id in found)
        gone = [(tweet_id, shown) for tweet_id, shown in found.items() if not misses[tweet_id]]
        self._index.erase(gone)
        erased = [(tweet_id, len(cards)) for tweet_id, (_, cards, _) in gone]
        redrawn = sum(count for _, count in erased)
        for tweet_id, cards_count in erased:
            self._audit.record(ACTOR, "mention.expired", tweet_id, reason=reason, cards=str(cards_count))
        return len(erased), redrawn, failed
