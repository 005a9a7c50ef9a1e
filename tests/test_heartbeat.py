"""The worker heartbeat: beats reach Redis with a TTL, and /healthz turns 503 once the loop stops beating."""

from __future__ import annotations

import redis
import requests
from prometheus_client import generate_latest

from bot.adapters.store import Heartbeats, Keys
from bot.jobs.heartbeat import STALE_AFTER_SECONDS, WRITE_EVERY_SECONDS, Heartbeat
from bot.sandbox.redis_server import free_port
from bot.web.metrics_server import bind_metrics


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_loop_that_stops_beating_turns_healthz_503_and_shows_its_age(redis_client: redis.Redis) -> None:
    clock = Clock()
    beats = Heartbeats(redis_client)
    heartbeat = Heartbeat(beats, "host-1-42", wall=lambda: 1_700_000_000.0 + clock.now, monotonic=clock)
    server = bind_metrics("127.0.0.1", free_port(), "WORKER_METRICS_PORT")
    server.serve([heartbeat.registry()], health=heartbeat.health)
    try:
        heartbeat.beat()
        clock.now += 30
        healthy = requests.get(f"{server.url}/healthz", timeout=5)
        assert healthy.status_code == 200
        assert healthy.json() == {"status": "ok", "consumer": "host-1-42", "seconds_since_heartbeat": 30.0}
        assert "commsdesk_worker_heartbeat_age_seconds 30.0" in requests.get(f"{server.url}/metrics", timeout=5).text
        clock.now += STALE_AFTER_SECONDS
        stuck = requests.get(f"{server.url}/healthz", timeout=5)
        assert stuck.status_code == 503 and stuck.json()["status"] == "unavailable"
        heartbeat.beat()
        assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
    finally:
        server.close()


def test_beats_reach_redis_every_few_seconds_with_the_stale_bound_as_ttl(redis_client: redis.Redis) -> None:
    clock = Clock()
    heartbeat = Heartbeat(Heartbeats(redis_client), "host-1-42", wall=lambda: clock.now, monotonic=clock)
    heartbeat.beat()
    assert redis_client.get(Keys.heartbeat("host-1-42")) == "1000.0"
    assert 0 < redis_client.pttl(Keys.heartbeat("host-1-42")) <= STALE_AFTER_SECONDS * 1000
    clock.now += WRITE_EVERY_SECONDS / 2
    heartbeat.beat()
    assert redis_client.get(Keys.heartbeat("host-1-42")) == "1000.0"  # not every turn costs a Redis write
    clock.now += WRITE_EVERY_SECONDS
    heartbeat.beat()
    assert redis_client.get(Keys.heartbeat("host-1-42")) == str(clock.now)


def test_status_lists_a_worker_whose_key_expired_as_not_alive_and_forgets_it_after_a_day(
    redis_client: redis.Redis,
) -> None:
    beats = Heartbeats(redis_client)
    beats.beat("gone-1", 1_000.0, ttl=60)
    redis_client.delete(Keys.heartbeat("gone-1"))  # as the TTL would once the loop stops
    beats.beat("live-2", 2_000.0, ttl=60)
    assert [(w.consumer, w.alive) for w in beats.workers()] == [("live-2", True), ("gone-1", False)]
    beats.beat("live-2", 1_000.0 + Heartbeats.FORGET_SECONDS + 1, ttl=60)
    assert [w.consumer for w in beats.workers()] == ["live-2"]


def test_a_worker_that_never_loops_goes_stale_from_its_start(redis_client: redis.Redis) -> None:
    clock = Clock()
    heartbeat = Heartbeat(Heartbeats(redis_client), "host-1-42", monotonic=clock)
    clock.now += STALE_AFTER_SECONDS + 1
    assert heartbeat.health()[0] is False
    assert b"commsdesk_worker_heartbeat_age_seconds 121.0" in generate_latest(heartbeat.registry())
