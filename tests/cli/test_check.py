from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from cryptography.fernet import Fernet

from bot.adapters.token_vault import RedisTokenVault
from bot.adapters.x_oauth import Tokens
from bot.cli import main
from bot.learning.examples import read_examples, training_folders
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer, free_port
from bot.slack_scopes import BOT_SCOPES
from tests.conftest import EXAMPLE_DESK, REPO
from tests.support.live import commsdesk_env


def _check(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_nothing_configured_fails_with_a_line_per_missing_setting(tmp_path: Path) -> None:
    result = _check(commsdesk_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"), tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "FAIL settings: SLACK_BOT_TOKEN is not set",
        "FAIL settings: SLACK_SIGNING_SECRET is not set",
        "FAIL settings: X_BEARER_TOKEN is not set",
    ]
    assert lines[3].startswith("FAIL desk config: config/desk.toml: cannot read desk config")
    assert lines[4].startswith("FAIL redis: cannot reach Redis")


def test_configured_desk_reaches_redis_and_slack(tmp_path: Path, redis_server: RedisServer) -> None:
    with SlackSandbox() as slack:
        env = commsdesk_env(
            SLACK_BOT_TOKEN="xoxb-check-token",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=slack.url,
            REDIS_URL=redis_server.url,
            COMMSDESK_CONFIG=str(EXAMPLE_DESK),
        )
        result = _check(env, tmp_path)
        assert slack.calls[0].method == "auth.test"
    lines = result.stdout.splitlines()
    assert lines[0] == "FAIL settings: X_BEARER_TOKEN is not set"
    assert lines[1] == f"ok   desk config: {EXAMPLE_DESK}: 5 teams"
    assert lines[2].startswith("ok   redis: Redis 7")
    assert "persistence is off" in lines[2]
    assert lines[3].startswith("ok   slack: auth.test ok")
    assert result.returncode == 1
    assert "xoxb-check-token" not in result.stdout + result.stderr


# -- in process, against the Slack and X stand-ins and a private Redis ------------------------------------

BOT_TOKEN = "xoxb-check-token"
CHANNELS = (
    "C0DESK00001",
    "C0CTRL00001",
    "C0REQS00001",
    "C0FORCE0001",
    "C0ROADS0001",
    "C0NORTH0001",
    "C0RIVER0001",
    "C0OLDFL0001",
)
ACCOUNTS = {
    "MidshirePolice": "1400000000000000001",
    "MidshireRoads": "1400000000000000002",
    "MPNorthtown": "1400000000000000003",
    "MPRiverside": "1400000000000000004",
    "MPOldfield": "1400000000000000005",
}


@pytest.fixture
def workspace(slack_sandbox: SlackSandbox, x_sandbox: XSandbox) -> tuple[SlackSandbox, XSandbox]:
    """A correctly set-up force: the bot in every channel, both approvers, every account known to X."""
    for channel in CHANNELS:
        slack_sandbox.set_members(channel, ["U0BOT", "U0DESK00001"])
    for approver in ("U0APPR00001", "U0APPR00002"):
        slack_sandbox.add_user(approver, real_name="Approver")
    for handle, account_id in ACCOUNTS.items():
        x_sandbox.add_user(account_id, handle)
    return slack_sandbox, x_sandbox


def run_check(
    monkeypatch: pytest.MonkeyPatch, slack: SlackSandbox, x: XSandbox, redis_url: str, desk_text: str, **env: str
) -> tuple[int, list[str]]:
    desk_file = Path("desk.toml")
    desk_file.write_text(desk_text, encoding="utf-8")
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": slack.url,
        "X_BEARER_TOKEN": "x-bearer",
        "X_API_URL": x.url,
        "REDIS_URL": redis_url,
        "COMMSDESK_CONFIG": str(desk_file),
    } | env
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["check"])
    assert BOT_TOKEN not in result.output
    return result.exit_code, result.output.splitlines()


@pytest.fixture
def check(
    monkeypatch: pytest.MonkeyPatch, workspace: tuple[SlackSandbox, XSandbox], redis_server: RedisServer
) -> Callable[..., tuple[int, list[str]]]:
    slack, x = workspace

    def invoke(desk_text: str = EXAMPLE_DESK.read_text(), **env: str) -> tuple[int, list[str]]:
        return run_check(monkeypatch, slack, x, redis_server.url, desk_text, **env)

    return invoke


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL")]


def test_a_valid_setup_passes_every_check(check: Callable[..., tuple[int, list[str]]]) -> None:
    code, lines = check(SLACK_APP_TOKEN="xapp-1-check")
    assert failures(lines) == []
    assert code == 0
    names = [line[5:].split(":")[0] for line in lines]
    assert names == [
        "desk config",
        "redis",
        "slack",
        "slack scopes",
        "socket mode",
        *(
            f"channel {c}"
            for c in (
                "desk",
                "control room",
                "requests",
                "team force",
                "team roads",
                "team northtown",
                "team riverside",
                "team oldfield",
            )
        ),
        "approvers",
        "x accounts",
        "x posting",
        "slas",
        "x budget",
        "triage model",
    ]
    trained = sum(len(read_examples(folder)) for folder in training_folders(REPO / "data" / "mentions"))
    assert any(line.startswith(f"ok   triage model: loaded; trained on {trained} examples") for line in lines)
    assert "ok   x accounts: 5 desk accounts match their handles on X" in lines
    assert any(line.startswith("ok   x budget: expected X reads a month: 9,893 (3,044 mentions") for line in lines)


def test_a_revoked_bot_token_is_named_in_words(
    check: Callable[..., tuple[int, list[str]]], slack_sandbox: SlackSandbox
) -> None:
    slack_sandbox.refuse_token(BOT_TOKEN, "invalid_auth")
    code, lines = check()
    assert code == 1
    assert failures(lines) == [
        "FAIL slack: Slack says invalid_auth: the bot token was revoked or belongs to another workspace; "
        "copy it again from the app's settings"
    ]


def test_a_revoked_app_token_fails_the_socket_mode_check(
    check: Callable[..., tuple[int, list[str]]], slack_sandbox: SlackSandbox
) -> None:
    slack_sandbox.refuse_token("xapp-1-revoked", "token_revoked")
    code, lines = check(SLACK_APP_TOKEN="xapp-1-revoked")
    assert code == 1
    assert failures(lines) == [
        "FAIL socket mode: Slack says token_revoked: the app-level token was revoked; reinstall the app and copy "
        "the new token into SLACK_APP_TOKEN"
    ]


def test_a_missing_scope_is_named_with_the_fix(
    check: Callable[..., tuple[int, list[str]]], slack_sandbox: SlackSandbox
) -> None:
    slack_sandbox.set_scopes([s for s in BOT_SCOPES if s not in ("users:read", "groups:read")] + ["im:write"])
    code, lines = check()
    assert code == 1
    assert failures(lines) == [
        "FAIL slack scopes: the bot token lacks groups:read, users:read: add them under OAuth & Permissions "
        "(as in config/slack_manifest.yml) and reinstall the app"
    ]


def test_a_channel_name_instead_of_an_id_says_to_use_the_id(check: Callable[..., tuple[int, list[str]]]) -> None:
    code, lines = check(EXAMPLE_DESK.read_text().replace('"C0CTRL00001"', '"#control-room"'))
    assert code == 1
    [line] = failures(lines)
    assert line.startswith("FAIL desk config: desk.toml: desk.control_room_channel: ")
    assert "use the channel ID, e.g. C0123ABCD, not #comms-desk" in line


def test_a_channel_without_the_bot_says_to_invite_it(
    check: Callable[..., tuple[int, list[str]]], slack_sandbox: SlackSandbox
) -> None:
    slack_sandbox.set_members("C0CTRL00001", ["U0DESK00001"])
    del slack_sandbox.state.members["C0ROADS0001"]
    code, lines = check()
    assert code == 1
    assert failures(lines) == [
        "FAIL channel control room: C0CTRL00001 (#c0ctrl00001): the bot is not a member; "
        "invite the bot with /invite @Comms Desk",
        "FAIL channel team roads: C0ROADS0001: Slack says channel_not_found: no such channel, or a private channel "
        "the bot is not in; check the ID, then invite the bot with /invite @Comms Desk",
    ]


def test_an_unknown_approver_is_named(check: Callable[..., tuple[int, list[str]]], slack_sandbox: SlackSandbox) -> None:
    del slack_sandbox.state.users["U0APPR00002"]
    code, lines = check()
    assert code == 1
    assert failures(lines) == [
        "FAIL approvers: U0APPR00002: Slack says user_not_found: no such user in this workspace; fix [desk] approvers"
    ]


def test_an_account_id_that_is_not_its_handle_on_x_is_named(
    check: Callable[..., tuple[int, list[str]]], x_sandbox: XSandbox
) -> None:
    x_sandbox.store.users.pop("1400000000000000005")
    x_sandbox.add_user("1499999999999999999", "MPOldfield")
    code, lines = check(EXAMPLE_DESK.read_text().replace('"MPRiverside"', '"MPRiversideX"'))
    assert code == 1
    assert failures(lines) == [
        "FAIL x accounts: X does not know @MPRiversideX: check the handle's spelling; "
        '@MPOldfield is id 1499999999999999999 on X, not 1400000000000000005: set id = "1499999999999999999"'
    ]


def test_a_wrong_x_bearer_token_is_named(check: Callable[..., tuple[int, list[str]]], x_sandbox: XSandbox) -> None:
    x_sandbox.bearer_token = "the-right-one"
    code, lines = check()
    assert code == 1
    assert failures(lines) == [
        "FAIL x accounts: X answered 401: the bearer token is wrong or revoked; set X_BEARER_TOKEN to the app's "
        "bearer token"
    ]


def test_a_budget_too_small_for_the_accounts_is_named(check: Callable[..., tuple[int, list[str]]]) -> None:
    code, lines = check(EXAMPLE_DESK.read_text() + "\n[x]\nmonthly_read_budget = 2000\n")
    assert code == 1
    [line] = failures(lines)
    assert line.startswith("FAIL x budget: expected X reads a month: 9,893 (3,044 mentions, 761 own posts, 6,088 ")
    assert "OVER the 2,000 budget" in line and line.endswith(
        ": raise [x] monthly_read_budget with a bigger X plan, poll less often, or watch fewer accounts"
    )


def test_inconsistent_slas_are_named(check: Callable[..., tuple[int, list[str]]]) -> None:
    desk = EXAMPLE_DESK.read_text().replace("urgent_sla_minutes = 5", "urgent_sla_minutes = 90")
    code, lines = check(desk)
    assert code == 1
    [line] = failures(lines)
    assert line.startswith("FAIL slas: urgent_sla_minutes (90) must be shorter than reply_sla_minutes (60)")


def test_check_says_which_accounts_can_post_and_fails_on_links_the_key_cannot_read(
    check: Callable[..., tuple[int, list[str]]], redis_client: redis.Redis
) -> None:
    key = Fernet.generate_key().decode()
    tokens = Tokens("access", "refresh", datetime.now(UTC) + timedelta(hours=2))
    RedisTokenVault(redis_client, key, None).save("MPNorthtown", "1400000000000000003", tokens)
    RedisTokenVault(redis_client, Fernet.generate_key().decode(), None).save(
        "MPOldfield", "1400000000000000005", tokens
    )
    code, lines = check(COMMSDESK_SECRET_KEY=key)
    [posting] = [line for line in lines if line[5:].startswith("x posting")]
    assert posting.startswith("FAIL x posting: can post: @MPNorthtown; not linked: @MidshirePolice")
    assert "@MPOldfield cannot post: its tokens do not decrypt" in posting and code == 1
