"""`commsdesk digest`: dry run prints and writes the chart; a real run posts once per channel, then says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from bot.cli import main
from bot.sandbox.redis_server import RedisServer
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import EXAMPLE_DESK


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, redis_server: RedisServer, redis_client: redis.Redis) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("COMMSDESK_CONFIG", str(EXAMPLE_DESK))


@pytest.mark.usefixtures("env")
def test_dry_run_prints_every_digest_and_writes_the_chart(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["digest", "--date", "2026-06-02", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Morning digest · Midshire Police Corporate Communications · Tuesday 2 June 2026")
    assert "Morning digest · Northtown Neighbourhood Team" in result.output
    chart = tmp_path / "digest-2026-06-02.png"
    assert f"Chart written to {chart}" in result.output
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.usefixtures("env")
def test_posting_twice_posts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with SlackSandbox() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-digest")
        monkeypatch.setenv("SLACK_API_URL", slack.url)
        first = CliRunner().invoke(main, ["digest", "--date", "2026-06-02"])
        second = CliRunner().invoke(main, ["digest", "--date", "2026-06-02"])
        posts = slack.calls_to("chat.postMessage")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert first.stdout.splitlines()[0].split() == ["desk", "C0DESK00001", "posted"]
    assert all(line.endswith("already") for line in second.stdout.splitlines())
    assert len(posts) == 6


def test_a_bad_date_is_refused() -> None:
    result = CliRunner().invoke(main, ["digest", "--date", "2-6-2026", "--dry-run"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
