"""`commsdesk web` with several gunicorn processes reports their counters summed (prometheus multiprocess mode)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import redis
import requests

from bot.sandbox.redis_server import RedisServer, free_port
from bot.sandbox.signed import SIGNING_SECRET, SlackRequests
from tests.conftest import EXAMPLE_DESK
from tests.support.live import commsdesk_env, web_process

REJECTED = re.compile(r'^commsdesk_http_rejected_total\{reason="signature mismatch"\} (\S+)$', re.MULTILINE)


def web_env(redis_server: RedisServer, **extra: str) -> dict[str, str]:
    redis.Redis.from_url(redis_server.url).flushall()
    return commsdesk_env(
        SLACK_BOT_TOKEN="xoxb-1234-secret-bot-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",
        REDIS_URL=redis_server.url,
        COMMSDESK_CONFIG=str(EXAMPLE_DESK),
        WEB_CONCURRENCY="2",
        **extra,
    )


def forge(web: SlackRequests) -> None:
    """Send a well-formed request with a wrong signature: one `signature mismatch` rejection."""
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    assert web.post_raw(body, headers).status_code == 401


def rejected(metrics_port: int) -> float:
    found = REJECTED.findall(requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text)
    return float(found[0]) if found else 0.0


def test_two_gunicorn_processes_report_their_counters_summed(redis_server: RedisServer, tmp_path: Path) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_1.db").write_bytes(b"left over from an earlier run")
    metrics_port = free_port()
    env = web_env(redis_server, PROMETHEUS_MULTIPROC_DIR=str(shared), METRICS_PORT=str(metrics_port))
    with web_process(env, tmp_path) as url:
        web = SlackRequests(url)
        assert not (shared / "counter_1.db").exists()
        sent = 0
        while len(list(shared.glob("counter_*.db"))) < 2:  # until both processes have answered some
            forge(web)
            sent += 1
            assert sent < 500, "one gunicorn process took every request"
        assert {rejected(metrics_port) for _ in range(20)} == {float(sent)}


def test_without_a_directory_web_makes_a_private_one_and_removes_it_on_exit(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    metrics_port = free_port()
    with web_process(web_env(redis_server, TMPDIR=str(temp), METRICS_PORT=str(metrics_port)), tmp_path) as url:
        web = SlackRequests(url)
        for _ in range(6):
            forge(web)
        (private,) = temp.glob("commsdesk-web-metrics-*")
        assert list(private.glob("*.db"))
        assert rejected(metrics_port) == 6.0
    assert not private.exists()
