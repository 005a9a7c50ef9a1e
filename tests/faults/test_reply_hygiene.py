"""At DEBUG, replying from Slack through real web and worker processes logs no posting token and no secret key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
from cryptography.fernet import Fernet
from slack_sdk import WebClient

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.token_vault import RedisTokenVault
from bot.adapters.x_oauth import Tokens
from bot.blocks.ids import MentionAction, ReplyBlock, ReplyView
from bot.core.tracking import CardRef
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.block_kit import state_values
from bot.sandbox.signed import SlackRequests, eventually
from tests.support.factories import tracked
from tests.support.processes import BOT_TOKEN, Deployment

pytestmark = pytest.mark.slow
NORTHTOWN_ID, TEAM_CHANNEL, OFFICER = "1400000000000000003", "C0NORTH0001", "U0ALICE0001"
REPLY = "@nina_rowe Thanks, please report it at police.uk or call 101."


def test_a_reply_with_a_token_refresh_logs_no_token(
    deploy: Deployment, redis_client: redis.Redis, slack_sandbox: SlackSandbox, x_sandbox: XSandbox
) -> None:
    key = Fernet.generate_key().decode()
    tweet = x_sandbox.add_mentions(NORTHTOWN_ID, "MPNorthtown")[0]
    ts = str(
        WebClient(token=BOT_TOKEN, base_url=slack_sandbox.url).chat_postMessage(channel=TEAM_CHANNEL, text="c")["ts"]
    )
    RedisMentionStore(redis_client, 30).record_new(tracked(tweet, cards=(CardRef(channel=TEAM_CHANNEL, ts=ts),)))
    for channel, members in ((TEAM_CHANNEL, [OFFICER]), ("C0DESK00001", []), ("C0CTRL00001", [])):
        slack_sandbox.set_members(channel, members)
    got = x_sandbox.issue_token(NORTHTOWN_ID)
    expires = datetime.now(UTC) + timedelta(hours=2)
    RedisTokenVault(redis_client, key, None).save(
        "MPNorthtown", NORTHTOWN_ID, Tokens(got["access_token"], got["refresh_token"], expires)
    )
    x_sandbox.oauth.expire(NORTHTOWN_ID)  # X answers 401: the worker refreshes, sending the refresh token
    env = {"COMMSDESK_SECRET_KEY": key, "X_CLIENT_ID": "sandbox-client"}
    with deploy.web(**env) as url:
        slack = SlackRequests(url)
        assert slack.block_action(MentionAction.REPLY, tweet, user_id=OFFICER, channel=TEAM_CHANNEL).status_code == 200
        view = eventually(lambda: list(slack_sandbox.views().values()))[0]
        values = state_values(view, {f"{ReplyBlock.TEXT}0": REPLY})
        answer = slack.view_submission(
            ReplyView.COMPOSE, values, user_id=OFFICER, private_metadata=view["private_metadata"]
        )
        assert answer.status_code == 200
        assert deploy.start("worker", "worker", "--once", **env).wait(timeout=90) == 0
    assert [r["text"] for r in x_sandbox.replies_to(tweet)] == [REPLY] and x_sandbox.oauth.refreshes == 1
    logs = deploy.all_logs()
    assert '"level": "debug"' in logs
    for secret in (key, "sbx-at-", "sbx-rt-", got["access_token"], got["refresh_token"]):
        assert secret not in logs
