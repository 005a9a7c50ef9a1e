"""The demo's reply from Slack: link a team account, open Reply on its card, pick a saved reply, send it to X."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.x_oauth import Tokens
from bot.blocks.ids import MentionAction, ReplyAction, ReplyBlock, ReplyView
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.block_kit import state_values
from bot.sandbox.signed import TEAM, SlackRequests, eventually
from bot.services import Services, build_token_vault

SAVED = "Please DM us"


def reply_from_slack(
    services: Services,
    slack: SlackSandbox,
    x: XSandbox,
    signed: SlackRequests,
    officer: str,
    send: Callable[[], int],
    say: Callable[[str], None],
) -> None:
    """Answer the first open, non-urgent team card from Slack with a saved reply, and show where it went."""
    store = RedisMentionStore(services.redis, services.desk.retention.mention_days)
    waiting = [t for t in store.get_many(store.open_ids()) if not t.decision.urgent and t.decision.needs_reply]
    card_of = {t.mention.id: c for t in waiting for c in t.cards if c.role == "team"}
    tracked = next((t for t in waiting if t.mention.id in card_of), None)
    if tracked is None:
        return
    team = services.desk.team(tracked.team) or services.desk.teams[0]
    account = (team.accounts or services.desk.teams[0].accounts)[0]
    _link(services, x, account.handle, account.id)
    card = card_of[tracked.mention.id]
    say(f"\n6. @{account.handle} is linked for posting; {officer} presses Reply on post {tracked.mention.id}.")
    signed.block_action(
        MentionAction.REPLY, tracked.mention.id, user_id=officer, channel=card.channel, message_ts=card.ts
    )
    view = eventually(lambda: [v for v in slack.views().values() if v.get("callback_id") == ReplyView.COMPOSE])[-1]
    signed.interaction(_pick(view, officer))
    filled = eventually(lambda: _refilled(slack, view))
    text = next(b for b in filled["blocks"] if b["block_id"] == f"{ReplyBlock.TEXT}1")["element"]["initial_value"]
    say(f"   picks the saved reply “{SAVED}”, which fills in: {text}")
    values = state_values(filled)
    answer = signed.view_submission(
        ReplyView.COMPOSE, values, user_id=officer, private_metadata=filled["private_metadata"]
    )
    say(f"   presses Send (HTTP {answer.status_code}); the worker's outbox sends it to X once:")
    send()
    posted = x.replies_to(tracked.mention.id)
    after = store.get(tracked.mention.id)
    say(f"   replies on X to that post: {len(posted)} (as author {posted[0]['author_id'] if posted else '-'})")
    if after is not None:
        say(f"   mention is now {after.state.value}, by @{after.replied_by} for {officer}; its card shows the reply.")


def _refilled(slack: SlackSandbox, view: dict[str, Any]) -> dict[str, Any] | None:
    """The modal once the saved reply has been filled in (its metadata changes with the text box)."""
    now = slack.views()[view["id"]]
    return now if now["private_metadata"] != view["private_metadata"] else None


def _link(services: Services, x: XSandbox, handle: str, user_id: str) -> None:
    """Link the account as `commsdesk accounts link` would, with tokens from the X stand-in's token endpoint."""
    vault = build_token_vault(services.settings, services.redis)
    assert vault is not None  # the demo sets COMMSDESK_SECRET_KEY
    got = x.issue_token(user_id)
    expires = datetime.now(UTC) + timedelta(seconds=int(got["expires_in"]))
    vault.save(handle, user_id, Tokens(got["access_token"], got["refresh_token"], expires, got["scope"]))


def _pick(view: dict[str, Any], user: str) -> dict[str, Any]:
    """The block action Slack sends when the saved reply is picked in the open modal."""
    return {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A0COMMSDESK",
        "trigger_id": f"1337.{int(time.time() * 1000)}.abc",
        "container": {"type": "view", "view_id": view["id"]},
        "view": {**view, "state": {"values": state_values(view)}},
        "actions": [
            {
                "action_id": ReplyAction.PICK_SAVED,
                "block_id": ReplyBlock.SAVED,
                "type": "static_select",
                "selected_option": {"value": SAVED, "text": {"type": "plain_text", "text": SAVED}},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
