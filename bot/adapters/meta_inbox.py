"""Verified Meta webhook deliveries between the web process and the workers: a Redis stream with a consumer group.

The web door only checks, de-duplicates and queues (so Meta gets its 200 in milliseconds); a worker turns each
delivery into mentions. Queuing is one Lua step that both marks the delivery seen and adds it, so a delivery is
queued exactly once however often Meta retries or someone replays it, and never marked seen without being
queued. A worker acknowledges (and deletes) an entry only after its mentions are recorded; one left pending by a
dead worker is taken over after `reclaim_idle_ms`; one that has failed `MAX_ATTEMPTS` times is dropped with a
warning (its id only), since the catch-up poll reads the same comments from the Graph API.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import redis

from bot.adapters.store import Keys
from bot.core.errors import UpstreamError

log = logging.getLogger(__name__)

GROUP = "ingest"
MAX_ATTEMPTS = 5
DELIVERY_TTL = 86_400  # Meta retries a failed delivery for up to 36 hours, but ever more rarely; a day covers the burst

_QUEUE_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'body', ARGV[2])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Delivery:
    id: str  # stream entry id
    body: str  # the verified JSON body, as received


class RedisMetaInbox:
    """Queue deliveries once (web) and hand them to one worker each (worker)."""

    def __init__(self, client: redis.Redis, consumer: str = "web", reclaim_idle_ms: int = 60_000) -> None:
        self._client = client
        self._consumer = consumer
        self._reclaim_idle_ms = reclaim_idle_ms
        self._queue_once = client.register_script(_QUEUE_ONCE)

    def queue_once(self, body: bytes) -> bool:
        """Queue a delivery unless this exact body was queued before; UpstreamError when Redis cannot say."""
        digest = hashlib.sha256(body).hexdigest()
        try:
            added = self._queue_once(keys=[Keys.meta_delivery(digest), Keys.meta_inbox()], args=[DELIVERY_TTL, body])
        except redis.RedisError as exc:
            raise UpstreamError(f"Redis did not take the Meta delivery: {exc}") from exc
        return bool(added)

    def ensure_group(self) -> None:
        try:
            self._client.xgroup_create(Keys.meta_inbox(), GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def take(self, count: int = 50) -> list[Delivery]:
        """Take deliveries a dead worker left (dropping any tried too often), then new ones, up to `count` each."""
        stale = self._client.xautoclaim(
            Keys.meta_inbox(), GROUP, self._consumer, min_idle_time=self._reclaim_idle_ms, count=count
        )
        retried = [(i, f) for i, f in stale[1] if f and not self._drop_if_exhausted(str(i))]
        fresh: Any = self._client.xreadgroup(GROUP, self._consumer, {Keys.meta_inbox(): ">"}, count=count)
        entries: list[Any] = retried + [e for _, found in fresh or [] for e in found]
        return [Delivery(str(i), str(f.get("body", ""))) for i, f in entries if f]

    def _drop_if_exhausted(self, entry_id: str) -> bool:
        pending: Any = self._client.xpending_range(Keys.meta_inbox(), GROUP, entry_id, entry_id, 1)
        if not pending or int(pending[0]["times_delivered"]) <= MAX_ATTEMPTS:
            return False
        log.warning("meta delivery %s dropped after %d failures; the catch-up poll covers it", entry_id, MAX_ATTEMPTS)
        self.ack(Delivery(entry_id, ""))
        return True

    def ack(self, delivery: Delivery) -> None:
        pipe = self._client.pipeline(transaction=True)
        pipe.xack(Keys.meta_inbox(), GROUP, delivery.id)
        pipe.xdel(Keys.meta_inbox(), delivery.id)
        pipe.execute()

    def depth(self) -> int:
        return int(self._client.xlen(Keys.meta_inbox()))
