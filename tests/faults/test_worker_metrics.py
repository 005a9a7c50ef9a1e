"""A real `commsdesk worker` serves its own /metrics and /healthz; its heartbeat reaches Redis for status."""

from __future__ import annotations

import re
import time

import pytest
import redis
import requests

from bot.adapters.store import Heartbeats, Keys
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import free_port
from tests.faults.conftest import assert_no_secrets, mention_cards
from tests.support.processes import Deployment

pytestmark = pytest.mark.slow
ACCOUNT, HANDLE = "1400000000000000003", "MPNorthtown"


def sample(metrics: str, name: str) -> float:
    """Sum every sample of counter `name` across its labels, as a dashboard's sum() would."""
    return sum(float(value) for value in re.findall(rf"^{name}(?:\{{[^}}]*\}})? (\S+)$", metrics, re.MULTILINE))


def scrape(url: str, deadline: float) -> str:
    while True:
        try:
            return requests.get(f"{url}/metrics", timeout=2).text
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the worker never served /metrics"
            time.sleep(0.1)


def test_a_worker_cycle_shows_on_its_own_metrics_port_with_a_heartbeat(
    deploy: Deployment, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, redis_client: redis.Redis
) -> None:
    tweets = x_sandbox.add_mentions(ACCOUNT, HANDLE, count=6, text="@{username} my bike was stolen on the high st {n}")
    port = free_port()
    worker = deploy.start("worker", "worker", WORKER_METRICS_PORT=str(port))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while len({tweet for tweet, _ in mention_cards(slack_sandbox)}) < len(tweets):
        assert worker.poll() is None and time.monotonic() < deadline, deploy.log("worker")
        time.sleep(0.1)
    cards = sum(mention_cards(slack_sandbox).values())
    while sample(metrics := scrape(url, deadline), "commsdesk_cards_posted_total") < cards:
        assert time.monotonic() < deadline, metrics
        time.sleep(0.1)

    assert sample(metrics, "commsdesk_mentions_ingested_total") == len(tweets)
    assert re.search(r'^commsdesk_cards_posted_total\{kind="mention_\w+"\} [1-9]', metrics, re.MULTILINE)
    assert "commsdesk_outbox_depth" in metrics and "commsdesk_worker_heartbeat_age_seconds" in metrics
    assert sample(metrics, "commsdesk_worker_heartbeat_age_seconds") < 5
    health = requests.get(f"{url}/healthz", timeout=2)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    consumer = health.json()["consumer"]
    assert redis_client.exists(Keys.heartbeat(consumer)) and 0 < redis_client.pttl(Keys.heartbeat(consumer)) <= 120_000
    assert [(w.consumer, w.alive) for w in Heartbeats(redis_client).workers()] == [(consumer, True)]
    assert int(redis_client.get(Keys.x_reads(time.strftime("%Y-%m", time.gmtime()))) or 0) >= len(tweets)
    assert requests.get(f"{url}/slack/events", timeout=2).status_code == 404

    worker.terminate()
    assert worker.wait(timeout=20) == 0, deploy.log("worker")
    assert_no_secrets(deploy.all_logs())
    assert deploy.log("worker").count("metrics served") == 1


def test_a_taken_worker_metrics_port_stops_the_worker_naming_the_variable(deploy: Deployment) -> None:
    first = deploy.start("holder", "worker", WORKER_METRICS_PORT=str(port := free_port()))
    deadline = time.monotonic() + 30
    while "metrics served" not in deploy.log("holder"):
        assert first.poll() is None and time.monotonic() < deadline, deploy.log("holder")
        time.sleep(0.1)
    second = deploy.start("second", "worker", WORKER_METRICS_PORT=str(port))
    assert second.wait(timeout=30) == 2
    assert f"cannot serve /metrics on 127.0.0.1:{port}" in deploy.log("second")
    assert "WORKER_METRICS_PORT" in deploy.log("second")
