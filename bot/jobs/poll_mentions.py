"""Bring new mentions in: fetch from X, decide, record with their outbox entries in one transaction.

The cursor for an account advances only after every mention of the batch is recorded, so a crash re-reads
rather than skips; recording is idempotent on tweet id, so a re-read queues no second card.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import Pipeline, RedisMentionStore, Staging
from bot.adapters.outbox import OutboxEntry, OutboxKind, RedisOutbox
from bot.adapters.store import Keys
from bot.core.models import Mention, TriageDecision
from bot.core.ports import MentionBatch, MentionSource
from bot.core.relay import Priority, is_staffed, new_record, on_own_page, owning_team, plan_cards
from bot.core.tracking import TrackedMention
from bot.core.triage.decide import Triage
from bot.logs import get_logger
from bot.web.metrics import MENTIONS_INGESTED
from config.desk import Desk

log = get_logger(__name__)
TRANSACTION_SIZE = 100  # mentions written per Redis transaction


@dataclass
class PollReport:
    new: int = 0
    seen: int = 0
    read: int = 0
    gaps: int = 0


class MentionPoller:
    """One poll of every desk account (or one combined search), per the desk's `[x] strategy`."""

    def __init__(
        self,
        source: MentionSource,
        triage: Triage,
        mentions: RedisMentionStore,
        outbox: RedisOutbox,
        aggregates: RedisAggregates,
        desk: Desk,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._source = source
        self._triage = triage
        self._mentions = mentions
        self._outbox = outbox
        self._aggregates = aggregates
        self._desk = desk
        self._clock = clock

    def poll(self) -> PollReport:
        report = PollReport()
        if self._desk.x.strategy == "recent_search":
            handles = [account.handle for _, account in self._desk.accounts()]
            cursor_key = Keys.search_cursor()
            self._ingest(
                self._source.search_mentions(handles, self._mentions.cursor(cursor_key)),
                cursor_key,
                "recent search",
                report,
            )
        else:
            for _, account in self._desk.accounts():
                cursor_key = Keys.mentions_cursor(account.id)
                batch = self._source.mentions_of(account.id, self._mentions.cursor(cursor_key))
                self._ingest(batch, cursor_key, f"@{account.handle}", report)
        return report

    def _ingest(self, batch: MentionBatch, cursor_key: str, source: str, report: PollReport) -> None:
        for error in batch.errors:
            log.warning("x reported a partial error", source=source, error=error)
        for start in range(0, len(batch.mentions), TRANSACTION_SIZE):
            new = self.record_many(batch.mentions[start : start + TRANSACTION_SIZE])
            report.new += new
            report.seen += min(TRANSACTION_SIZE, len(batch.mentions) - start) - new
        report.read += batch.posts_read
        if batch.gap:
            report.gaps += 1
            self._alert_gap(source, cursor_key)
        if batch.newest_id is not None:
            self._mentions.set_cursor(cursor_key, batch.newest_id)

    def record(self, mention: Mention) -> bool:
        """Decide and record one mention with its cards queued; False if it was already recorded."""
        return self.record_many([mention]) == 1

    def record_many(self, mentions: Sequence[Mention]) -> int:
        """Decide and record mentions with their cards queued, in one transaction; return how many were new."""
        decisions = [
            on_own_page(m, d, self._desk) for m, d in zip(mentions, self._triage.decide_many(mentions), strict=True)
        ]
        prepared = [self._prepare(mention, decision) for mention, decision in zip(mentions, decisions, strict=True)]
        fresh = self._mentions.record_new_many([(tracked, stage) for tracked, stage in prepared])
        for (tracked, _), new in zip(prepared, fresh, strict=True):
            if new:
                decision = tracked.decision
                MENTIONS_INGESTED.labels(route=decision.route).inc()
                log.info(
                    "mention recorded",
                    tweet_id=tracked.mention.id,
                    platform=tracked.mention.platform.value,
                    category=decision.category.value,
                    route=decision.route,
                    urgent=decision.urgent,
                )
        return sum(fresh)

    def _prepare(self, mention: Mention, decision: TriageDecision) -> tuple[TrackedMention, Staging]:
        """Plan what to write with a triaged mention: its record, outbox entries and digest counters."""
        team = owning_team(mention, decision, self._desk)
        now = self._clock()
        out_of_hours = not is_staffed(now, self._desk.zone, self._desk.desk.staffed_from, self._desk.desk.staffed_until)
        tracked = new_record(mention, decision, team, now, self._desk, out_of_hours)
        entries = [
            OutboxEntry(
                lane=int(plan.priority),
                channel=self._desk.channel_for(plan.route),
                kind=OutboxKind.CARD,
                tweet_id=mention.id,
                role=plan.role,
                route=plan.route,
            )
            for plan in plan_cards(decision, team)
        ]

        def stage(pipe: Pipeline) -> None:
            for entry in entries:
                self._outbox.add(entry, pipe)
            self._aggregates.record_received(team, mention.created_at, decision, pipe, mention.platform)

        return tracked, stage

    def _alert_gap(self, source: str, cursor_key: str) -> None:
        text = (
            f":warning: More mentions reached {source} since the last poll than X would return, so some may "
            "be missing here. Check the account's notifications on X directly, and consider polling more often."
        )
        key = f"gap:{cursor_key}:{self._mentions.cursor(cursor_key) or 'start'}"
        self._outbox.add(
            OutboxEntry(
                lane=int(Priority.URGENT),
                channel=self._desk.desk.channel,
                kind=OutboxKind.MESSAGE,
                key=key,
                payload={"text": text},
            )
        )
