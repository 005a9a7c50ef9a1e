"""Buttons of the platform request flow: on the review card (decide) and in the requester's DMs (update)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.ids import RequestAction, RequestView
from bot.blocks.platform_request import build_note_modal, build_notice_modal, build_request_form
from bot.core.errors import CommsDeskError
from bot.core.platform_requests import PlatformRequest
from bot.core.request_flow import PlatformRequests

# The buttons that change a request at once: each takes the request id and the clicker.
MOVES: dict[RequestAction, Callable[[PlatformRequests, str, str], PlatformRequest]] = {
    RequestAction.APPROVE: PlatformRequests.approve,
    RequestAction.WITHDRAW: PlatformRequests.withdraw,
}


def move_request(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """Approve or withdraw if the clicker may (checked at click time); otherwise tell them why, privately."""
    ack()
    user = body["user"]["id"]
    try:
        request = MOVES[RequestAction(action["action_id"])](platform_requests, action["value"], user)
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=body["channel"]["id"], user=user, text=str(exc))
        return
    platform_requests.publish(request)


def open_decline_modal(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Ask for the reason; the decision (and the approver check) happens when it is submitted."""
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=build_note_modal(RequestView.DECLINE_REASON, action["value"]))


def open_info_modal(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Ask for the question to put to the requester."""
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=build_note_modal(RequestView.INFO_QUESTION, action["value"]))


def open_update_form(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """Open a placeholder at once (trigger ids expire), then swap in the form prefilled with the request."""
    ack()
    opened = client.views_open(trigger_id=body["trigger_id"], view=build_notice_modal("Loading your request…"))
    try:
        request = platform_requests.for_update(action["value"], body["user"]["id"])
    except CommsDeskError as exc:
        view = build_notice_modal(str(exc))
    else:
        policy = platform_requests.policy
        view = build_request_form(policy.platforms, policy.teams, prefill=request)
    client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=view)
