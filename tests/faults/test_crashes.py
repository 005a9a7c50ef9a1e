"""SIGKILL a worker while it drains a large outbox; the next worker posts every card exactly once."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer
from tests.faults.conftest import assert_no_secrets, mention_cards
from tests.faults.test_replicas import assert_cards_match_redis
from tests.support.processes import Deployment, deployment

pytestmark = pytest.mark.slow
ACCOUNTS = {
    "1400000000000000003": "MPNorthtown",
    "1400000000000000004": "MPRiverside",
    "1400000000000000005": "MPOldfield",
}


@pytest.fixture
def quick_reclaim(
    tmp_path: Path,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
) -> Iterator[Deployment]:
    yield from deployment(
        tmp_path / "deploy", redis_server.url, slack_sandbox.url, x_sandbox.url, reclaim_idle_seconds=2
    )


def test_sigkill_mid_outbox_then_restart_posts_every_card_once(
    quick_reclaim: Deployment, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, redis_client: redis.Redis
) -> None:
    tweet_ids = {
        t
        for account, handle in ACCOUNTS.items()
        for t in x_sandbox.add_mentions(
            account, handle, count=40, text="@{username} my car was broken into on the high street {n}"
        )
    }
    slack_sandbox.delay("chat.postMessage", 0.05)
    doomed = quick_reclaim.start("worker-doomed", "worker")
    deadline = time.monotonic() + 60
    while len(mention_cards(slack_sandbox)) < 15:
        assert doomed.poll() is None and time.monotonic() < deadline, quick_reclaim.log("worker-doomed")
        time.sleep(0.02)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert len(mention_cards(slack_sandbox)) < len(tweet_ids), "the worker finished before it was killed"
    codes = quick_reclaim.run_all({"worker-next": ["worker", "--once"]})
    assert codes == {"worker-next": 0}, quick_reclaim.log("worker-next")
    assert_cards_match_redis(slack_sandbox, redis_client, tweet_ids)
    assert_no_secrets(quick_reclaim.all_logs())
