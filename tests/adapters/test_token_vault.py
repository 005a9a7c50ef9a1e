"""Linked accounts' tokens: encrypted at rest, refreshed once across workers, unreadable with another key."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import redis
from cryptography.fernet import Fernet

from bot.adapters.store import Keys
from bot.adapters.token_vault import RedisTokenVault
from bot.adapters.x_oauth import Tokens, XOAuth
from bot.sandbox import XSandbox

NORTHTOWN_ID = "1400000000000000003"
KEY = Fernet.generate_key().decode()


def oauth(x: XSandbox) -> XOAuth:
    return XOAuth("client", None, "http://127.0.0.1:8765/x-callback", f"{x.url}/i/oauth2/authorize", x.url)


def test_tokens_are_encrypted_at_rest_and_listed_without_them(redis_client: redis.Redis, x_sandbox: XSandbox) -> None:
    vault = RedisTokenVault(redis_client, KEY, oauth(x_sandbox))
    got = x_sandbox.issue_token(NORTHTOWN_ID)
    vault.save(
        "MPNorthtown",
        NORTHTOWN_ID,
        Tokens(got["access_token"], got["refresh_token"], datetime.now(UTC) + timedelta(hours=2)),
    )
    raw = str(redis_client.get(Keys.x_tokens("MPNorthtown")))
    assert got["access_token"] not in raw and got["refresh_token"] not in raw and "MPNorthtown" not in raw
    [linked] = vault.linked()
    assert (linked.handle, linked.user_id, linked.refreshable) == ("MPNorthtown", NORTHTOWN_ID, True)
    assert got["access_token"] not in repr(linked)
    assert vault.access_token("mpnorthtown") == got["access_token"]


def test_another_key_cannot_read_them(redis_client: redis.Redis, x_sandbox: XSandbox) -> None:
    got = x_sandbox.issue_token(NORTHTOWN_ID)
    tokens = Tokens(got["access_token"], got["refresh_token"], datetime.now(UTC) + timedelta(hours=2))
    RedisTokenVault(redis_client, KEY, None).save("MPNorthtown", NORTHTOWN_ID, tokens)
    other = RedisTokenVault(redis_client, Fernet.generate_key().decode(), None)
    assert [a.readable for a in other.linked()] == [False] and other.can_post() == set()


def test_an_expiring_token_is_refreshed_once_by_racing_workers(redis_client: redis.Redis, x_sandbox: XSandbox) -> None:
    got = x_sandbox.issue_token(NORTHTOWN_ID)
    soon = datetime.now(UTC) + timedelta(seconds=30)
    RedisTokenVault(redis_client, KEY, oauth(x_sandbox)).save(
        "MPNorthtown", NORTHTOWN_ID, Tokens(got["access_token"], got["refresh_token"], soon)
    )
    seen: list[str] = []
    start = threading.Barrier(4)

    def worker() -> None:
        vault = RedisTokenVault(redis_client, KEY, oauth(x_sandbox))
        start.wait()
        seen.append(vault.access_token("MPNorthtown"))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert x_sandbox.oauth.refreshes == 1  # X rotates refresh tokens: a second refresh would fail
    assert len(set(seen)) == 1 and seen[0] != got["access_token"]
    assert x_sandbox.oauth.user_of(seen[0]) == NORTHTOWN_ID
