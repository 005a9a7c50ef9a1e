"""Prometheus metrics: counters for what happens in this process, gauges read from Redis at scrape time.

Gauges that describe shared state (outbox depth and age, open backlog, lease holders, X budget) are read
from Redis on each scrape, so every replica reports the same truth and nothing lives in process memory.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.adapters.store import StateReader

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS_REJECTED = Counter(
    "commsdesk_http_rejected_total",
    "Requests to /slack/events refused before Bolt saw them",
    ["reason"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "commsdesk_http_request_seconds",
    "Time to answer POST /slack/events",
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
MENTIONS_INGESTED = Counter("commsdesk_mentions_ingested_total", "New mentions recorded", ["route"], registry=REGISTRY)
CARDS_POSTED = Counter(
    "commsdesk_cards_posted_total", "Slack messages posted by the outbox", ["kind"], registry=REGISTRY
)
MENTIONS_ROLLED_UP = Counter(
    "commsdesk_mentions_rolled_up_total",
    "No-reply mentions folded into surge summaries",
    ["channel"],
    registry=REGISTRY,
)
SLA_BREACHES = Counter("commsdesk_sla_breaches_total", "Mentions past their SLA", ["kind"], registry=REGISTRY)
UPSTREAM_429 = Counter(
    "commsdesk_upstream_429_total", "429s and throttles from Slack, X or Meta", ["service"], registry=REGISTRY
)


def state_registry(reader: StateReader) -> CollectorRegistry:
    """Return a registry of the gauges read from Redis at scrape time."""
    registry = CollectorRegistry()
    registry.register(RedisStateCollector(reader))
    return registry


class RedisStateCollector(Collector):
    """Report shared queue and lease state straight from Redis on every scrape."""

    def __init__(self, reader: StateReader) -> None:
        self._reader = reader

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot = self._reader.snapshot_if_reachable(time.time())
        if snapshot is None:
            return
        depth = GaugeMetricFamily("commsdesk_outbox_depth", "Slack posts waiting in the outbox")
        depth.add_metric([], snapshot.outbox_depth)
        age = GaugeMetricFamily("commsdesk_outbox_oldest_age_seconds", "Age of the oldest waiting Slack post")
        age.add_metric([], snapshot.outbox_oldest_age)
        backlog = GaugeMetricFamily("commsdesk_open_mentions", "Mentions needing a reply, not yet closed")
        backlog.add_metric([], snapshot.open_mentions)
        overdue = GaugeMetricFamily("commsdesk_open_mentions_overdue", "Open mentions past their SLA")
        overdue.add_metric([], snapshot.overdue_mentions)
        budget = GaugeMetricFamily("commsdesk_x_reads_month", "Posts read from X this month")
        budget.add_metric([], snapshot.x_reads_month)
        leases = GaugeMetricFamily("commsdesk_lease_held", "1 while a replica holds the lease", labels=["lease"])
        for name, held in sorted(snapshot.leases.items()):
            leases.add_metric([name], 1.0 if held else 0.0)
        yield from (depth, age, backlog, overdue, budget, leases)
