"""`commsdesk accounts link HANDLE` and `commsdesk accounts list`: the desk accounts that can post replies.

Linking runs X's OAuth 2.0 flow with PKCE: it prints the authorisation URL, the account's owner opens it signed in
as that account and approves, and pastes back the URL X redirected to (or just its `code`). The tokens are stored
encrypted with COMMSDESK_SECRET_KEY and never printed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.adapters.store import AuditLog, connect
from bot.adapters.token_vault import LinkedAccount
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.core.errors import CommsDeskError
from bot.services import build_token_vault, build_x_oauth


@click.group()
def accounts() -> None:
    """Desk accounts that post replies from Slack (docs/replying.md)."""


@accounts.command()
@click.argument("handle")
def link(handle: str) -> None:
    """Link HANDLE (a desk account) for posting: open the printed URL as that account, paste the callback."""
    settings = settings_or_exit("commsdesk_secret_key", "x_client_id")
    desk = desk_or_exit(settings.commsdesk_config)
    wanted = handle.lstrip("@").casefold()
    account = next((a for _, a in desk.accounts() if a.handle.casefold() == wanted), None)
    if account is None:
        fail(f"@{handle.lstrip('@')} is not a desk account; add it to a team's accounts in the desk config first")
    client = connect(settings.redis_url)
    vault, oauth = build_token_vault(settings, client), build_x_oauth(settings)
    assert vault is not None and oauth is not None  # both settings were required above
    started = oauth.begin()
    click.echo(f"1. Open this URL in a browser signed in to X as @{account.handle} and approve Comms Desk:")
    click.echo(f"   {started.url}")
    click.echo(f"2. X sends the browser to {settings.x_redirect_uri}?…: copy that whole address.")
    callback = click.prompt("Paste it (or just its code) here", prompt_suffix=": ")
    try:
        tokens = oauth.exchange(callback, started)
        user_id, username = oauth.whoami(tokens.access_token)
    except CommsDeskError as exc:
        fail(f"Not linked: {exc}")
    if username.casefold() != account.handle.casefold() or user_id != account.id:
        fail(f"Not linked: X says you approved as @{username} (id {user_id}); sign in as @{account.handle} and retry")
    vault.save(account.handle, user_id, tokens)
    AuditLog(client).record("cli", "account.linked", account.handle, scope=tokens.scope)
    click.echo(f"Linked @{account.handle}: it can post replies from Slack (the token refreshes itself).")


@accounts.command("list")
def list_accounts() -> None:
    """List the desk accounts and whether each can post replies now."""
    settings = settings_or_exit()
    desk = desk_or_exit(settings.commsdesk_config)
    vault = build_token_vault(settings, connect(settings.redis_url))
    linked = {a.handle.casefold(): a for a in vault.linked()} if vault is not None else {}
    for team, account in desk.accounts():
        click.echo(
            f"@{account.handle:<16} {team.key:<14} {describe(linked.get(account.handle.casefold()), vault is not None)}"
        )
    if vault is None:
        click.echo("COMMSDESK_SECRET_KEY is not set: replying from Slack is off until it is and accounts are linked.")


def describe(linked: LinkedAccount | None, configured: bool, now: datetime | None = None) -> str:
    """Say whether an account can post, and what to do when it cannot."""
    if not configured:
        return "cannot post (COMMSDESK_SECRET_KEY not set)"
    if linked is None:
        return "not linked: run `commsdesk accounts link HANDLE`"
    if not linked.readable:
        return "cannot post: its tokens do not decrypt with COMMSDESK_SECRET_KEY; link it again"
    if linked.refreshable:
        return f"can post (linked {linked.linked_at:%Y-%m-%d}; token refreshes itself)"
    if linked.expires_at > (now or datetime.now(UTC)):
        return f"can post until {linked.expires_at:%Y-%m-%d %H:%M} UTC (no refresh token: link again before then)"
    return "cannot post: its token expired and has no refresh token; link it again"
