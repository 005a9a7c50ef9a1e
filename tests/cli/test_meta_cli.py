"""`commsdesk meta link` stores a page token encrypted; `commsdesk check` says which pages and accounts answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from click.testing import CliRunner

from bot.adapters.meta_tokens import RedisMetaTokens
from bot.cli import main
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import APP_SECRET, VERIFY_TOKEN
from bot.sandbox.redis_server import RedisServer
from tests.cli.test_check import check, failures, workspace
from tests.conftest import EXAMPLE_DESK
from tests.support.meta import HQ_PAGE, NORTH_IG, NORTH_PAGE, SECRET_KEY, TOKENS

__all__ = ["check", "workspace"]  # test_check's fixtures, used here by name


@pytest.fixture
def meta_env(graph: GraphSandbox, redis_client: redis.Redis) -> dict[str, str]:
    return {
        "META_APP_SECRET": APP_SECRET,
        "META_VERIFY_TOKEN": VERIFY_TOKEN,
        "META_API_URL": graph.url,
        "COMMSDESK_SECRET_KEY": SECRET_KEY,
    }


def test_check_names_each_page_and_account_and_whether_it_answers(
    check: Callable[..., tuple[int, list[str]]], meta_env: dict[str, str], redis_client: redis.Redis
) -> None:
    tokens = RedisMetaTokens(redis_client, SECRET_KEY)
    tokens.link(NORTH_PAGE, TOKENS[NORTH_PAGE])
    tokens.link(NORTH_IG, TOKENS[NORTH_IG])
    tokens.link(HQ_PAGE, "a-revoked-token")
    code, lines = check(**meta_env)
    north = "Northtown Neighbourhood Police"
    assert f"ok   facebook page {north}: reachable as '{north}' (id 1500000000000003)" in lines
    assert "ok   instagram northtown.police: reachable as 'northtown.police' (id 17841400000000003)" in lines
    assert "ok   meta webhooks: app secret and verify token set; subscribe Meta to /meta/webhooks" in lines
    [failed] = failures(lines)
    assert failed.startswith("FAIL facebook page Midshire Police: Graph API refused the request (code 190)")
    assert code == 1
    assert "a-revoked-token" not in "\n".join(lines)


def test_link_stores_the_token_encrypted_and_proves_it(
    monkeypatch: pytest.MonkeyPatch, meta_env: dict[str, str], redis_client: redis.Redis, redis_server: RedisServer
) -> None:
    for name, value in (meta_env | {"REDIS_URL": redis_server.url, "COMMSDESK_CONFIG": str(EXAMPLE_DESK)}).items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["meta", "link", NORTH_PAGE], input=TOKENS[NORTH_PAGE] + "\n")
    assert result.exit_code == 0, result.output
    assert "linked Northtown Neighbourhood Police (id 1500000000000003)" in result.output
    assert TOKENS[NORTH_PAGE] not in result.output
    assert RedisMetaTokens(redis_client, SECRET_KEY).token(NORTH_PAGE) == TOKENS[NORTH_PAGE]
    unknown = CliRunner().invoke(main, ["meta", "link", "999"], input="t\n")
    assert unknown.exit_code == 2 and "not in the desk config" in unknown.output
    wrong = CliRunner().invoke(main, ["meta", "link", HQ_PAGE], input="wrong\n")
    assert wrong.exit_code == 1 and "Meta refused it" in wrong.output
