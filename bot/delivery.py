"""Drain the outbox into Slack: urgent first, about one message a second per channel, each card once.

Pacing is shared by every worker through a Redis key per channel; a 429 pushes that channel's next slot out
by `Retry-After`. A card whose earlier attempt may have landed (crash, connection reset after Slack accepted)
is looked up in the channel's history by its message metadata before anything is posted again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import OutboxEntry, RedisOutbox
from bot.adapters.store import Keys
from bot.blocks.ids import MetadataType
from bot.blocks.mention_card import build_mention_card
from bot.core.tracking import CardRef, TrackedMention
from bot.logs import get_logger
from bot.metrics import CARDS_POSTED, UPSTREAM_429
from config.desk import Desk

log = get_logger(__name__)

PACE_MS = 1100  # Slack allows about one message a second per channel; keep a little margin
HISTORY_PAGES = 5
Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


class ChannelPacer:
    """Hand out per-channel posting slots shared by every worker."""

    def __init__(self, client: redis.Redis, pace_ms: int = PACE_MS) -> None:
        self._client = client
        self._pace_ms = pace_ms

    def try_slot(self, channel: str) -> bool:
        return bool(self._client.set(Keys.pace(channel), "1", nx=True, px=self._pace_ms))

    def hold(self, channel: str, seconds: float) -> None:
        self._client.set(Keys.pace(channel), "1", px=max(self._pace_ms, int(seconds * 1000)))


class OutboxDrainer:
    """Post queued cards and messages; keep what cannot go yet in a local, priority-ordered buffer."""

    def __init__(self, outbox: RedisOutbox, mentions: RedisMentionStore, slack: WebClient, pacer: ChannelPacer,
                 desk: Desk, clock: Clock = _now, buffer_limit: int = 500) -> None:  # fmt: skip
        self._outbox = outbox
        self._mentions = mentions
        self._slack = slack
        self._pacer = pacer
        self._desk = desk
        self._clock = clock
        self._buffer: dict[str, OutboxEntry] = {}
        self._buffer_limit = buffer_limit

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def step(self, block_ms: int | None = None) -> int:
        """Take new and abandoned entries, post every one whose channel has a free slot; return posts made."""
        room = self._buffer_limit - len(self._buffer)
        if room > 0:
            for entry in self._outbox.reclaim(count=room) + self._outbox.read(count=room, block_ms=block_ms):
                self._buffer[entry.id] = entry
        posted = 0
        for entry in sorted(self._buffer.values(), key=lambda e: (e.lane, e.id)):
            if not self._pacer.try_slot(entry.channel):
                continue
            if self._deliver(entry):
                del self._buffer[entry.id]
                posted += 1
        return posted

    def drain(self, timeout: float = 60.0) -> int:
        """Post until the outbox and buffer are empty (or `timeout`); for `worker --once` and the demo."""
        deadline = time.monotonic() + timeout
        total = 0
        while time.monotonic() < deadline:
            total += self.step()
            if not self._buffer and self._outbox.depth() == 0:
                break
            time.sleep(0.05)
        return total

    def _deliver(self, entry: OutboxEntry) -> bool:
        """Post one entry; True when it is done with (posted, already there, or parked), False to retry."""
        try:
            if entry.kind == "card":
                self._post_card(entry)
            else:
                self._post_message(entry)
        except SlackApiError as exc:
            return self._on_slack_error(entry, exc)
        except OSError as exc:
            log.warning("slack post failed; will reconcile and retry", channel=entry.channel, error=type(exc).__name__)
            self._pacer.hold(entry.channel, 2.0)
            return False
        self._outbox.ack(entry)
        return True

    def _on_slack_error(self, entry: OutboxEntry, exc: SlackApiError) -> bool:
        status = exc.response.status_code
        error = str(exc.response.get("error", ""))
        if status == 429:
            UPSTREAM_429.labels(service="slack").inc()
            retry_after = float(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)))
            self._pacer.hold(entry.channel, retry_after)
            return False
        if status >= 500 or error in {"ratelimited", "fatal_error", "internal_error", "service_unavailable"}:
            self._pacer.hold(entry.channel, 2.0)
            return False
        log.error("slack refused a post for good; parked", channel=entry.channel, error=error)
        self._outbox.dead_letter(entry, error or str(status))
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
        reply = self._slack.chat_postMessage(
            channel=entry.channel, text=card["text"], blocks=card["blocks"], unfurl_links=False, unfurl_media=False,
            metadata={"event_type": MetadataType.MENTION.value,
                      "event_payload": {"tweet_id": entry.tweet_id, "route": entry.route}},
        )  # fmt: skip
        self._add_card(entry, str(reply["ts"]))
        CARDS_POSTED.labels(kind=f"mention_{entry.role}").inc()

    def _add_card(self, entry: OutboxEntry, ts: str) -> None:
        ref = CardRef(channel=entry.channel, ts=ts, role=entry.role)
        self._mentions.update(entry.tweet_id, lambda t: t.model_copy(update={"cards": (*t.cards, ref)}))

    def _find_posted_card(self, entry: OutboxEntry, tracked: TrackedMention) -> str | None:
        """Look for this card in the channel's recent history by its metadata; return its ts if found."""
        oldest = (tracked.received_at - timedelta(minutes=5)).timestamp()
        cursor = None
        for _ in range(HISTORY_PAGES):
            page: Any = self._slack.conversations_history(
                channel=entry.channel, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=200, cursor=cursor
            )
            for message in page.get("messages", []):
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == MetadataType.MENTION.value and payload.get("tweet_id") == entry.tweet_id \
                        and payload.get("route") == entry.route:  # fmt: skip
                    log.info("card already posted; reconciled", channel=entry.channel, tweet_id=entry.tweet_id)
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

    def _post_message(self, entry: OutboxEntry) -> None:
        if entry.key and self._outbox.sent(entry.key):
            return
        reply = self._slack.chat_postMessage(channel=entry.channel, unfurl_links=False, unfurl_media=False,
                                             **entry.payload)  # fmt: skip
        if entry.key:
            self._outbox.mark_sent(entry.key, f"{entry.channel}:{reply['ts']}")
        CARDS_POSTED.labels(kind="message").inc()
