"""Suite-wide fixtures: hermetic environment, loopback-only network, a private real Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.adapters.store import SeenRequests
from bot.app import create_app
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.redis_server import RedisServer
from bot.sandbox.signed import SIGNING_SECRET, SlackRequests
from bot.sandbox.wsgi import serve_wsgi
from bot.services import Services, build_services
from bot.web.front_door import WebApp
from config.desk import Desk, load_desk
from config.settings import Settings
from tests.support import network_guard
from tests.support.meta import populate

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "data" / "mentions" / "dev"
EXAMPLE_DESK = REPO / "config" / "desk.example.toml"
SCRUBBED_PREFIXES = ("SLACK_", "X_", "COMMSDESK_", "META_")
SCRUBBED_NAMES = {"REDIS_URL", "PORT", "LOG_LEVEL", "LOG_FORMAT"}


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Scrub Slack/X/Redis settings and run from a directory without a .env file."""
    for name in list(os.environ):
        if name.startswith(SCRUBBED_PREFIXES) or name in SCRUBBED_NAMES:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    network_guard.install()
    yield
    network_guard.uninstall()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A client on the private server, flushed before each test."""
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushall()
    yield client
    client.close()


@pytest.fixture(scope="session")
def desk() -> Desk:
    return load_desk(EXAMPLE_DESK)


@pytest.fixture
def slack_sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as sandbox:
        yield sandbox


@pytest.fixture
def x_sandbox() -> Iterator[XSandbox]:
    with XSandbox() as sandbox:
        yield sandbox


@pytest.fixture
def graph() -> Iterator[GraphSandbox]:
    """The Graph API stand-in with the example desk's pages and Instagram account, each with its token."""
    with GraphSandbox() as sandbox:
        populate(sandbox)
        yield sandbox


@pytest.fixture
def settings(redis_server: RedisServer, slack_sandbox: SlackSandbox, x_sandbox: XSandbox) -> Settings:
    """Settings of a deployment whose Slack and X are the sandboxes and whose Redis is the private server."""
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_sandbox.url,
        x_bearer_token="test-bearer",
        x_api_url=x_sandbox.url,
        redis_url=redis_server.url,
        commsdesk_config=str(EXAMPLE_DESK),
        _env_file=None,
    )


@pytest.fixture
def services(settings: Settings, desk: Desk, redis_client: redis.Redis) -> Iterator[Services]:
    built = build_services(settings, desk)
    yield built
    built.redis.close()


@pytest.fixture
def live_app(settings: Settings, services: Services) -> Iterator[SlackRequests]:
    """The real Bolt app behind the real WSGI front door, served over HTTP on loopback."""
    web = WebApp(create_app(settings, services), SIGNING_SECRET, SeenRequests(services.redis))
    with serve_wsgi(web) as url:
        yield SlackRequests(url)
