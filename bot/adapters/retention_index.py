"""The mention indexes the retention sweep and the compliance check walk: received times, the open queue, card entries.

A mention's record expires by TTL, but the per-day card index keeps which Slack messages show it until every one
is redacted; erasing a mention removes it from every index in one pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import redis

from bot.adapters.mention_store import card_day, read_card_entry
from bot.adapters.store import OPEN_QUEUE, Keys
from bot.core.tracking import CardRef, TrackedMention

Shown = tuple[float, tuple[CardRef, ...], str]  # received at, the messages that show it, its conversation


class RedisRetentionIndex:
    """Read and trim the tracked-mention, open-queue and card indexes."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def received(self, low: float | str, high: float | str) -> list[tuple[str, float]]:
        """Ids and received times of tracked mentions with `low <= received <= high` (Redis score bounds)."""
        rows: list[tuple[str, float]] = self._client.zrangebyscore(  # type: ignore[assignment]
            Keys.tracked(), low, high, withscores=True
        )
        return [(str(tweet_id), float(at)) for tweet_id, at in rows]

    def awaiting_reply(self) -> list[str]:
        """Ids in the open queue."""
        return [str(tweet_id) for tweet_id in self._client.zrange(OPEN_QUEUE, 0, -1)]

    def received_at(self, tweet_ids: Sequence[str]) -> dict[str, float]:
        """When each of these was received, for those still tracked."""
        if not tweet_ids:
            return {}
        scores = self._client.zmscore(Keys.tracked(), list(tweet_ids))
        return {i: float(at) for i, at in zip(tweet_ids, scores, strict=True) if at is not None}

    def has_cards_entry(self, tweet_id: str, received: float) -> bool:
        return bool(self._client.hexists(Keys.cards_index(card_day(received)), tweet_id))

    def forget_cards_entries(self, received: Mapping[str, float]) -> None:
        """Drop these mentions' card index entries: every message that showed them is redacted."""
        done = self._client.pipeline(transaction=False)
        for tweet_id, at in received.items():
            done.hdel(Keys.cards_index(card_day(at)), tweet_id)
        done.execute()

    def shown(self, chunk: Sequence[tuple[str, float]]) -> dict[str, Shown]:
        """Each mention's messages and conversation, from its card-index entry, else from its record."""
        read = self._client.pipeline(transaction=False)
        for tweet_id, received in chunk:
            read.hget(Keys.cards_index(card_day(received)), tweet_id)
            read.get(Keys.mention(tweet_id))
        replies = read.execute()
        return {
            tweet_id: (received, *_cards_and_conversation(indexed, raw))
            for (tweet_id, received), indexed, raw in zip(chunk, replies[0::2], replies[1::2], strict=True)
        }

    def erase(self, mentions: Iterable[tuple[str, Shown]]) -> None:
        """Delete what is left of these mentions and take them out of every index."""
        erase = self._client.pipeline(transaction=False)
        for tweet_id, (received, _, conversation) in mentions:
            erase.delete(Keys.mention(tweet_id))
            erase.zrem(OPEN_QUEUE, tweet_id)
            erase.zrem(Keys.tracked(), tweet_id)
            erase.hdel(Keys.cards_index(card_day(received)), tweet_id)
            if conversation:
                erase.srem(Keys.conversation(conversation), tweet_id)
        erase.execute()


def _cards_and_conversation(indexed: str | None, raw: str | None) -> tuple[tuple[CardRef, ...], str]:
    """Read a mention's cards and conversation from its card-index entry, else from its record if still there."""
    if indexed:
        return read_card_entry(indexed)
    if raw:
        tracked = TrackedMention.model_validate_json(raw)
        return tracked.cards, tracked.mention.conversation_id
    return (), ""
