"""Redis persistence of tracked mentions: idempotent recording, compare-and-set changes, indexes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import redis

from bot.adapters.store import DAY_SECONDS, OPEN_QUEUE, Keys
from bot.core.errors import Conflict, NotFound
from bot.core.tracking import CardRef, Change, TrackedMention

Pipeline = redis.client.Pipeline  # what a Staging callback writes to, in the record's transaction
Staging = Callable[[Pipeline], None]
MAX_CAS_ATTEMPTS = 50
CARD_INDEX_GRACE = 2 * DAY_SECONDS


class RedisMentionStore:
    """Tracked mentions as JSON under `cd:mention:{id}`, kept for the retention period."""

    def __init__(self, client: redis.Redis, retention_days: int) -> None:
        self._client = client
        self._ttl = retention_days * DAY_SECONDS

    def record_new(self, tracked: TrackedMention, also: Staging | None = None) -> bool:
        """Store a mention seen for the first time, with `also` in the same transaction.

        Returns False, changing nothing, when the mention is already stored: so a mention and its outbox
        entries are written together or not at all, and a re-poll never queues a second card.
        """
        return self.record_new_many([(tracked, also)])[0]

    def record_new_many(self, items: Sequence[tuple[TrackedMention, Staging | None]]) -> list[bool]:
        """Record a page of mentions in one transaction; each result says whether that one was new.

        Mentions already stored (or repeated in `items`) are skipped. If another writer races us, each
        mention is retried on its own, so the outcome is the same as recording them one by one.
        """
        keys = [Keys.mention(tracked.mention.id) for tracked, _ in items]
        with self._client.pipeline() as pipe:
            try:
                pipe.watch(*keys)  # type: ignore[no-untyped-call]
                stored = pipe.mget(keys) if keys else []
                seen: set[str] = set()
                fresh = [False] * len(items)
                for n, ((tracked, _), value) in enumerate(zip(items, stored, strict=True)):
                    fresh[n] = value is None and tracked.mention.id not in seen
                    seen.add(tracked.mention.id)
                if not any(fresh):
                    return fresh
                pipe.multi()
                for (tracked, also), new in zip(items, fresh, strict=True):
                    if new:
                        self._stage_new(pipe, tracked)
                        if also is not None:
                            also(pipe)
                pipe.execute()
                return fresh
            except redis.WatchError:
                if len(items) == 1:
                    return [False]
        return [self.record_new(tracked, also) for tracked, also in items]

    def _stage_new(self, pipe: redis.client.Pipeline, tracked: TrackedMention) -> None:
        pipe.set(Keys.mention(tracked.mention.id), tracked.model_dump_json(), ex=self._ttl)
        pipe.zadd(Keys.tracked(), {tracked.mention.id: tracked.received_at.timestamp()})
        self._index(pipe, tracked)
        if tracked.mention.conversation_id:
            conversation = Keys.conversation(tracked.mention.conversation_id)
            pipe.sadd(conversation, tracked.mention.id)
            pipe.expire(conversation, self._ttl)

    def get(self, tweet_id: str) -> TrackedMention | None:
        raw = self._client.get(Keys.mention(tweet_id))
        return TrackedMention.model_validate_json(raw) if raw else None

    def get_many(self, tweet_ids: list[str]) -> list[TrackedMention]:
        if not tweet_ids:
            return []
        raws = self._client.mget([Keys.mention(i) for i in tweet_ids])
        return [TrackedMention.model_validate_json(r) for r in raws if r]

    def update(self, tweet_id: str, change: Change) -> TrackedMention:
        """Apply `change` as a compare-and-set; concurrent writers retry against the newer record.

        `change` is pure and may raise (Conflict, Forbidden) to refuse; nothing is written then.
        """
        key = Keys.mention(tweet_id)
        for _ in range(MAX_CAS_ATTEMPTS):
            with self._client.pipeline() as pipe:
                try:
                    pipe.watch(key)  # type: ignore[no-untyped-call]
                    raw = pipe.get(key)
                    if not raw:
                        raise NotFound(f"mention {tweet_id} is not tracked (it may have passed retention)")
                    current = TrackedMention.model_validate_json(raw)
                    updated = change(current).model_copy(update={"version": current.version + 1})
                    pipe.multi()
                    pipe.set(key, updated.model_dump_json(), keepttl=True)
                    self._index(pipe, updated)
                    if updated.cards != current.cards:
                        self._index_cards(pipe, updated)
                    pipe.execute()
                    return updated
                except redis.WatchError:
                    continue
        raise Conflict(f"mention {tweet_id} is changing too fast; try again")

    def delete(self, tweet_id: str) -> None:
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(Keys.mention(tweet_id))
        pipe.zrem(OPEN_QUEUE, tweet_id)
        pipe.execute()

    def in_conversation(self, conversation_id: str) -> list[str]:
        return sorted(str(m) for m in self._client.smembers(Keys.conversation(conversation_id)))

    def open_due(self, now: datetime, limit: int = 500) -> list[str]:
        """Ids of open mentions whose SLA is due at `now`, most overdue first."""
        return [str(m) for m in self._client.zrangebyscore(OPEN_QUEUE, "-inf", now.timestamp(), 0, limit)]

    def open_ids(self, limit: int = 1000) -> list[str]:
        """Ids of every open mention needing a reply, most urgent SLA first."""
        return [str(m) for m in self._client.zrange(OPEN_QUEUE, 0, limit - 1)]

    def cursor(self, key: str) -> str | None:
        value = self._client.get(key)
        return str(value) if value else None

    def set_cursor(self, key: str, newest_id: str) -> None:
        """Advance a since_id cursor, never backwards (ids are numeric strings)."""
        current = self.cursor(key)
        if current is None or int(newest_id) > int(current):
            self._client.set(key, newest_id)

    def _index_cards(self, pipe: redis.client.Pipeline, tracked: TrackedMention) -> None:
        """Remember where a mention's cards are past its record's TTL, so the retention sweep can redact them."""
        day = Keys.cards_index(card_day(tracked.received_at.timestamp()))
        entry = {"cards": [c.model_dump() for c in tracked.cards], "conversation": tracked.mention.conversation_id}
        pipe.hset(day, tracked.mention.id, json.dumps(entry, sort_keys=True))
        pipe.expire(day, self._ttl + CARD_INDEX_GRACE)

    @staticmethod
    def _index(pipe: redis.client.Pipeline, tracked: TrackedMention) -> None:
        if tracked.is_open and tracked.sla_due is not None:
            pipe.zadd(OPEN_QUEUE, {tracked.mention.id: tracked.sla_due.timestamp()})
        else:
            pipe.zrem(OPEN_QUEUE, tracked.mention.id)


def card_day(received: float) -> str:
    """Name the card-index day (UTC) of a mention received at epoch `received`."""
    return datetime.fromtimestamp(received, UTC).strftime("%Y-%m-%d")


def read_card_entry(raw: str) -> tuple[tuple[CardRef, ...], str]:
    """Read a card-index entry: the mention's cards and its conversation id."""
    entry = json.loads(raw)
    return tuple(CardRef.model_validate(c) for c in entry.get("cards", [])), str(entry.get("conversation", ""))
