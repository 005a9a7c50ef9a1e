"""X misbehaving under a real worker: 429s, errors[] and hangs are bounded; backlogs span pages; no duplicates."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer
from tests.faults.conftest import assert_no_secrets
from tests.faults.test_replicas import assert_cards_match_redis
from tests.support.processes import deployment

pytestmark = pytest.mark.slow
NORTHTOWN = ("1400000000000000003", "MPNorthtown")
MENTIONS_PATH = f"/2/users/{NORTHTOWN[0]}/mentions"
PARTIAL_ERROR = {"title": "Not Found Error", "detail": "gone", "resource_id": "1", "type": "about:blank"}

FAULTS: dict[str, Callable[[XSandbox], None]] = {
    "429 without reset": lambda x: x.rate_limit_next(MENTIONS_PATH, times=2, reset_header=False),
    "429 with reset": lambda x: x.rate_limit_next(MENTIONS_PATH, times=1, reset_in=2),
    "errors in a 200": lambda x: x.errors_next(MENTIONS_PATH, [PARTIAL_ERROR]),
    "hang": lambda x: x.hang_next(MENTIONS_PATH, 8, times=4),
}

EVIDENCE: dict[str, Callable[[XSandbox, str], bool]] = {
    "429 without reset": lambda x, log: sum(c.status == 429 for c in x.calls_to(MENTIONS_PATH)) == 2,
    "429 with reset": lambda x, log: sum(c.status == 429 for c in x.calls_to(MENTIONS_PATH)) == 1,
    "errors in a 200": lambda x, log: "x reported a partial error" in log,
    "hang": lambda x, log: "x poll failed" in log,
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_x_fault_is_bounded_and_relays_once(
    fault: str,
    tmp_path: Path,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
) -> None:
    tweets = set(x_sandbox.add_mentions(*NORTHTOWN, count=5, text="@{username} bike stolen on Canal St {n}"))
    FAULTS[fault](x_sandbox)
    for deploy in deployment(
        tmp_path / "deploy", redis_server.url, slack_sandbox.url, x_sandbox.url, timeout_seconds=0.5
    ):
        started = time.monotonic()
        assert deploy.run_all({"cycle-1": ["worker", "--once"]}, timeout=60) == {"cycle-1": 0}, deploy.log("cycle-1")
        assert time.monotonic() - started < 45
        assert deploy.run_all({"cycle-2": ["worker", "--once"]}, timeout=60) == {"cycle-2": 0}, deploy.log("cycle-2")
        assert_cards_match_redis(slack_sandbox, redis_client, tweets)
        assert EVIDENCE[fault](x_sandbox, deploy.log("cycle-1"))
        assert_no_secrets(deploy.all_logs())


def test_backlog_past_one_page_is_relayed_across_pages(
    tmp_path: Path,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
) -> None:
    tweets = set(x_sandbox.add_mentions(*NORTHTOWN, count=180, text="@{username} what time is Northtown open {n}"))
    for deploy in deployment(tmp_path / "deploy", redis_server.url, slack_sandbox.url, x_sandbox.url):
        assert deploy.run_all({"cycle": ["worker", "--once"]}) == {"cycle": 0}, deploy.log("cycle")
    assert len(x_sandbox.calls_to(MENTIONS_PATH)) >= 2
    assert_cards_match_redis(slack_sandbox, redis_client, tweets)
