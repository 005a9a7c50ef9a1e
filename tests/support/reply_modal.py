"""Drive the reply modal as Slack would: actions inside the open modal, a saved-reply pick, a submission."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.blocks.ids import ReplyAction, ReplyBlock, ReplyView
from bot.sandbox import SlackSandbox
from bot.sandbox.block_kit import state_values
from bot.sandbox.signed import TEAM, SlackRequests, eventually

ALICE = "U0ALICE0001"  # a member of the Northtown team channel, the one the reply scenarios act as


def in_modal(
    slack: SlackRequests, sandbox: SlackSandbox, view: dict[str, Any], action: dict[str, Any], typed: str | None = None
) -> dict[str, Any]:
    """Send a block action from inside the open modal (with what is typed so far); return the modal it redrew."""
    before = len(sandbox.calls_to("views.update"))
    version = json.loads(view["private_metadata"])["version"]
    state = state_values(view, {f"{ReplyBlock.TEXT}{version}": typed} if typed is not None else {})
    payload = {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": ALICE, "username": "alice", "team_id": TEAM["id"]},
        "api_app_id": "A0COMMSDESK",
        "token": "legacy",
        "trigger_id": "1337.1.abc",
        "container": {"type": "view", "view_id": view["id"]},
        "view": {**view, "state": {"values": state}},
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    assert slack.interaction(payload).status_code == 200
    eventually(lambda: sandbox.calls_to("views.update")[before:])
    return sandbox.views()[view["id"]]


def pick_saved(slack: SlackRequests, sandbox: SlackSandbox, view: dict[str, Any], name: str) -> dict[str, Any]:
    picked = {"value": name, "text": {"type": "plain_text", "text": name}}
    action = {"action_id": ReplyAction.PICK_SAVED, "block_id": ReplyBlock.SAVED, "type": "static_select"}
    return in_modal(slack, sandbox, view, action | {"selected_option": picked})


def submit(slack: SlackRequests, view: dict[str, Any], text: str, user: str = ALICE) -> dict[str, Any]:
    """Press Send with `text` in the box; return Slack's answer (empty when the modal simply closes)."""
    version = json.loads(view["private_metadata"])["version"]
    values = state_values(view, {f"{ReplyBlock.TEXT}{version}": text})
    answer = slack.view_submission(ReplyView.COMPOSE, values, user_id=user, private_metadata=view["private_metadata"])
    assert answer.status_code == 200
    return dict(answer.json()) if answer.content else {}
