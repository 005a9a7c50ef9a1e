"""`commsdesk check`: validate settings and desk config, then reach Redis, Slack and X; one line per check."""

from __future__ import annotations

from collections.abc import Callable

import click

from bot.adapters.store import check_redis, connect
from bot.core.errors import CommsDeskError
from bot.services import build_slack_client
from config.desk import Desk, DeskConfigError, load_desk
from config.settings import Settings, SettingsError, load_settings

REQUIRED = ("slack_bot_token", "slack_signing_secret", "x_bearer_token")


def _line(ok: bool, name: str, detail: str) -> bool:
    click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    return ok


def _attempt(name: str, probe: Callable[[], str]) -> bool:
    try:
        return _line(True, name, probe())
    except CommsDeskError as exc:
        return _line(False, name, str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure of an outside service is a failed check
        return _line(False, name, f"{type(exc).__name__}: {exc}")


def _check_redis(settings: Settings) -> str:
    report = check_redis(connect(settings.redis_url))
    return f"Redis {report.version}, persistence {report.persistence}" + "".join(
        f"; warning: {w}" for w in report.warnings
    )


def _check_slack(settings: Settings) -> str:
    reply = build_slack_client(settings).auth_test()
    return f"auth.test ok as {reply.get('user', '?')} in {reply.get('team', '?')}"


def _check_x(settings: Settings, desk: Desk) -> str:
    from bot.adapters.x import build_x_client  # tweepy is slow to import; only this check needs it

    assert settings.x_bearer_token is not None
    client = build_x_client(settings.x_bearer_token.get_secret_value(), str(settings.x_api_url), desk.x.timeout_seconds)
    handles = [account.handle for _, account in desk.accounts()]
    response = client.get_users(usernames=handles)
    found = {user.username.casefold() for user in response.data or []}
    if missing := [h for h in handles if h.casefold() not in found]:
        raise CommsDeskError(f"X does not know these desk accounts: {', '.join(missing)}")
    return f"X API reached; {len(handles)} desk accounts found"


@click.command()
def check() -> None:
    """Validate settings and desk config; reach Redis, Slack (auth.test) and X; exit non-zero on any failure."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        for line in str(exc).splitlines():
            _line(False, "settings", line)
        raise SystemExit(1) from None
    results = [_line(False, "settings", f"{name.upper()} is not set") for name in settings.missing(*REQUIRED)]
    try:
        loaded = load_desk(settings.commsdesk_config)
        results.append(_line(True, "desk config", f"{settings.commsdesk_config}: {len(loaded.teams)} teams"))
        desk: Desk | None = loaded
    except DeskConfigError as exc:
        desk = None
        results.extend(_line(False, "desk config", line) for line in str(exc).splitlines())
    results.append(_attempt("redis", lambda: _check_redis(settings)))
    if settings.slack_bot_token is not None:
        results.append(_attempt("slack", lambda: _check_slack(settings)))
    if settings.x_bearer_token is not None and desk is not None:
        checked_desk = desk
        results.append(_attempt("x", lambda: _check_x(settings, checked_desk)))
    raise SystemExit(0 if all(results) else 1)
