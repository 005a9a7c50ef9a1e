"""Fixtures for fault tests: a deployment of real processes against the suite's Redis and fresh sandboxes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.blocks.mention_card import read_card_metadata
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer
from tests.support.processes import SECRETS, Deployment, deployment


@pytest.fixture
def deploy(
    tmp_path: Path,
    redis_server: RedisServer,
    redis_client: redis.Redis,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
) -> Iterator[Deployment]:
    """Processes of one deployment; afterwards, no secret may appear in any of their DEBUG logs."""
    workdir = tmp_path / "deploy"
    yield from deployment(workdir, redis_server.url, slack_sandbox.url, x_sandbox.url)
    logs = sorted(workdir.glob("*.log"))
    assert_no_secrets("".join(log.read_text(encoding="utf-8", errors="replace") for log in logs))


def assert_no_secrets(logs: str) -> None:
    for secret in SECRETS:
        assert secret not in logs


def mention_cards(slack: SlackSandbox) -> Counter[tuple[str, str]]:
    """Count mention cards in Slack by (tweet id, channel)."""
    found: Counter[tuple[str, str]] = Counter()
    for message in slack.messages():
        card = read_card_metadata(message.get("metadata"))
        if card is not None:
            found[(card[0], str(message["channel"]))] += 1
    return found
