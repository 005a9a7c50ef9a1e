"""Chase the SLA: nudge the team and the desk about unclaimed mentions past due; re-alert unheeded urgent ones."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import OutboxEntry, RedisOutbox
from bot.blocks.mention_card import build_desk_escalation, build_sla_reminder, build_urgent_realert
from bot.core.relay import Priority
from bot.core.tracking import TrackedMention
from bot.logs import get_logger
from bot.metrics import SLA_BREACHES
from config.desk import Desk

log = get_logger(__name__)


class SlaChaser:
    """Once per overdue mention: a thread reminder and a desk escalation, or a control-room re-alert."""

    def __init__(self, mentions: RedisMentionStore, outbox: RedisOutbox, desk: Desk) -> None:
        self._mentions = mentions
        self._outbox = outbox
        self._desk = desk

    def chase(self, now: datetime) -> int:
        chased = 0
        for tweet_id in self._mentions.open_due(now):
            tracked = self._mentions.get(tweet_id)
            if tracked is None or not tracked.is_open or tracked.reminded or tracked.claimant(now):
                continue
            reminded = self._take_reminder(tweet_id)
            if reminded is not None:
                self._queue_reminders(reminded, now)
                chased += 1
        return chased

    def _take_reminder(self, tweet_id: str) -> TrackedMention | None:
        """Flag the mention reminded; return it only if this call set the flag (one replica wins)."""
        won: list[bool] = []

        def remind(current: TrackedMention) -> TrackedMention:
            won[:] = [not current.reminded]
            return current.model_copy(update={"reminded": True})

        tracked = self._mentions.update(tweet_id, remind)
        return tracked if won == [True] else None

    def _queue_reminders(self, tracked: TrackedMention, now: datetime) -> None:
        tweet_id = tracked.mention.id
        if tracked.decision.urgent:
            SLA_BREACHES.labels(kind="urgent").inc()
            realert = build_urgent_realert(tracked, now, self._desk.teams)
            self._message(self._desk.desk.control_room_channel, f"realert:{tweet_id}", realert, Priority.URGENT)
            return
        SLA_BREACHES.labels(kind="reply").inc()
        team_card = next((c for c in tracked.cards if c.role in ("team", "desk")), None)
        if team_card is not None:
            reminder = build_sla_reminder(tracked, now) | {"thread_ts": team_card.ts}
            self._message(team_card.channel, f"sla:{tweet_id}", reminder, Priority.REPLY)
        if team_card is None or team_card.channel != self._desk.desk.channel:
            escalation = build_desk_escalation(tracked, now, self._desk.teams)
            self._message(self._desk.desk.channel, f"sla-desk:{tweet_id}", escalation, Priority.REPLY)
        log.info("sla reminder queued", tweet_id=tweet_id)

    def _message(self, channel: str, key: str, payload: dict[str, object], lane: Priority) -> None:
        self._outbox.add(OutboxEntry(lane=int(lane), channel=channel, kind="message", key=key, payload=payload))
