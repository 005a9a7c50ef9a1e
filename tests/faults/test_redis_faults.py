"""Redis restarts (AOF on) between worker cycles lose nothing acknowledged; Redis down at start is a clear error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import Keys
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer, free_port
from tests.faults.test_replicas import assert_cards_match_redis
from tests.support.processes import deployment

pytestmark = pytest.mark.slow
NORTHTOWN = ("1400000000000000003", "MPNorthtown")
CLAIMANT = "U0CLAIM0001"


def test_redis_restart_between_cycles_keeps_cards_cursors_and_claims(
    tmp_path: Path, slack_sandbox: SlackSandbox, x_sandbox: XSandbox
) -> None:
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    try:
        for deploy in deployment(tmp_path / "deploy", server.url, slack_sandbox.url, x_sandbox.url):
            first = set(x_sandbox.add_mentions(*NORTHTOWN, count=8, text="@{username} bike stolen on Canal St {n}"))
            assert deploy.run_all({"cycle-1": ["worker", "--once"]}) == {"cycle-1": 0}
            client = redis.Redis.from_url(server.url, decode_responses=True)
            store = RedisMentionStore(client, 30)
            claimed = sorted(first)[0]
            store.update(claimed, lambda t: t.model_copy(update={"claimed_by": CLAIMANT}))
            cursor = client.get(Keys.mentions_cursor(NORTHTOWN[0]))
            client.close()

            server.restart()
            client = redis.Redis.from_url(server.url, decode_responses=True)
            store = RedisMentionStore(client, 30)
            assert client.get(Keys.mentions_cursor(NORTHTOWN[0])) == cursor is not None
            record = store.get(claimed)
            assert record is not None and record.claimed_by == CLAIMANT
            assert_cards_match_redis(slack_sandbox, client, first)

            second = set(x_sandbox.add_mentions(*NORTHTOWN, count=4, text="@{username} shed broken into {n}"))
            assert deploy.run_all({"cycle-2": ["worker", "--once"]}) == {"cycle-2": 0}
            assert_cards_match_redis(slack_sandbox, client, first | second)
            client.close()
    finally:
        server.stop()


def test_worker_exits_with_a_clear_message_when_redis_is_unreachable(tmp_path: Path) -> None:
    for deploy in deployment(
        tmp_path / "deploy", f"redis://127.0.0.1:{free_port()}/0", "http://127.0.0.1:9/api/", "http://127.0.0.1:9"
    ):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "worker", "--once"],
            env=deploy.env(),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "REDIS_URL" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
