"""The start-up Redis check against real servers, including one that refuses CONFIG as managed services do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from bot.adapters.store import check_redis, connect
from bot.core.errors import ConfigurationError
from bot.sandbox.redis_server import RedisServer
from tests.conftest import EXAMPLE_DESK
from tests.support.live import commsdesk_env, web_process

NO_CONFIG = ("--rename-command", "CONFIG", "")


@pytest.fixture(scope="module")
def managed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A server whose CONFIG command is gone, like ElastiCache, Azure Cache or Memorystore."""
    server = RedisServer(tmp_path_factory.mktemp("managed"), appendonly=True, extra_args=NO_CONFIG).start()
    yield server
    server.stop()


def test_a_refused_config_warns_and_names_the_setting_to_assert(managed: RedisServer) -> None:
    report = check_redis(connect(managed.url))
    assert report.persistence == "aof"
    assert report.notes == ()
    [warning] = report.warnings
    assert "refuses CONFIG" in warning
    assert "maxmemory-policy is noeviction" in warning
    assert "[redis] assume_noeviction = true" in warning


def test_a_refused_config_with_the_assertion_starts_with_a_note(managed: RedisServer) -> None:
    report = check_redis(connect(managed.url), assume_noeviction=True)
    assert report.warnings == ()
    assert len(report.notes) == 1 and "assume_noeviction = true" in report.notes[0]


def test_an_evicting_policy_reported_by_info_is_refused_whatever_the_assertion(tmp_path: Path) -> None:
    server = RedisServer(tmp_path, extra_args=(*NO_CONFIG, "--maxmemory-policy", "allkeys-lru")).start()
    try:
        with pytest.raises(ConfigurationError, match="maxmemory-policy is allkeys-lru"):
            check_redis(connect(server.url), assume_noeviction=True)
    finally:
        server.stop()


def test_a_server_that_allows_config_is_checked_as_before(redis_server: RedisServer) -> None:
    report = check_redis(connect(redis_server.url), assume_noeviction=True)
    assert report.persistence == "none"
    assert report.notes == ()
    assert ["persistence is off" in w for w in report.warnings] == [True]


@pytest.mark.parametrize("assume", [False, True])
def test_web_starts_on_a_redis_without_config(managed: RedisServer, tmp_path: Path, assume: bool) -> None:
    desk = tmp_path / "desk.toml"
    desk.write_text(EXAMPLE_DESK.read_text() + f"\n[redis]\nassume_noeviction = {str(assume).lower()}\n")
    env = commsdesk_env(
        SLACK_BOT_TOKEN="xoxb-managed", SLACK_SIGNING_SECRET="s", REDIS_URL=managed.url, COMMSDESK_CONFIG=str(desk)
    )
    with web_process(env, tmp_path) as url:
        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    log = "".join(path.read_text() for path in tmp_path.glob("web-*.log"))
    assert ("verify in the provider's settings" in log) is not assume
    assert ("trusting [redis] assume_noeviction = true" in log) is assume
    redis.Redis.from_url(managed.url).flushall()
