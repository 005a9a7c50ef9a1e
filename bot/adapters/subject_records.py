"""Everything Redis holds that names one X author's mentions: their records, and stream entries that name them.

Streams are read generically (any field naming a post id, whole or as `tweet_id` inside JSON), so a stream added
later is searched the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import redis

from bot.adapters.store import CORRECTIONS_STREAM, OUTBOX_LANES, Keys
from bot.core.tracking import TrackedMention

STREAM_BATCH = 1000


class RedisSubjectRecords:
    """Search every mention record and stream for given post ids; drop the dead letters that name them."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def every_mention(self) -> Iterator[TrackedMention]:
        for key in self._client.scan_iter(match=Keys.every_mention(), count=500):
            raw = self._client.get(key)
            if raw:
                yield TrackedMention.model_validate_json(raw)

    def corrections_naming(self, ids: set[str]) -> list[dict[str, str]]:
        return self._stream_naming(CORRECTIONS_STREAM, ids)

    def queued_naming(self, ids: set[str]) -> list[dict[str, str]]:
        """Outbox entries, lane by lane, that name one of `ids`: posts not yet made."""
        return [e for lane in OUTBOX_LANES for e in self._stream_naming(Keys.outbox(lane), ids)]

    def dead_letters_naming(self, ids: set[str]) -> list[dict[str, str]]:
        return self._stream_naming(Keys.dead_letters(), ids)

    def replies_to(self, tweet_ids: set[str]) -> list[dict[str, Any]]:
        """The reply intents (drafts, who wrote them, how they went) for these mentions."""
        found = [self._client.get(Keys.reply(tweet_id)) for tweet_id in sorted(tweet_ids)]
        return [json.loads(str(raw)) for raw in found if raw]

    def drop_replies(self, tweet_ids: list[str]) -> None:
        """Forget the replies written to these mentions (their drafts address the author by handle)."""
        if tweet_ids:
            self._client.delete(*(Keys.reply(tweet_id) for tweet_id in tweet_ids))

    def drop_dead_letters(self, entry_ids: list[str]) -> None:
        if entry_ids:
            self._client.xdel(Keys.dead_letters(), *entry_ids)

    def _stream_naming(self, stream: str, ids: set[str]) -> list[dict[str, str]]:
        """Entries of `stream` naming one of `ids` in any field (read generically: any stream shape works)."""
        if not ids:
            return []
        found: list[dict[str, str]] = []
        start = "-"
        while True:
            rows: list[tuple[str, dict[str, str]]] = self._client.xrange(stream, min=start, count=STREAM_BATCH)  # type: ignore[assignment]
            for entry_id, fields in rows:
                if any(_names(value, ids) for value in fields.values()):
                    found.append({"id": entry_id, **fields})
            if len(rows) < STREAM_BATCH:
                return found
            start = "(" + rows[-1][0]


def _names(value: str, ids: set[str]) -> bool:
    """Whether a field names one of `ids`, as the whole value or as a tweet_id inside JSON."""
    if value in ids:
        return True
    if not value.startswith("{"):
        return False
    try:
        decoded = json.loads(value)
    except ValueError:
        return False
    return isinstance(decoded, dict) and str(decoded.get("tweet_id", "")) in ids
