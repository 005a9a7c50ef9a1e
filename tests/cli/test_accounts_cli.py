"""`commsdesk accounts link` as a real process through the X stand-in's OAuth 2.0 PKCE flow; `accounts list`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis
import requests
from click.testing import CliRunner
from cryptography.fernet import Fernet

from bot.__main__ import main
from bot.sandbox import XSandbox
from bot.sandbox.redis_server import RedisServer
from tests.conftest import EXAMPLE_DESK

NORTHTOWN_ID, FORCE_ID = "1400000000000000003", "1400000000000000001"
URL = re.compile(r"(http://127\.0\.0\.1:\d+/i/oauth2/authorize\?\S+)")


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, x_sandbox: XSandbox, redis_server: RedisServer, redis_client: redis.Redis
) -> Iterator[dict[str, str]]:
    """The environment of `accounts` commands against the stand-in and a flushed Redis."""
    x_sandbox.add_user(NORTHTOWN_ID, "MPNorthtown")
    x_sandbox.add_user(FORCE_ID, "MidshirePolice")
    values = {
        "X_API_URL": x_sandbox.url,
        "X_AUTHORIZE_URL": f"{x_sandbox.url}/i/oauth2/authorize",
        "X_CLIENT_ID": "sandbox-client",
        "COMMSDESK_SECRET_KEY": Fernet.generate_key().decode(),
        "REDIS_URL": redis_server.url,
        "COMMSDESK_CONFIG": str(EXAMPLE_DESK),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    yield values


def link(handle: str, env: dict[str, str]) -> tuple[int, str]:
    """Run `commsdesk accounts link`, open its URL as the signed-in account, paste back the callback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "accounts", "link", handle],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stdin is not None and process.stdout is not None
    printed = [process.stdout.readline() for _ in range(3)]
    found = URL.search("".join(printed))
    assert found is not None, printed
    callback = requests.get(found[1], allow_redirects=False, timeout=5).headers["Location"]
    rest, _ = process.communicate(callback + "\n", timeout=30)
    return process.returncode, "".join(printed) + rest


def test_link_stores_tokens_and_list_says_the_account_can_post(env: dict[str, str], x_sandbox: XSandbox) -> None:
    x_sandbox.consent_as(NORTHTOWN_ID)
    code, output = link("MPNorthtown", env)
    assert code == 0, output
    assert "Linked @MPNorthtown" in output and "sbx-at-" not in output and "sbx-rt-" not in output
    listed = CliRunner().invoke(main, ["accounts", "list"])
    assert listed.exit_code == 0
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert "can post" in lines["@MPNorthtown"] and "not linked" in lines["@MidshirePolice"]


def test_approving_as_another_account_links_nothing(env: dict[str, str], x_sandbox: XSandbox) -> None:
    x_sandbox.consent_as(FORCE_ID)
    code, output = link("MPNorthtown", env)
    assert code == 2 and "you approved as @MidshirePolice" in output
    listed = CliRunner().invoke(main, ["accounts", "list"])
    assert "not linked" in next(line for line in listed.output.splitlines() if "@MPNorthtown" in line)


def test_link_refuses_a_handle_that_is_not_a_desk_account(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["accounts", "link", "SomeoneElse"])
    assert result.exit_code == 2 and "not a desk account" in result.output
