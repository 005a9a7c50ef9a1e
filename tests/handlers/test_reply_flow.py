"""Replying from Slack end to end: signed HTTP into the real app, the Slack and X stand-ins, a real Redis, the outbox.

The worker's outbox drainer sends queued replies to the X stand-in, which enforces user-context auth, X's reply
rules and injected faults; the invariants are read back from X's store, Redis, the audit stream and Slack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog, Keys
from bot.adapters.x import build_x_client
from bot.adapters.x_oauth import Tokens
from bot.blocks.ids import MentionAction, ReplyAction, ReplyBlock
from bot.core.replies.intents import IntentState
from bot.core.tracking import CardRef, MentionState, TrackedMention
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services, build_token_vault
from bot.worker import build_worker
from config.settings import Settings
from tests.support.factories import tracked
from tests.support.reply_modal import ALICE, in_modal, pick_saved, submit

NORTHTOWN_ID = "1400000000000000003"
TEAM_CHANNEL, DESK_CHANNEL, ROADS_CHANNEL = "C0NORTH0001", "C0DESK00001", "C0ROADS0001"
BOB, CAROL, DAVE = "U0BOB000001", "U0CAROL0001", "U0DAVE00001"  # desk, desk, roads (ALICE: the team)
SAFE = "@nina_rowe Thanks for telling us. Please report it at police.uk or call 101; if it is happening now, call 999."
FLAGGED = "@nina_rowe We know it was Mr Jones at 34 Canal Street; he has been arrested."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with a secret key for the accounts' tokens and an X OAuth client."""
    key = SecretStr(Fernet.generate_key().decode())
    return settings.model_copy(update={"commsdesk_secret_key": key, "x_client_id": "sandbox-client"})


@pytest.fixture(autouse=True)
def members(slack_sandbox: SlackSandbox) -> None:
    slack_sandbox.set_members(TEAM_CHANNEL, [ALICE])
    slack_sandbox.set_members(DESK_CHANNEL, [BOB, CAROL])
    slack_sandbox.set_members(ROADS_CHANNEL, [DAVE])
    slack_sandbox.set_members("C0CTRL00001", [])


@pytest.fixture
def tweet_id(services: Services, x_sandbox: XSandbox) -> str:
    """A mention on X of @MPNorthtown, tracked with a card in the team channel; the account is linked."""
    tweet = x_sandbox.add_mentions(NORTHTOWN_ID, "MPNorthtown")[0]
    ts = str(services.slack.chat_postMessage(channel=TEAM_CHANNEL, text="card")["ts"])
    store = RedisMentionStore(services.redis, services.desk.retention.mention_days)
    assert store.record_new(tracked(tweet, cards=(CardRef(channel=TEAM_CHANNEL, ts=ts),)))
    vault = build_token_vault(services.settings, services.redis)
    assert vault is not None
    got = x_sandbox.issue_token(NORTHTOWN_ID)
    expires = datetime.now(UTC) + timedelta(seconds=int(got["expires_in"]))
    vault.save("MPNorthtown", NORTHTOWN_ID, Tokens(got["access_token"], got["refresh_token"], expires, got["scope"]))
    return tweet


@pytest.fixture
def drain(services: Services) -> Iterator[Any]:
    worker = build_worker(services, pace_ms=1)

    def run(timeout: float = 20.0) -> int:
        return worker.drainer.drain(timeout)

    yield run


def open_modal(slack: SlackRequests, sandbox: SlackSandbox, tweet: str, user: str = ALICE) -> dict[str, Any]:
    before = len(sandbox.calls_to("views.open"))
    answer = slack.block_action(MentionAction.REPLY, tweet, user_id=user, channel=TEAM_CHANNEL)
    assert answer.status_code == 200
    call = eventually(lambda: sandbox.calls_to("views.open")[before:])[0]
    return next(v for v in sandbox.views().values() if v["private_metadata"] == call.params["view"]["private_metadata"])


def stored(services: Services, tweet: str) -> TrackedMention:
    record = RedisMentionStore(services.redis, services.desk.retention.mention_days).get(tweet)
    assert record is not None
    return record


def audit(services: Services, tweet: str, action: str) -> list[dict[str, str]]:
    return [r for r in AuditLog(services.redis).entries(tweet) if r["action"] == action]


def private_to(sandbox: SlackSandbox, user: str, channel: str = TEAM_CHANNEL) -> list[str]:
    return [e["text"] for e in sandbox.ephemerals(channel) if e["user"] == user]


def card_text(sandbox: SlackSandbox) -> str:
    return json.dumps(sandbox.messages(TEAM_CHANNEL)[-1])


def test_pick_a_saved_reply_and_send_it_once_as_the_team_account(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    view = open_modal(live_app, slack_sandbox, tweet_id)
    dumped = json.dumps(view)
    assert "bike stolen from Canal St" in dumped and "Report online or call 101" in dumped
    accounts = next(b for b in view["blocks"] if b["block_id"] == ReplyBlock.ACCOUNT)["element"]["options"]
    assert [o["value"] for o in accounts] == ["MPNorthtown"]  # a team member may use only the team's account
    filled = pick_saved(live_app, slack_sandbox, view, "Report online or call 101")
    box = next(b for b in filled["blocks"] if b["block_id"] == f"{ReplyBlock.TEXT}1")["element"]
    assert box["initial_value"].startswith("@nina_rowe Thanks for letting us know.")
    assert "/280" in json.dumps(filled)
    assert submit(live_app, filled, box["initial_value"]) == {}
    eventually(lambda: any("on its way" in t for t in private_to(slack_sandbox, ALICE)))
    drain()
    replies = x_sandbox.replies_to(tweet_id)
    assert len(replies) == 1 and replies[0]["author_id"] == NORTHTOWN_ID
    assert replies[0]["text"] == box["initial_value"]
    record = stored(services, tweet_id)
    assert record.state is MentionState.REPLIED and record.replied_by == "MPNorthtown" and record.handled_by == ALICE
    assert record.reply_post_id == replies[0]["id"] and record.response_time is not None
    sent = audit(services, tweet_id, "mention.replied_from_slack")
    assert sent[0]["actor"] == ALICE and "MPNorthtown" in sent[0]["detail"] and "police.uk" in sent[0]["detail"]
    assert "nina_rowe" not in sent[0]["detail"]  # the audit outlives the mention: the public's handle is not kept
    card = eventually(lambda: [c for c in [card_text(slack_sandbox)] if "replied as" in c])[0]
    assert f"status/{replies[0]['id']}" in card and "police.uk" in card
    day = record.mention.created_at.astimezone(services.desk.zone).date().isoformat()
    assert services.redis.get(Keys.response_times(day, "northtown"))  # a first response in the digest


def test_a_flagged_draft_asks_first_and_sends_only_when_confirmed(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    view = open_modal(live_app, slack_sandbox, tweet_id)
    asked = submit(live_app, view, FLAGGED)
    assert asked["response_action"] == "update"
    again = json.dumps(asked["view"])
    assert "Send anyway" in again and "Mr Jones" in again and "34 Canal Street" in again and "arrested" in again
    assert services.redis.get(Keys.reply(tweet_id)) is None  # nothing recorded, nothing queued
    assert submit(live_app, {**asked["view"], "id": "V1"}, FLAGGED) == {}
    drain()
    assert [r["text"] for r in x_sandbox.replies_to(tweet_id)] == [FLAGGED]


def test_an_edited_draft_is_asked_about_again(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, tweet_id: str
) -> None:
    asked = submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), FLAGGED)
    changed = submit(live_app, asked["view"], FLAGGED + " Call 07700 900123.")
    assert changed["response_action"] == "update" and "07700 900123" in json.dumps(changed["view"])


def test_an_over_long_reply_is_refused_inline_with_the_count(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, tweet_id: str
) -> None:
    answer = submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), "@nina_rowe " + "日本" * 70)
    assert answer["response_action"] == "errors"
    assert "291/280" in answer["errors"][f"{ReplyBlock.TEXT}0"]


def flagged_draft_for_approval(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, tweet_id: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Require approval of flagged drafts, submit one, and return the desk's approval card and its buttons' values."""
    services.replies.policy = replace(services.replies.policy, approval_when_flagged=True)
    assert submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), FLAGGED) == {}
    card = eventually(lambda: slack_sandbox.messages(DESK_CHANNEL))[-1]
    values = {e["action_id"]: e["value"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]}
    return card, values


def test_approval_flow_sends_after_a_desk_member_approves(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    card, values = flagged_draft_for_approval(live_app, slack_sandbox, services, tweet_id)
    assert set(values) == {ReplyAction.APPROVE, ReplyAction.EDIT, ReplyAction.REJECT}
    drain(timeout=1)
    assert x_sandbox.replies_to(tweet_id) == []  # nothing goes before approval
    live_app.block_action(
        ReplyAction.APPROVE, values[ReplyAction.APPROVE], user_id=ALICE, channel=DESK_CHANNEL, message_ts=card["ts"]
    )
    eventually(lambda: private_to(slack_sandbox, ALICE, DESK_CHANNEL))  # not on the desk: refused
    live_app.block_action(
        ReplyAction.APPROVE, values[ReplyAction.APPROVE], user_id=BOB, channel=DESK_CHANNEL, message_ts=card["ts"]
    )
    eventually(lambda: audit(services, tweet_id, "mention.reply.approved"))
    drain()
    assert [r["text"] for r in x_sandbox.replies_to(tweet_id)] == [FLAGGED]
    eventually(lambda: "Sent as" in json.dumps(slack_sandbox.messages(DESK_CHANNEL)[-1]))


def test_a_rejected_draft_is_not_sent_and_its_writer_is_told(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    card, values = flagged_draft_for_approval(live_app, slack_sandbox, services, tweet_id)
    live_app.block_action(
        ReplyAction.REJECT, values[ReplyAction.REJECT], user_id=CAROL, channel=DESK_CHANNEL, message_ts=card["ts"]
    )
    eventually(lambda: slack_sandbox.messages(slack_sandbox.dm_channel(ALICE)))
    drain(timeout=1)
    assert x_sandbox.replies_to(tweet_id) == [] and stored(services, tweet_id).is_open


def test_a_reset_after_x_accepted_gives_one_reply_not_two(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    x_sandbox.reset_after_accept()
    submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), SAFE)
    drain()
    assert len(x_sandbox.replies_to(tweet_id)) == 1
    assert len([c for c in x_sandbox.calls if c.method == "POST" and c.path == "/2/tweets"]) == 1  # found, not resent
    assert stored(services, tweet_id).state is MentionState.REPLIED


def test_a_worker_killed_mid_send_is_reconciled_by_the_next(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    """The intent was marked attempted and X took the post, then the process died before recording it."""
    submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), SAFE)
    intent = services.replies.intent(tweet_id)
    assert intent is not None
    services.redis.set(Keys.reply(tweet_id), intent.model_copy(update={"attempted": True}).model_dump_json())
    got = x_sandbox.issue_token(NORTHTOWN_ID)
    build_x_client(got["access_token"], x_sandbox.url, 5).create_tweet(
        text=SAFE, in_reply_to_tweet_id=tweet_id, user_auth=False
    )
    drain()
    assert len(x_sandbox.replies_to(tweet_id)) == 1
    final = services.replies.intent(tweet_id)
    assert final is not None and final.state is IntentState.SENT


def test_a_429_storm_delays_the_reply_without_duplicates_and_says_so(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    x_sandbox.rate_limit_posts(times=2, reset_in=1)
    x_sandbox.rate_limit_posts(times=2, reset_header=False)
    submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), SAFE)
    drain(timeout=30)
    assert len(x_sandbox.replies_to(tweet_id)) == 1
    posts = [c.status for c in x_sandbox.calls if c.method == "POST" and c.path == "/2/tweets"]
    assert posts == [429, 429, 429, 429, 201]
    delayed = [t for t in private_to(slack_sandbox, ALICE) if "delayed" in t]
    assert len(delayed) == 1  # told once, not once per 429


def test_a_reply_to_a_deleted_post_comes_back_privately_and_the_card_stays_open(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), SAFE)
    x_sandbox.delete(tweet_id)
    drain()
    told = eventually(lambda: [t for t in private_to(slack_sandbox, ALICE) if "X refused" in t])
    assert "deleted or not visible" in told[0]
    assert stored(services, tweet_id).is_open
    assert audit(services, tweet_id, "mention.reply.refused_by_x")


def test_someone_outside_the_team_is_refused_privately(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, tweet_id: str
) -> None:
    answer = live_app.block_action(MentionAction.REPLY, tweet_id, user_id=DAVE, channel=TEAM_CHANNEL)
    assert answer.status_code == 200
    refusal = eventually(lambda: private_to(slack_sandbox, DAVE))[0]
    assert "can reply to this mention" in refusal
    assert slack_sandbox.calls_to("views.open") == []
    assert audit(services, tweet_id, "mention.reply.refused")[0]["actor"] == DAVE


def test_a_desk_member_may_send_from_any_linked_account(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, x_sandbox: XSandbox, tweet_id: str
) -> None:
    vault = build_token_vault(services.settings, services.redis)
    assert vault is not None
    got = x_sandbox.issue_token("1400000000000000001")
    vault.save(
        "MidshirePolice",
        "1400000000000000001",
        Tokens(got["access_token"], got["refresh_token"], datetime.now(UTC) + timedelta(hours=2)),
    )
    view = open_modal(live_app, slack_sandbox, tweet_id, user=BOB)
    accounts = next(b for b in view["blocks"] if b["block_id"] == ReplyBlock.ACCOUNT)["element"]["options"]
    assert [o["value"] for o in accounts] == ["MPNorthtown", "MidshirePolice"]


def test_an_access_token_x_no_longer_accepts_is_refreshed_and_the_reply_still_goes(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, x_sandbox: XSandbox, tweet_id: str, drain: Any
) -> None:
    submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), SAFE)
    x_sandbox.oauth.expire(NORTHTOWN_ID)  # revoked or expired early: X answers 401 to the stored token
    drain()
    posts = [c.status for c in x_sandbox.calls if c.method == "POST" and c.path == "/2/tweets"]
    assert posts == [401, 201] and x_sandbox.oauth.refreshes == 1
    assert len(x_sandbox.replies_to(tweet_id)) == 1


def test_an_approver_edits_a_draft_and_sends_their_version(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    x_sandbox: XSandbox,
    services: Services,
    tweet_id: str,
    drain: Any,
) -> None:
    card, values = flagged_draft_for_approval(live_app, slack_sandbox, services, tweet_id)
    live_app.block_action(
        ReplyAction.EDIT, values[ReplyAction.EDIT], user_id=BOB, channel=DESK_CHANNEL, message_ts=card["ts"]
    )
    call = eventually(lambda: slack_sandbox.calls_to("views.open")[1:])[0]
    view = next(
        v for v in slack_sandbox.views().values() if v["private_metadata"] == call.params["view"]["private_metadata"]
    )
    assert FLAGGED in json.dumps(view)  # the draft is there to change
    assert submit(live_app, view, SAFE, user=BOB) == {}
    drain()
    assert [r["text"] for r in x_sandbox.replies_to(tweet_id)] == [SAFE]
    assert stored(services, tweet_id).handled_by == BOB


def test_a_reply_from_an_account_unlinked_meanwhile_comes_back_privately(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, tweet_id: str, drain: Any
) -> None:
    submit(live_app, open_modal(live_app, slack_sandbox, tweet_id), SAFE)
    services.redis.delete(Keys.x_tokens("MPNorthtown"))
    drain()
    told = eventually(lambda: [t for t in private_to(slack_sandbox, ALICE) if "X refused" in t])
    assert "not linked" in told[0] and stored(services, tweet_id).is_open


def test_count_and_check_shows_the_count_and_flags_and_send_then_sends_without_asking_again(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, x_sandbox: XSandbox, tweet_id: str, drain: Any
) -> None:
    view = open_modal(live_app, slack_sandbox, tweet_id)
    check = {"action_id": ReplyAction.CHECK, "block_id": ReplyBlock.CHECK, "type": "button"}
    checked = in_modal(live_app, slack_sandbox, view, check, typed=FLAGGED)
    shown = json.dumps(checked["blocks"])
    assert f"{len(FLAGGED)}/280" in shown and "Mr Jones" in shown and checked["submit"]["text"] == "Send anyway"
    assert submit(live_app, checked, FLAGGED) == {}  # the person has seen the flags: no second question
    drain()
    assert [r["text"] for r in x_sandbox.replies_to(tweet_id)] == [FLAGGED]
