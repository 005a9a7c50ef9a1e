"""The Slack outbox: Redis Streams, one per priority lane, drained by a consumer group across workers.

An entry is acknowledged (and deleted) only after its post is recorded, so a crash re-delivers it; entries
left pending by a dead consumer are reclaimed after `RECLAIM_IDLE_MS` (desk `[outbox] reclaim_idle_seconds`).
A marker set before each post attempt tells the next attempt to reconcile with Slack first (the post may have
landed before the crash).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import redis

from bot.adapters.store import OUTBOX_GROUP, OUTBOX_LANES, Keys

RECLAIM_IDLE_MS = 60_000
DEAD_LETTER_DAYS = 30  # time for a person to follow a refused post up; entries hold ids and Slack's error only
ATTEMPT_TTL = 86_400
SENT_TTL = 7 * 86_400
SUMMARY_LANE = 1  # a surge summary goes out among the needs-reply cards, in arrival order

# Queue a due surge summary once, however many workers see it due: only the one whose ZREM succeeds adds it.
_QUEUE_IF_DUE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
  return 1
end
return 0
"""


class OutboxKind(StrEnum):
    """What an outbox entry posts."""

    CARD = "card"  # a mention card: `tweet_id` + `role`
    NOTICE = "notice"  # an SLA notice pointing at a mention's card: `tweet_id` + `role`
    MESSAGE = "message"  # a ready message: `payload`, once per `key`
    SUMMARY = "summary"  # a surge summary of the mentions rolled up for `channel`
    REPLY = "reply"  # a reply to the public written in Slack, for X, Facebook or Instagram


@dataclass(frozen=True)
class OutboxEntry:
    """One post to make: a mention card (`tweet_id` + `role`) or a ready message (`payload`)."""

    lane: int
    channel: str
    kind: OutboxKind
    tweet_id: str = ""
    role: str = ""
    route: str = ""
    key: str = ""  # idempotency key of a one-off message
    payload: dict[str, Any] = field(default_factory=dict)
    id: str = ""  # stream entry id once stored

    @property
    def ref(self) -> str:
        """Name this entry across lanes: one transaction can give entries in two lanes the same stream id."""
        return f"{self.lane}:{self.id}"

    @property
    def order(self) -> tuple[int, int, int]:
        """Sort key: lane, then arrival (stream ids compared as numbers, not strings)."""
        ms, _, seq = self.id.partition("-")
        return self.lane, int(ms or 0), int(seq or 0)

    def fields(self) -> dict[str, str]:
        return {
            "channel": self.channel,
            "kind": self.kind.value,
            "tweet_id": self.tweet_id,
            "role": self.role,
            "route": self.route,
            "key": self.key,
            "payload": json.dumps(self.payload),
        }

    @classmethod
    def from_stream(cls, lane: int, entry_id: str, fields: dict[str, str]) -> OutboxEntry:
        return cls(
            lane=lane,
            id=entry_id,
            channel=fields["channel"],
            kind=OutboxKind(fields["kind"]),
            tweet_id=fields.get("tweet_id", ""),
            role=fields.get("role", ""),
            route=fields.get("route", ""),
            key=fields.get("key", ""),
            payload=json.loads(fields.get("payload") or "{}"),
        )


class RedisOutbox:
    """Enqueue and consume outbox entries; `consumer` names this worker within the group."""

    def __init__(self, client: redis.Redis, consumer: str, reclaim_idle_ms: int = RECLAIM_IDLE_MS) -> None:
        self._client = client
        self._consumer = consumer
        self._reclaim_idle_ms = reclaim_idle_ms
        self._queue_if_due = client.register_script(_QUEUE_IF_DUE)

    def ensure_groups(self) -> None:
        for lane in OUTBOX_LANES:
            try:
                self._client.xgroup_create(Keys.outbox(lane), OUTBOX_GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    def add(self, entry: OutboxEntry, pipe: redis.client.Pipeline | None = None) -> None:
        """Queue `entry`; with `pipe`, inside the caller's transaction."""
        (pipe if pipe is not None else self._client).xadd(Keys.outbox(entry.lane), entry.fields())  # type: ignore[arg-type]

    def read(self, count: int, block_ms: int | None = None, lanes: Sequence[int] = OUTBOX_LANES) -> list[OutboxEntry]:
        """Take up to `count` new entries from each of `lanes`, most urgent lane first."""
        streams = {Keys.outbox(lane): ">" for lane in lanes}
        replies = self._client.xreadgroup(OUTBOX_GROUP, self._consumer, streams, count=count, block=block_ms)  # type: ignore[arg-type]
        return self._entries(replies or [])

    def reclaim(self, count: int = 100, min_idle_ms: int | None = None) -> list[OutboxEntry]:
        """Take over entries another consumer took but never acknowledged (it crashed or hung)."""
        min_idle_ms = self._reclaim_idle_ms if min_idle_ms is None else min_idle_ms
        taken: list[OutboxEntry] = []
        for lane in OUTBOX_LANES:
            reply = self._client.xautoclaim(
                Keys.outbox(lane), OUTBOX_GROUP, self._consumer, min_idle_time=min_idle_ms, count=count
            )
            taken.extend(OutboxEntry.from_stream(lane, i, f) for i, f in reply[1] if f)
        return taken

    def touch(self, entries: Sequence[OutboxEntry]) -> None:
        """Keep entries this worker still holds (waiting for a posting slot) from looking abandoned to the others."""
        pipe = self._client.pipeline(transaction=False)
        for lane in OUTBOX_LANES:
            ids = [e.id for e in entries if e.lane == lane]
            if ids:
                pipe.xclaim(Keys.outbox(lane), OUTBOX_GROUP, self._consumer, 0, ids, justid=True)  # type: ignore[arg-type]
        pipe.execute()

    def ack(self, entry: OutboxEntry) -> None:
        pipe = self._client.pipeline(transaction=True)
        pipe.xack(Keys.outbox(entry.lane), OUTBOX_GROUP, entry.id)
        pipe.xdel(Keys.outbox(entry.lane), entry.id)
        pipe.delete(Keys.attempt(entry.ref))
        pipe.execute()

    def dead_letter(self, entry: OutboxEntry, error: str) -> None:
        """Park what Slack refused for good (ids and its error, never the post's text) and take it off the queue."""
        kept = {name: value for name, value in entry.fields().items() if name != "payload"} | {"error": error}
        self._client.xadd(Keys.dead_letters(), kept, maxlen=10_000)  # type: ignore[arg-type]
        self.ack(entry)

    def mark_attempt(self, entry: OutboxEntry) -> bool:
        """Record that a post is about to be made; return True if an earlier attempt was made already."""
        return not self._client.set(Keys.attempt(entry.ref), "1", nx=True, ex=ATTEMPT_TTL)

    def fold(self, entry: OutboxEntry, window: int, due: float) -> None:
        """Roll a card into its channel's surge summary for `window` and take it off the queue, in one step."""
        bucket = Keys.surge_bucket(entry.channel, window)
        pipe = self._client.pipeline(transaction=True)
        pipe.sadd(bucket, entry.tweet_id)
        pipe.expire(bucket, SENT_TTL)
        pipe.zadd(Keys.surge_due(), {f"{entry.channel}:{window}": due}, nx=True)
        pipe.xack(Keys.outbox(entry.lane), OUTBOX_GROUP, entry.id)
        pipe.xdel(Keys.outbox(entry.lane), entry.id)
        pipe.delete(Keys.attempt(entry.ref))
        pipe.execute()

    def queue_due_summaries(self, now: float) -> int:
        """Queue a summary entry for every surge period that has closed by `now`; return how many this call queued."""
        queued = 0
        for raw in self._client.zrangebyscore(Keys.surge_due(), "-inf", now):
            member = raw.decode() if isinstance(raw, bytes) else str(raw)
            channel, window = member.rsplit(":", 1)
            entry = OutboxEntry(
                lane=SUMMARY_LANE,
                channel=channel,
                kind=OutboxKind.SUMMARY,
                key=f"surge:{member}",
                payload={"window": int(window)},
            )
            args = [member, *(part for pair in entry.fields().items() for part in pair)]
            queued += int(self._queue_if_due(keys=[Keys.surge_due(), Keys.outbox(SUMMARY_LANE)], args=args))
        return queued

    def summary_members(self, channel: str, window: int) -> list[str]:
        return sorted(str(m) for m in self._client.smembers(Keys.surge_bucket(channel, window)))

    def pending_summaries(self) -> int:
        """Count surge summaries gathering mentions whose period has not closed yet."""
        return int(self._client.zcard(Keys.surge_due()))

    def drop_summary(self, channel: str, window: int) -> None:
        self._client.delete(Keys.surge_bucket(channel, window))

    def depth(self) -> int:
        return sum(int(self._client.xlen(Keys.outbox(lane))) for lane in OUTBOX_LANES)

    def sent(self, key: str) -> str | None:
        value = self._client.get(Keys.sent(key))
        return str(value) if value else None

    def mark_sent(self, key: str, where: str) -> None:
        self._client.set(Keys.sent(key), where, ex=SENT_TTL)

    def dead_letters(self) -> list[dict[str, str]]:
        """Return the parked entries, oldest first."""
        rows: list[tuple[str, dict[str, str]]] = self._client.xrange(Keys.dead_letters())  # type: ignore[assignment]
        return [fields for _, fields in rows]

    @staticmethod
    def _entries(replies: Any) -> list[OutboxEntry]:
        out: list[OutboxEntry] = []
        for stream, rows in replies:
            lane = int(str(stream).rsplit(":", 1)[1])
            out.extend(OutboxEntry.from_stream(lane, entry_id, fields) for entry_id, fields in rows)
        return out


def trim_dead_letters(client: redis.Redis, before: datetime) -> int:
    """Drop dead letters parked before `before`; return how many went."""
    return int(client.xtrim(Keys.dead_letters(), minid=f"{int(before.timestamp() * 1000)}-0", approximate=False))
