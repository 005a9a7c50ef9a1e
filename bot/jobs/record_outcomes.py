"""Keep the digest's aggregates in step with mention outcomes, whoever closed the mention."""

from __future__ import annotations

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.core.relay import is_staffed
from bot.core.tracking import Change, MentionState, TrackedMention
from config.desk import Desk


class OutcomeRecorder:
    """Count first responses and closures when a mention leaves the open state."""

    def __init__(self, aggregates: RedisAggregates, desk: Desk) -> None:
        self._aggregates = aggregates
        self._desk = desk

    def __call__(self, before: TrackedMention, after: TrackedMention) -> None:
        if not before.is_open or after.is_open or after.state is MentionState.REDACTED:
            return
        created = after.mention.created_at
        replied = after.state is MentionState.REPLIED
        if replied:
            responded = after.replied_at or created
            staffed = is_staffed(created, self._desk.zone, self._desk.desk.staffed_from, self._desk.desk.staffed_until)
            sla_met = after.sla_due is None or responded <= after.sla_due
            self._aggregates.record_first_response(
                after.team, created, responded, staffed, sla_met, platform=after.mention.platform
            )
        self._aggregates.record_closed(after.team, created, replied=replied, needed_reply=after.decision.needs_reply)


class ObservedMentions:
    """The mention store, telling `observer` of every change it writes.

    So every path that closes a mention (a button, a reply seen on X) keeps the digest's counts in step.
    """

    def __init__(self, store: RedisMentionStore, observer: OutcomeRecorder) -> None:
        self._store = store
        self._observer = observer

    def get(self, tweet_id: str) -> TrackedMention | None:
        return self._store.get(tweet_id)

    def update(self, tweet_id: str, change: Change) -> TrackedMention:
        before: list[TrackedMention] = []

        def observed(current: TrackedMention) -> TrackedMention:
            before[:] = [current]
            return change(current)

        after = self._store.update(tweet_id, observed)
        self._observer(before[0], after)
        return after
