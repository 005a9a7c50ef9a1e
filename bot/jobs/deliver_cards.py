"""Drain the outbox into Slack: urgent first, about one message a second per channel, each card once.

Pacing is shared by every worker through a Redis key per channel; a 429 pushes that channel's next slot out
by `Retry-After`. A card whose earlier attempt may have landed (crash, connection reset after Slack accepted)
is looked up in the channel's history by its message metadata before anything is posted again.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import OutboxEntry, OutboxKind, RedisOutbox
from bot.adapters.pacer import ChannelPacer
from bot.adapters.slack_messages import Message, SlackMessages, metadata, metadata_of
from bot.adapters.store import OUTBOX_LANES
from bot.blocks.ids import MetadataType
from bot.blocks.mention_card import build_desk_escalation, build_mention_card, build_urgent_realert
from bot.blocks.surge import build_surge_summary
from bot.core.clock import Clock, utc_now
from bot.core.errors import NotFound, SlackRefused
from bot.core.relay import Priority
from bot.core.surge import SurgeRule
from bot.core.tracking import CardRef, CardRole, TrackedMention, with_card
from bot.jobs.chase_sla import card_posted, control_room_card
from bot.logs import get_logger
from bot.web.metrics import CARDS_POSTED, MENTIONS_ROLLED_UP, UPSTREAM_429
from config.desk import Desk

log = get_logger(__name__)

HISTORY_PAGES = 5


class ReplyDelivery(Protocol):
    """Sends one queued reply to X (`bot.jobs.send_replies.ReplySender`); True when done with the entry."""

    def deliver(self, entry: OutboxEntry) -> bool: ...


POSTERS = 8  # channels posted to at once
TOUCH_EVERY_SECONDS = 10.0  # well inside the reclaim idle time, so held entries are never taken over


class OutboxDrainer:
    """Post queued cards and messages; keep what cannot go yet in a local, priority-ordered buffer."""

    def __init__(
        self,
        outbox: RedisOutbox,
        mentions: RedisMentionStore,
        slack: SlackMessages,
        pacer: ChannelPacer,
        desk: Desk,
        clock: Clock = utc_now,
        buffer_limit: int = 500,
        replies: ReplyDelivery | None = None,
    ) -> None:
        self._outbox = outbox
        self._mentions = mentions
        self._slack = slack
        self._pacer = pacer
        self._desk = desk
        self._clock = clock
        self._replies = replies  # sends replies to X; None where replying from Slack is not set up
        self._buffer: dict[str, OutboxEntry] = {}  # by `ref`: stream ids repeat across lanes
        self._buffer_limit = buffer_limit  # per lane
        self._posters = ThreadPoolExecutor(max_workers=POSTERS, thread_name_prefix="outbox-post")
        self._touched = time.monotonic()
        self._surge = SurgeRule(desk.surge.backlog_seconds, pacer.pace_seconds, desk.surge.summary_seconds)

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    @property
    def surge(self) -> SurgeRule:
        return self._surge

    def step(self, block_ms: int | None = None) -> int:
        """Take new and abandoned entries, roll up surges, post the first entry of every channel with a free slot.

        Channels are posted to side by side: each waits on its own pace, so one slow answer never delays the rest.
        """
        self._fill(block_ms)
        self._roll_up()
        self._outbox.queue_due_summaries(self._clock().timestamp())
        turn: dict[str, OutboxEntry] = {}
        waiting: set[str] = set()
        for entry in sorted(self._buffer.values(), key=lambda e: e.order):
            if entry.channel in turn or entry.channel in waiting:
                continue
            if self._pacer.try_slot(entry.channel):
                turn[entry.channel] = entry
            else:
                waiting.add(entry.channel)
        posted = 0
        for entry, done in zip(turn.values(), self._posters.map(self._deliver, turn.values()), strict=True):
            if done:
                del self._buffer[entry.ref]
                posted += 1
        return posted

    def _fill(self, block_ms: int | None) -> None:
        """Top up the buffer lane by lane, so a full buffer of routine cards never keeps urgent ones waiting."""
        held = Counter(entry.lane for entry in self._buffer.values())
        lanes = [lane for lane in OUTBOX_LANES if held[lane] < self._buffer_limit]
        room = 0 if not lanes else min(self._buffer_limit - held[lane] for lane in lanes)
        fresh = [] if not room else self._outbox.reclaim(count=room) + self._outbox.read(room, block_ms, lanes)
        for entry in fresh:
            self._buffer[entry.ref] = entry
        if self._buffer and time.monotonic() - self._touched > TOUCH_EVERY_SECONDS:
            self._outbox.touch(list(self._buffer.values()))
            self._touched = time.monotonic()

    def _roll_up(self) -> None:
        """In every channel whose queue is past the surge threshold, fold no-reply cards into the period's summary."""
        queued = Counter(entry.channel for entry in self._buffer.values())
        surging = {channel for channel, count in queued.items() if self._surge.in_surge(count)}
        if not surging:
            return
        window = self._surge.window(self._clock())
        folded = [
            e
            for e in self._buffer.values()
            if e.channel in surging and e.lane == Priority.INFO and e.kind is OutboxKind.CARD
        ]
        for entry in folded:
            self._outbox.fold(entry, window, self._surge.window_end(window))
            del self._buffer[entry.ref]
            MENTIONS_ROLLED_UP.labels(channel=entry.channel).inc()
        if folded:
            log.info("surge: no-reply cards rolled up", channels=sorted(surging), cards=len(folded), window=window)

    def drain(self, timeout: float = 60.0) -> int:
        """Post until the outbox, buffer and surge summaries are empty (or `timeout`); for `worker --once`, the demo."""
        deadline = time.monotonic() + timeout
        total = 0
        while time.monotonic() < deadline:
            total += self.step()
            if not self._buffer and self._outbox.depth() == 0 and self._outbox.pending_summaries() == 0:
                break
            time.sleep(0.05)
        return total

    def _deliver(self, entry: OutboxEntry) -> bool:
        """Post one entry; True when it is done with (posted, already there, or parked), False to retry."""
        if entry.kind is OutboxKind.REPLY:
            return self._deliver_reply(entry)
        try:
            if entry.kind is OutboxKind.CARD:
                self._post_card(entry)
            elif entry.kind is OutboxKind.SUMMARY:
                self._post_summary(entry)
            elif entry.kind is OutboxKind.NOTICE:
                self._post_notice(entry)
            else:
                self._post_message(entry)
        except SlackRefused as exc:
            return self._on_slack_error(entry, exc)
        except OSError as exc:
            log.warning("slack post failed; will reconcile and retry", channel=entry.channel, error=type(exc).__name__)
            self._pacer.hold(entry.channel, 2.0)
            return False
        self._outbox.ack(entry)
        self._pacer.posted(entry.channel)
        return True

    def _deliver_reply(self, entry: OutboxEntry) -> bool:
        """Hand a reply to X to its sender, which paces and holds the sending account itself."""
        if self._replies is None:
            log.error("a reply is queued but replying is not set up (COMMSDESK_SECRET_KEY); parked")
            self._outbox.dead_letter(entry, "replying not configured")
            return True
        done = self._replies.deliver(entry)
        if done:
            self._outbox.ack(entry)
            self._pacer.posted(entry.channel)
        return done

    def _on_slack_error(self, entry: OutboxEntry, exc: SlackRefused) -> bool:
        if exc.rate_limited:
            UPSTREAM_429.labels(service="slack").inc()
            self._pacer.hold(entry.channel, 1.0 if exc.retry_after is None else exc.retry_after)
            return False
        if exc.transient:
            self._pacer.hold(entry.channel, 2.0)
            return False
        log.error("slack refused a post for good; parked", channel=entry.channel, error=exc.error)
        self._outbox.dead_letter(entry, exc.error or str(exc.status))
        return True

    def _post_card(self, entry: OutboxEntry) -> None:
        tracked = self._mentions.get(entry.tweet_id)
        if tracked is None or any(c.role == entry.role and c.channel == entry.channel for c in tracked.cards):
            return
        if self._outbox.mark_attempt(entry):
            ts = self._find_posted_card(entry, tracked)
            if ts is not None:
                self._add_card(entry, ts)
                return
        card = build_mention_card(tracked, entry.role, self._desk.teams, self._clock())
        meta = metadata(MetadataType.MENTION, {"tweet_id": entry.tweet_id, "route": entry.route})
        ts = self._slack.post(entry.channel, {"text": card["text"], "blocks": card["blocks"]}, meta)
        self._add_card(entry, ts)
        CARDS_POSTED.labels(kind=f"mention_{entry.role}").inc()

    def _add_card(self, entry: OutboxEntry, ts: str) -> None:
        ref = CardRef(channel=entry.channel, ts=ts, role=entry.role)
        self._mentions.update(entry.tweet_id, lambda t: t.model_copy(update={"cards": (*t.cards, ref)}))

    def _find_posted_card(self, entry: OutboxEntry, tracked: TrackedMention) -> str | None:
        """Look for this card in the channel's recent history by its metadata; return its ts if found."""

        def matches(message: Message) -> bool:
            # a card's metadata names no role; an SLA notice's names its own, so it is never taken for the card
            event_type, payload = metadata_of(message)
            return (
                event_type == MetadataType.MENTION.value
                and payload.get("tweet_id") == entry.tweet_id
                and payload.get("route") == entry.route
                and payload.get("role", entry.role) == entry.role
            )

        return self._find_in_history(entry.channel, tracked.received_at - timedelta(minutes=5), matches)

    def _find_in_history(self, channel: str, since: datetime, matches: Callable[[Message], bool]) -> str | None:
        """Return the ts of a message in `channel` since `since` that `matches`, if there is one."""
        found = self._slack.find(channel, since.timestamp(), matches, HISTORY_PAGES)
        if found is None:
            return None
        log.info("message already posted; reconciled", channel=channel, ts=found["ts"])
        return str(found["ts"])

    def _post_summary(self, entry: OutboxEntry) -> None:
        """Post a closed period's surge summary once, then point each rolled-up mention at it."""
        window = int(entry.payload["window"])
        tweet_ids = self._outbox.summary_members(entry.channel, window)
        where = self._outbox.sent(entry.key)
        if where is None and tweet_ids:
            ts = None
            if self._outbox.mark_attempt(entry):
                since = datetime.fromtimestamp(self._surge.window_end(window) - self._surge.summary_seconds, UTC)
                ts = self._find_in_history(entry.channel, since, partial(_is_summary, entry.key))
            if ts is None:
                message = build_surge_summary(
                    entry.channel, self._mentions.get_many(tweet_ids), self._surge.summary_seconds
                )
                meta = metadata(MetadataType.SURGE_SUMMARY, {"key": entry.key, "mentions": len(tweet_ids)})
                ts = self._slack.post(entry.channel, {"text": message["text"], "blocks": message["blocks"]}, meta)
                CARDS_POSTED.labels(kind="surge_summary").inc()
            where = f"{entry.channel}:{ts}"
            self._outbox.mark_sent(entry.key, where)
        if where is not None:
            ref = CardRef(channel=entry.channel, ts=where.split(":", 1)[1], role=CardRole.SUMMARY)
            for tweet_id in tweet_ids:
                self._point_at_summary(tweet_id, ref)
        self._outbox.drop_summary(entry.channel, window)

    def _point_at_summary(self, tweet_id: str, ref: CardRef) -> None:
        try:
            self._mentions.update(tweet_id, lambda t: with_card(t, ref))
        except NotFound:
            log.info("rolled-up mention gone before its summary; nothing to point", tweet_id=tweet_id)

    def _post_notice(self, entry: OutboxEntry) -> None:
        """Post an SLA notice about a mention still unclaimed, pointing at its card; record it to be redacted later."""
        tracked = self._mentions.get(entry.tweet_id)
        chased = entry.payload.get("at")
        now = max(self._clock(), datetime.fromisoformat(chased)) if chased else self._clock()
        if tracked is None or not tracked.is_open or tracked.claimant(now):
            return  # answered, claimed or removed while it waited: nothing to chase
        if any(c.role == entry.role for c in tracked.cards):
            return
        if self._outbox.mark_attempt(entry):
            ts = self._find_posted_notice(entry, tracked)
            if ts is not None:
                self._add_card(entry, ts)
                return
        card = self._card_for(tracked, entry)
        thread = card if card is not None and card.channel == entry.channel else None
        if entry.role == CardRole.REALERT:
            message = build_urgent_realert(tracked, now, card_posted(card) if card else tracked.received_at)
        else:
            link = "" if thread is not None or card is None else self._permalink(card)
            message = build_desk_escalation(tracked, now, self._desk.teams, link)
        where: dict[str, Any] = {"thread_ts": thread.ts, "reply_broadcast": True} if thread is not None else {}
        payload = {"tweet_id": entry.tweet_id, "route": tracked.route, "role": entry.role}
        meta = metadata(MetadataType.MENTION, payload)
        ts = self._slack.post(entry.channel, {"text": message["text"], "blocks": message["blocks"]}, meta, **where)
        self._add_card(entry, ts)
        CARDS_POSTED.labels(kind=f"notice_{entry.role}").inc()

    def _find_posted_notice(self, entry: OutboxEntry, tracked: TrackedMention) -> str | None:
        """Look for this notice in the channel by its metadata (a broadcast reply shows in the channel's history)."""

        def matches(message: Message) -> bool:
            event_type, payload = metadata_of(message)
            mine = payload.get("tweet_id") == entry.tweet_id and payload.get("role") == entry.role
            return event_type == MetadataType.MENTION.value and mine

        return self._find_in_history(entry.channel, tracked.received_at - timedelta(minutes=5), matches)

    @staticmethod
    def _card_for(tracked: TrackedMention, entry: OutboxEntry) -> CardRef | None:
        """Pick the card a notice points at: the one in its channel, else (a desk escalation) the team's card."""
        if entry.role == CardRole.REALERT:
            return control_room_card(tracked)
        cards = [c for c in tracked.cards if c.role.is_card]
        return next((c for c in cards if c.channel == entry.channel), next(iter(cards), None))

    def _permalink(self, card: CardRef) -> str:
        """Ask Slack for the card's link; a notice without one still names the post, so a failure is not fatal."""
        try:
            return self._slack.permalink(card.channel, card.ts)
        except SlackRefused:
            return ""

    def _post_message(self, entry: OutboxEntry) -> None:
        if entry.key and self._outbox.sent(entry.key):
            return
        ts = self._slack.post(entry.channel, entry.payload)
        if entry.key:
            self._outbox.mark_sent(entry.key, f"{entry.channel}:{ts}")
        CARDS_POSTED.labels(kind="message").inc()


def _is_summary(key: str, message: Message) -> bool:
    event_type, payload = metadata_of(message)
    return event_type == MetadataType.SURGE_SUMMARY and payload.get("key") == key
