"""`/request-platform`: open the form, or `list` the caller's requests (and, for approvers, the queue)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.platform_request import build_request_form, build_request_list
from bot.core.request_flow import PlatformRequests


def open_request_form(
    ack: Ack, body: dict[str, Any], command: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """Open the form first (trigger ids last 3 s); `list` answers with the lists instead."""
    policy = platform_requests.policy
    if (command.get("text") or "").strip().casefold() == "list":
        mine, pending = platform_requests.listing(command["user_id"])
        blocks = build_request_list(mine, pending, dict(policy.teams), platform_requests.now())
        ack(response_type="ephemeral", text="Your platform requests", blocks=blocks)
        return
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=build_request_form(policy.platforms, policy.teams))
