"""Per-channel posting slots in Redis, shared by every worker, so each channel gets about one message a second."""

from __future__ import annotations

import redis

from bot.adapters.store import Keys

PACE_MS = 1000  # Slack allows about one message a second per channel, counted here from the end of a post
IN_FLIGHT_MS = 15_000  # a post reserves its channel at most this long (longer than the Web API timeout)


class ChannelPacer:
    """Hand out per-channel posting slots shared by every worker."""

    def __init__(self, client: redis.Redis, pace_ms: int = PACE_MS) -> None:
        self._client = client
        self._pace_ms = pace_ms

    @property
    def pace_seconds(self) -> float:
        return self._pace_ms / 1000

    def try_slot(self, channel: str) -> bool:
        """Reserve the channel for one post; the reservation lasts until `posted` (or a timeout, if we crash)."""
        return bool(self._client.set(Keys.pace(channel), "1", nx=True, px=IN_FLIGHT_MS))

    def posted(self, channel: str) -> None:
        """Open the channel's next slot one pace after this post finished, not after it started.

        Counting from the finish keeps posts a full pace apart on Slack's side however long each one took to
        send, so scheduling jitter on a busy machine no longer turns into 429s that waste the next slot.
        """
        self.hold(channel, self.pace_seconds)

    def hold(self, channel: str, seconds: float) -> None:
        self._client.set(Keys.pace(channel), "1", px=max(self._pace_ms, int(seconds * 1000)))
