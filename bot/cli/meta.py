"""`commsdesk meta link ID`: link a Facebook Page's or Instagram account's token; and the Meta lines of `check`."""

from __future__ import annotations

from collections.abc import Iterable

import click

from bot.adapters.meta import GraphMetaSource
from bot.adapters.meta_tokens import RedisMetaTokens
from bot.adapters.store import connect
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.cli._slack_checks import Line
from bot.core.errors import CommsDeskError
from bot.services import build_meta_tokens
from config.desk import Desk
from config.settings import Settings


def _tokens(settings: Settings) -> RedisMetaTokens:
    return build_meta_tokens(settings, connect(settings.redis_url))


def _source(settings: Settings, desk: Desk, tokens: RedisMetaTokens) -> GraphMetaSource:
    secret = settings.meta_app_secret.get_secret_value() if settings.meta_app_secret else ""
    return GraphMetaSource(str(settings.meta_api_url), secret, tokens.token, desk.meta.timeout_seconds, max_retries=0)


def meta_lines(settings: Settings, desk: Desk) -> Iterable[Line]:
    """Say whether webhooks can be verified and which pages and accounts answer with their linked token."""
    if settings.meta_verify_token is None:
        yield Line(False, "meta webhooks", "META_VERIFY_TOKEN is not set: Meta cannot verify /meta/webhooks")
    else:
        yield Line(True, "meta webhooks", "app secret and verify token set; subscribe Meta to /meta/webhooks")
    tokens = _tokens(settings)
    source = _source(settings, desk, tokens)
    accounts = [(a, False) for _, a in desk.facebook_pages()] + [(a, True) for _, a in desk.instagram_accounts()]
    for account, instagram in accounts:
        kind = "instagram" if instagram else "facebook page"
        try:
            found = source.account_name(account.id, instagram=instagram)
        except CommsDeskError as exc:
            yield Line(False, f"{kind} {account.name}", f"{exc}")
            continue
        yield Line(True, f"{kind} {account.name}", f"reachable as {found!r} (id {account.id})")


@click.group()
def meta() -> None:
    """Facebook Pages and Instagram accounts: link the token each is read and answered with."""


@meta.command()
@click.argument("account_id")
@click.option("--token", prompt=True, hide_input=True, help="the page (or linked page) access token")
def link(account_id: str, token: str) -> None:
    """Store a page's or Instagram account's token, encrypted, and prove it reaches the account."""
    settings = settings_or_exit("meta_app_secret", "commsdesk_secret_key")
    desk = desk_or_exit(settings.commsdesk_config)
    known = {a.id: (a.name, False) for _, a in desk.facebook_pages()}
    known |= {a.id: (a.name, True) for _, a in desk.instagram_accounts()}
    if account_id not in known:
        fail(f"{account_id} is not in the desk config: add it to a team's facebook_pages or instagram_accounts first")
    name, instagram = known[account_id]
    tokens = _tokens(settings)
    tokens.link(account_id, token.strip())
    try:
        found = _source(settings, desk, tokens).account_name(account_id, instagram=instagram)
    except CommsDeskError as exc:
        fail(f"linked {name}, but Meta refused it: {exc}", code=1)
    click.echo(f"linked {name} (id {account_id}): Meta knows it as {found!r}")
