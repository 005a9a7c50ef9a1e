"""A Meta-enabled deployment for tests and benches: the Graph stand-in, tokens linked, the web door serving."""

from __future__ import annotations

from pydantic import AnyHttpUrl, SecretStr

from bot.adapters.meta_tokens import RedisMetaTokens
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import APP_SECRET, VERIFY_TOKEN
from bot.services import Services
from config.settings import Settings

SECRET_KEY = "oCXtsv4Hb6L8Wp0mSgR_4mCq0e4pM6gVv7qJcT1bD2k="  # a Fernet key for tests only
NORTH_PAGE = "1500000000000003"
HQ_PAGE = "1500000000000001"
NORTH_IG = "17841400000000003"
TOKENS = {NORTH_PAGE: "page-token-north", HQ_PAGE: "page-token-hq", NORTH_IG: "ig-token-north"}
CITIZEN = {"id": "6100000000000077", "name": "Ann Example"}


def with_meta(settings: Settings, graph: GraphSandbox) -> Settings:
    """The same deployment with Meta switched on against `graph`."""
    return settings.model_copy(
        update={
            "meta_app_secret": SecretStr(APP_SECRET),
            "meta_verify_token": SecretStr(VERIFY_TOKEN),
            "meta_api_url": AnyHttpUrl(graph.url),
            "commsdesk_secret_key": SecretStr(SECRET_KEY),
        }
    )


def populate(graph: GraphSandbox) -> None:
    """Give the stand-in the example desk's pages and account, with their tokens."""
    graph.add_page(NORTH_PAGE, "Northtown Neighbourhood Police", TOKENS[NORTH_PAGE])
    graph.add_page(HQ_PAGE, "Midshire Police", TOKENS[HQ_PAGE])
    graph.add_instagram(NORTH_IG, "northtown.police", TOKENS[NORTH_IG])


def link_tokens(services: Services) -> None:
    tokens = RedisMetaTokens(services.redis, SECRET_KEY)
    for account_id, token in TOKENS.items():
        tokens.link(account_id, token)
