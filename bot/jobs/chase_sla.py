"""Chase the SLA: nudge the team and the desk about unclaimed mentions past due; re-alert unheeded urgent ones.

Neither the desk escalation nor the urgent re-alert is a second card: each is a notice without the post's text or
buttons, pointing at the mention's one card (a broadcast reply in its thread when it is in the same channel), built
when it is posted so it states the real wait, and recorded among the mention's messages so it is redacted too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import OutboxEntry, OutboxKind, RedisOutbox
from bot.blocks.mention_card import build_sla_reminder
from bot.core.relay import Priority
from bot.core.tracking import CardRef, CardRole, TrackedMention
from bot.logs import get_logger
from bot.web.metrics import SLA_BREACHES
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
            if tracked.decision.urgent and not self._card_waited(tracked, now):
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

    def _card_waited(self, tracked: TrackedMention, now: datetime) -> bool:
        """Tell whether the control room has had the card for the urgent SLA, so a re-alert follows a real wait."""
        # a post X delivered late is past its SLA on arrival; re-alerting the moment its card appears says "0 min"
        card = control_room_card(tracked)
        shown = card_posted(card) if card is not None else tracked.received_at
        return now - shown >= timedelta(minutes=self._desk.triage.urgent_sla_minutes)

    def _queue_reminders(self, tracked: TrackedMention, now: datetime) -> None:
        tweet_id = tracked.mention.id
        if tracked.decision.urgent:
            SLA_BREACHES.labels(kind="urgent").inc()
            self._notice(self._desk.desk.control_room_channel, tracked, CardRole.REALERT, Priority.URGENT, now)
            return
        SLA_BREACHES.labels(kind="reply").inc()
        team_card = next((c for c in tracked.cards if c.role in (CardRole.TEAM, CardRole.DESK)), None)
        if team_card is not None:
            reminder = build_sla_reminder(tracked, now) | {"thread_ts": team_card.ts}
            nudge = OutboxEntry(
                lane=int(Priority.REPLY), channel=team_card.channel, kind=OutboxKind.MESSAGE, payload=reminder
            )
            self._outbox.add(replace(nudge, key=f"sla:{tweet_id}"))
        if team_card is None or team_card.channel != self._desk.desk.channel:
            self._notice(self._desk.desk.channel, tracked, CardRole.ESCALATION, Priority.REPLY, now)
        log.info("sla reminder queued", tweet_id=tweet_id)

    def _notice(self, channel: str, tracked: TrackedMention, role: CardRole, lane: Priority, now: datetime) -> None:
        """Queue a notice; it is worded when posted, never stating a shorter wait than the chase saw (`at`)."""
        tweet_id = tracked.mention.id
        entry = OutboxEntry(lane=int(lane), channel=channel, kind=OutboxKind.NOTICE, tweet_id=tweet_id, role=role)
        self._outbox.add(replace(entry, route=tracked.route, key=f"{role}:{tweet_id}", payload={"at": now.isoformat()}))


def control_room_card(tracked: TrackedMention) -> CardRef | None:
    """Return the mention's actionable card in the control room, if it has one."""
    return next((c for c in tracked.cards if c.role is CardRole.CONTROL_ROOM), None)


def card_posted(card: CardRef) -> datetime:
    """Read when a card was posted from its Slack timestamp (seconds since the epoch)."""
    return datetime.fromtimestamp(float(card.ts), UTC)
