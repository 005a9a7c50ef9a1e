"""The worker's health signal: its main loop beats every turn; Redis, /metrics and /healthz report the last beat.

A worker whose loop stops turning (a hung Slack call, a deadlock) still looks alive to a process supervisor.
The beat is kept in the process (for the worker's own /healthz and the age gauge on its /metrics) and written
to Redis as a key per worker consumer with a TTL (for `/commsdesk status`), at most every few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.adapters.store import Heartbeats
from bot.core.errors import UpstreamError
from bot.logs import get_logger

log = get_logger(__name__)
STALE_AFTER_SECONDS = 120.0  # a loop turn waits at most a few seconds; two minutes without one is stuck
WRITE_EVERY_SECONDS = 5.0  # how often a beat reaches Redis


class Heartbeat:
    """One worker loop's beat: in memory every turn, in Redis every few seconds with a TTL of the stale bound."""

    def __init__(
        self,
        beats: Heartbeats,
        consumer: str,
        stale_after: float = STALE_AFTER_SECONDS,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._beats = beats
        self._consumer = consumer
        self._stale_after = stale_after
        self._wall = wall
        self._monotonic = monotonic
        self._last = monotonic()  # starting counts as a beat, so a worker that never loops goes stale
        self._written: float | None = None

    def beat(self) -> None:
        """Record a turn of the loop; write it to Redis if the last write is a few seconds old."""
        self._last = self._monotonic()
        if self._written is not None and self._last - self._written < WRITE_EVERY_SECONDS:
            return
        try:
            self._beats.beat(self._consumer, self._wall(), self._stale_after)
            self._written = self._last
        except UpstreamError as exc:
            log.warning("heartbeat not written to redis; retried next turn", error=str(exc))

    def age(self) -> float:
        """Seconds since the loop last turned."""
        return max(0.0, self._monotonic() - self._last)

    def health(self) -> tuple[bool, dict[str, object]]:
        """Healthy while the loop turned within the stale bound; say how long ago it did."""
        age = self.age()
        return age <= self._stale_after, {"consumer": self._consumer, "seconds_since_heartbeat": round(age, 1)}

    def registry(self) -> CollectorRegistry:
        """A registry with the age gauge, read at scrape time."""
        registry = CollectorRegistry()
        registry.register(_HeartbeatCollector(self))
        return registry


class _HeartbeatCollector(Collector):
    def __init__(self, heartbeat: Heartbeat) -> None:
        self._heartbeat = heartbeat

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "commsdesk_worker_heartbeat_age_seconds", "Seconds since this worker's main loop last turned"
        )
        gauge.add_metric([], self._heartbeat.age())
        yield gauge
