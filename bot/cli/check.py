"""`commsdesk check`: everything an operator would otherwise find out in production, one line per check.

Settings and desk config, then Redis, Slack (bot token, its scopes, Socket Mode's app token, every channel,
the approvers), X (each account id against its handle), Meta (each page and Instagram account reached with
its linked token), the SLAs and the X read budget. A failing line says
what to change; the exit status is 1 if any line failed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import click

from bot.adapters.store import check_redis, connect
from bot.blocks.x_reads import build_forecast_line
from bot.cli import _slack_checks as slack_checks
from bot.cli._slack_checks import Line
from bot.cli.accounts import describe
from bot.cli.meta import meta_lines
from bot.core.errors import CommsDeskError
from bot.jobs.x_reads import desk_read_forecast
from bot.services import build_slack_client, build_token_vault, packaged_triage_model
from config.desk import Desk, DeskConfigError, load_desk
from config.settings import Settings, SettingsError, load_settings

REQUIRED = ("slack_bot_token", "slack_signing_secret", "x_bearer_token")
X_STATUS = re.compile(r"X answered (\d{3})")
X_MEANINGS = {
    "401": "the bearer token is wrong or revoked; set X_BEARER_TOKEN to the app's bearer token",
    "403": "the app's X access level does not allow this lookup; check the plan in the X developer portal",
}


def _echo(line: Line) -> bool:
    click.echo(f"{'ok  ' if line.ok else 'FAIL'} {line.name}: {line.detail}")
    return line.ok


def _attempt(name: str, probe: Callable[[], Iterable[Line]]) -> list[Line]:
    """Run one probe; an outside service failing in an unforeseen way is a failed line, not a traceback."""
    try:
        return list(probe())
    except CommsDeskError as exc:
        return [Line(False, name, str(exc))]
    except Exception as exc:  # noqa: BLE001 - any failure of an outside service is a failed check
        return [Line(False, name, f"{type(exc).__name__}: {exc}")]


def _triage_model() -> Iterable[Line]:
    """Load the packaged triage model as the worker will, and say what it was trained on."""
    model = packaged_triage_model()
    band = model.band
    yield Line(
        True,
        "triage model",
        f"loaded; trained on {model.body['training']['examples']} examples (data sha256 {model.training_sha256[:12]}); "
        f"safety band {band.lower:.3f}-{band.upper:.3f}; reads {', '.join(sorted(model.languages))}",
    )


def _redis(settings: Settings, desk: Desk | None) -> Iterable[Line]:
    report = check_redis(connect(settings.redis_url), desk.redis.assume_noeviction if desk else False)
    notes = "".join(f"; warning: {w}" for w in report.warnings) + "".join(f"; {n}" for n in report.notes)
    yield Line(True, "redis", f"Redis {report.version}, persistence {report.persistence}{notes}")


def _slack(settings: Settings, desk: Desk | None) -> Iterable[Line]:
    settings.require("slack_bot_token")
    bot = build_slack_client(settings, retries=False)  # a check reports Slack's first answer
    token_lines = list(slack_checks.bot_token(bot))
    yield from token_lines
    if settings.slack_app_token is not None:
        yield slack_checks.app_token(bot, settings.secret("slack_app_token"))
    if desk is not None and token_lines[0].ok:
        yield from slack_checks.channels(bot, desk)
        yield slack_checks.approvers(bot, desk)


def _x(settings: Settings, desk: Desk) -> Iterable[Line]:
    from bot.adapters.x import TweepyMentionSource, build_x_client  # tweepy is slow to import; only X needs it

    token = settings.secret("x_bearer_token")
    source = TweepyMentionSource(build_x_client(token, str(settings.x_api_url), desk.x.timeout_seconds), max_retries=0)
    accounts = [account for _, account in desk.accounts()]
    try:
        found = source.user_ids([a.handle for a in accounts])
    except CommsDeskError as exc:
        status = X_STATUS.search(str(exc))
        meaning = X_MEANINGS.get(status[1], "") if status else ""
        raise CommsDeskError(f"{exc}: {meaning}" if meaning else str(exc)) from None
    problems = []
    for account in accounts:
        actual = found.get(account.handle)
        if actual is None:
            problems.append(f"X does not know @{account.handle}: check the handle's spelling")
        elif actual != account.id:
            problems.append(f'@{account.handle} is id {actual} on X, not {account.id}: set id = "{actual}"')
    if problems:
        yield Line(False, "x accounts", "; ".join(problems))
    else:
        yield Line(True, "x accounts", f"{len(accounts)} desk accounts match their handles on X")


def _posting(settings: Settings, desk: Desk) -> Iterable[Line]:
    """Say which desk accounts can post replies from Slack; a link the key cannot read, or a dead token, fails."""
    vault = build_token_vault(settings, connect(settings.redis_url))
    if vault is None:
        yield Line(True, "x posting", "replying from Slack is off: set COMMSDESK_SECRET_KEY, then `accounts link`")
        return
    linked = {a.handle.casefold(): a for a in vault.linked()}
    said = {a.handle: describe(linked.get(a.handle.casefold()), True) for _, a in desk.accounts()}
    can = [f"@{h}" for h, s in said.items() if s.startswith("can post")]
    broken = [f"@{h} {s}" for h, s in said.items() if s.startswith("cannot post")]
    unlinked = [f"@{h}" for h, s in said.items() if s.startswith("not linked")]
    detail = f"can post: {', '.join(can) or 'none'}"
    detail += f"; not linked: {', '.join(unlinked)}" if unlinked else ""
    detail += f"; {'; '.join(broken)}" if broken else ""
    yield Line(not broken, "x posting", detail)


def _slas(desk: Desk) -> Line:
    """Check the SLAs against each other and against how often X is polled."""
    triage, poll = desk.triage, desk.x.poll_seconds
    problems = []
    if triage.urgent_sla_minutes >= triage.reply_sla_minutes:
        problems.append(
            f"urgent_sla_minutes ({triage.urgent_sla_minutes}) must be shorter than reply_sla_minutes "
            f"({triage.reply_sla_minutes})"
        )
    if triage.urgent_sla_minutes * 60 <= poll:
        problems.append(
            f"urgent_sla_minutes ({triage.urgent_sla_minutes}) cannot be met when X is polled every {poll} s: "
            "lower [x] poll_seconds or raise the SLA"
        )
    if desk.desk.claim_expiry_minutes > triage.reply_sla_minutes:
        problems.append(
            f"claim_expiry_minutes ({desk.desk.claim_expiry_minutes}) outlasts reply_sla_minutes "
            f"({triage.reply_sla_minutes}): a forgotten claim would hide a mention past its SLA"
        )
    if problems:
        return Line(False, "slas", "; ".join(problems) + " (in the desk config)")
    return Line(True, "slas", f"urgent {triage.urgent_sla_minutes} min < reply {triage.reply_sla_minutes} min")


def _budget(desk: Desk) -> Line:
    """Check the expected monthly X reads (polling, own posts, compliance) fit `[x] monthly_read_budget`."""
    forecast = desk_read_forecast(desk)
    line = build_forecast_line(forecast)
    if forecast.fits_budget:
        return Line(True, "x budget", line)
    fix = "raise [x] monthly_read_budget with a bigger X plan, poll less often, or watch fewer accounts"
    return Line(False, "x budget", f"{line}: {fix}")


def _settings_lines() -> tuple[Settings | None, list[Line]]:
    try:
        settings = load_settings()
    except SettingsError as exc:
        return None, [Line(False, "settings", line) for line in str(exc).splitlines()]
    return settings, [Line(False, "settings", f"{name} is not set") for name in settings.missing(*REQUIRED)]


def _desk_lines(settings: Settings) -> tuple[Desk | None, list[Line]]:
    try:
        desk = load_desk(settings.commsdesk_config)
    except DeskConfigError as exc:
        return None, [Line(False, "desk config", line) for line in str(exc).splitlines()]
    return desk, [Line(True, "desk config", f"{settings.commsdesk_config}: {len(desk.teams)} teams")]


@click.command()
def check() -> None:
    """Validate settings and desk config; reach Redis, Slack and X; one line per check; exit 1 on any failure."""
    settings, lines = _settings_lines()
    if settings is None:
        for line in lines:
            _echo(line)
        raise SystemExit(1)
    desk, desk_lines = _desk_lines(settings)
    lines += desk_lines
    lines += _attempt("redis", lambda: _redis(settings, desk))
    if settings.slack_bot_token is not None:
        lines += _attempt("slack", lambda: _slack(settings, desk))
    if settings.x_bearer_token is not None and desk is not None:
        checked = desk
        lines += _attempt("x accounts", lambda: _x(settings, checked))
    if settings.meta_enabled and desk is not None:
        meta_desk = desk
        lines += _attempt("meta", lambda: meta_lines(settings, meta_desk))
    if desk is not None:
        checked_desk = desk
        lines += _attempt("x posting", lambda: _posting(settings, checked_desk))
        lines += [_slas(desk), _budget(desk)]
    lines += _attempt("triage model", _triage_model)
    results = [_echo(line) for line in lines]
    raise SystemExit(0 if all(results) else 1)
