from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.sandbox import SlackSandbox
from bot.sandbox.redis_server import RedisServer, free_port
from tests.conftest import EXAMPLE_DESK
from tests.support.live import commsdesk_env


def _check(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_nothing_configured_fails_with_a_line_per_missing_setting(tmp_path: Path) -> None:
    result = _check(commsdesk_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"), tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "FAIL settings: SLACK_BOT_TOKEN is not set",
        "FAIL settings: SLACK_SIGNING_SECRET is not set",
        "FAIL settings: X_BEARER_TOKEN is not set",
    ]
    assert lines[3].startswith("FAIL desk config: config/desk.toml: cannot read desk config")
    assert lines[4].startswith("FAIL redis: cannot reach Redis")


def test_configured_desk_reaches_redis_and_slack(tmp_path: Path, redis_server: RedisServer) -> None:
    with SlackSandbox() as slack:
        env = commsdesk_env(
            SLACK_BOT_TOKEN="xoxb-check-token", SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.url,
            REDIS_URL=redis_server.url, COMMSDESK_CONFIG=str(EXAMPLE_DESK),
        )  # fmt: skip
        result = _check(env, tmp_path)
        assert [c.method for c in slack.calls] == ["auth.test"]
    lines = result.stdout.splitlines()
    assert lines[0] == "FAIL settings: X_BEARER_TOKEN is not set"
    assert lines[1] == f"ok   desk config: {EXAMPLE_DESK}: 5 teams"
    assert lines[2].startswith("ok   redis: Redis 7")
    assert "persistence is off" in lines[2]
    assert lines[3].startswith("ok   slack: auth.test ok")
    assert result.returncode == 1
    assert "xoxb-check-token" not in result.stdout + result.stderr
