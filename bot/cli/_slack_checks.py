"""`commsdesk check`'s Slack probes: tokens, scopes, channels and approvers, with Slack's errors put into words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_scopes import APP_TOKEN_SCOPE, BOT_SCOPES
from config.desk import Desk

INVITE = "invite the bot with /invite @Comms Desk"
MEANINGS = {
    "invalid_auth": "the {token} was revoked or belongs to another workspace; copy it again from the app's settings",
    "not_authed": "no token reached Slack; set {env}",
    "token_revoked": "the {token} was revoked; reinstall the app and copy the new token into {env}",
    "token_expired": "the {token} has expired; turn off token rotation or refresh it",
    "account_inactive": "the bot user or its workspace was deactivated; reinstall the app",
    "not_allowed_token_type": "{env} holds the wrong kind of token: SLACK_BOT_TOKEN takes the xoxb- bot token, "
    f"SLACK_APP_TOKEN an xapp- app-level token with {APP_TOKEN_SCOPE}",
    "missing_scope": "the token lacks a scope this call needs; add the scopes of config/slack_manifest.yml and "
    "reinstall the app",
    "channel_not_found": f"no such channel, or a private channel the bot is not in; check the ID, then {INVITE}",
    "user_not_found": "no such user in this workspace; fix [desk] approvers",
    "no_such_subteam": "no such user group; fix [desk] approver_usergroup",
    "ratelimited": "Slack is rate limiting this app; run check again in a minute",
}


@dataclass(frozen=True)
class Line:
    """One check's outcome: what was checked, whether it passed, and what to do if not."""

    ok: bool
    name: str
    detail: str


def slack_says(exc: SlackApiError, token: str = "bot token", env: str = "SLACK_BOT_TOKEN") -> str:
    """Put a Slack error code into words that say what to change."""
    error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
    meaning = MEANINGS.get(error, "see Slack's documentation of this error for the method named")
    return f"Slack says {error}: {meaning.format(token=token, env=env)}"


def bot_token(slack: WebClient) -> Iterator[Line]:
    """Check the bot token with auth.test, then that it holds every scope the code uses."""
    try:
        reply = slack.auth_test()
    except SlackApiError as exc:
        yield Line(False, "slack", slack_says(exc))
        return
    yield Line(True, "slack", f"auth.test ok as {reply.get('user', '?')} in {reply.get('team', '?')}")
    headers: dict[str, Any] = {k.lower(): v for k, v in (reply.headers or {}).items()}
    raw = headers.get("x-oauth-scopes")
    if raw is None:
        yield Line(False, "slack scopes", "Slack did not report the token's scopes; is SLACK_API_URL Slack's API?")
        return
    granted = {s.strip() for s in str(raw).split(",") if s.strip()}
    if missing := sorted(set(BOT_SCOPES) - granted):
        fix = "add them under OAuth & Permissions (as in config/slack_manifest.yml) and reinstall the app"
        yield Line(False, "slack scopes", f"the bot token lacks {', '.join(missing)}: {fix}")
        return
    extra = sorted(granted - set(BOT_SCOPES))
    unused = f"; unused, remove them: {', '.join(extra)}" if extra else ""
    yield Line(True, "slack scopes", f"all {len(BOT_SCOPES)} scopes the code uses{unused}")


def app_token(slack: WebClient, token: str) -> Line:
    """Check the app-level token can open a Socket Mode connection."""
    try:
        slack.apps_connections_open(app_token=token)
    except SlackApiError as exc:
        return Line(False, "socket mode", slack_says(exc, "app-level token", "SLACK_APP_TOKEN"))
    return Line(True, "socket mode", "apps.connections.open ok: `commsdesk run` can connect without a public URL")


def channels(slack: WebClient, desk: Desk) -> Iterator[Line]:
    """Check every configured channel exists and has the bot in it, one line each."""
    seen: dict[str, str] = {}
    for where, channel in _configured_channels(desk):
        if channel in seen:
            continue
        seen[channel] = where
        name = f"channel {where}"
        try:
            info = slack.conversations_info(channel=channel)["channel"]
        except SlackApiError as exc:
            yield Line(False, name, f"{channel}: {slack_says(exc)}")
            continue
        if not info.get("is_member"):
            yield Line(False, name, f"{channel} (#{info.get('name', '?')}): the bot is not a member; {INVITE}")
            continue
        yield Line(True, name, f"{channel} (#{info.get('name', '?')}): the bot is a member")


def _configured_channels(desk: Desk) -> list[tuple[str, str]]:
    table = desk.desk
    fixed = [
        ("desk", table.channel),
        ("control room", table.control_room_channel),
        ("requests", table.requests_channel),
    ]
    return fixed + [(f"team {team.key}", team.channel) for team in desk.teams]


def approvers(slack: WebClient, desk: Desk) -> Line:
    """Check each approver (and the approver group) exists in the workspace and is active."""
    problems: list[str] = []
    for user_id in desk.desk.approvers:
        try:
            user = slack.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            problems.append(f"{user_id}: {slack_says(exc)}")
            continue
        if user.get("deleted"):
            problems.append(f"{user_id} is deactivated: remove them from [desk] approvers")
    group = desk.desk.approver_usergroup
    if group:
        try:
            slack.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            problems.append(f"{group}: {slack_says(exc)}")
    if problems:
        return Line(False, "approvers", "; ".join(problems))
    if not desk.desk.approvers and not group:
        return Line(False, "approvers", "nobody can decide platform requests: set [desk] approvers")
    return Line(
        True, "approvers", f"{len(desk.desk.approvers)} approvers found" + (f" and group {group}" if group else "")
    )
