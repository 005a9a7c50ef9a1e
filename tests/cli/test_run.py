"""`commsdesk run` in Socket Mode needs the bot and app tokens only, and stops whole when a half of it dies."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest

from bot.app import create_app
from bot.cli.run import watch
from bot.sandbox import SlackSandbox
from bot.sandbox.redis_server import RedisServer, free_port
from bot.services import build_services
from config.desk import Desk
from config.settings import Settings, SettingsError
from tests.conftest import EXAMPLE_DESK
from tests.support.live import commsdesk_env


@pytest.fixture
def socket_settings(redis_server: RedisServer, slack_sandbox: SlackSandbox) -> Settings:
    return Settings(
        slack_bot_token="xoxb-socket-token",
        slack_app_token="xapp-1-socket-token",
        slack_api_url=slack_sandbox.url,
        redis_url=redis_server.url,
        commsdesk_config=str(EXAMPLE_DESK),
        _env_file=None,
    )


def test_socket_mode_app_answers_without_a_signing_secret(socket_settings: Settings, desk: Desk) -> None:
    services = build_services(socket_settings, desk)
    app = create_app(socket_settings, services, socket_mode=True)
    body = urlencode(
        {
            "command": "/commsdesk",
            "text": "help",
            "user_id": "U0OFFICER01",
            "channel_id": "C0FORCE0001",
            "team_id": "T0FORCE0001",
            "trigger_id": "1.2.3",
        }
    )
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200 and "/request-platform" in response.body
    services.redis.close()


def test_http_app_still_needs_the_signing_secret(socket_settings: Settings, desk: Desk) -> None:
    services = build_services(socket_settings, desk)
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is not set"):
        create_app(socket_settings, services)
    services.redis.close()


class Clock:
    """A clock that moves only when the watcher sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def states(*values: bool) -> Iterator[bool]:
    yield from values
    while True:
        yield values[-1]


def test_a_listener_down_past_the_grace_period_stops_the_process() -> None:
    clock, listener = Clock(), states(True, False, False, True, False)
    reason = watch(lambda: next(listener), lambda: True, grace=30, clock=clock, sleep=clock.sleep)
    assert "Socket Mode connection has been down for 30 s" in reason and "SLACK_APP_TOKEN" in reason
    assert clock.now >= 4 + 30  # a brief drop that reconnected did not count


def test_a_dead_worker_stops_the_process() -> None:
    clock, worker = Clock(), states(True, True, False)
    reason = watch(lambda: True, lambda: next(worker), grace=30, clock=clock, sleep=clock.sleep)
    assert reason.startswith("the worker stopped") and clock.now == 2


def test_run_in_socket_mode_needs_no_signing_secret_and_exits_clearly_when_slack_refuses(
    tmp_path: Path, redis_server: RedisServer, slack_sandbox: SlackSandbox
) -> None:
    env = commsdesk_env(
        SLACK_BOT_TOKEN="xoxb-socket-token",
        SLACK_APP_TOKEN="xapp-1-socket-token",
        SLACK_API_URL=slack_sandbox.url,
        X_BEARER_TOKEN="x-bearer",
        X_API_URL="http://127.0.0.1:9",
        REDIS_URL=redis_server.url,
        COMMSDESK_CONFIG=str(EXAMPLE_DESK),
        METRICS_PORT=str(free_port()),
    )
    slack_sandbox.refuse_token("xapp-1-socket-token", "invalid_auth")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET" not in result.stderr and "Traceback" not in result.stderr
    assert "could not open a Slack Socket Mode connection" in result.stderr and "SLACK_APP_TOKEN" in result.stderr
    assert "apps.connections.open" in [c.method for c in slack_sandbox.calls]
