"""Tokens at rest: Fernet round trip, and errors that say what to do when the key is wrong."""

from __future__ import annotations

import pytest
import redis

from bot.adapters import secret_box
from bot.adapters.meta_tokens import RedisMetaTokens
from bot.core.errors import ConfigurationError
from tests.support.meta import SECRET_KEY

OTHER_KEY = "x1JbJ8c8m1HqvM7m0ePz6Yb7VgkzQw4nJm3VZq2pV0E="


def test_a_token_round_trips_and_is_not_stored_in_clear(redis_client: redis.Redis) -> None:
    tokens = RedisMetaTokens(redis_client, SECRET_KEY)
    tokens.link("1500000000000003", "EAAG-page-token")
    stored = [str(redis_client.get(k)) for k in redis_client.scan_iter("*")]
    assert stored and all("EAAG" not in value for value in stored)
    assert tokens.token("1500000000000003") == "EAAG-page-token"
    assert tokens.token("1500000000000009") is None
    assert tokens.unlink("1500000000000003") and tokens.token("1500000000000003") is None


def test_a_changed_key_cannot_decrypt_and_says_so() -> None:
    token = secret_box.encrypt(SECRET_KEY, "EAAG-page-token")
    with pytest.raises(ConfigurationError, match="key changed"):
        secret_box.decrypt(OTHER_KEY, token)
    with pytest.raises(ConfigurationError, match="key changed"):
        secret_box.decrypt(SECRET_KEY, token[:-4] + "AAAA")


def test_a_malformed_key_names_the_variable_and_how_to_make_one() -> None:
    with pytest.raises(ConfigurationError, match="COMMSDESK_SECRET_KEY is not a Fernet key: generate one"):
        secret_box.encrypt("hunter2", "EAAG-page-token")
