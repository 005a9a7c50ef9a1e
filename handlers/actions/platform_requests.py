"""Buttons of the platform request flow: on the review card (decide) and in the requester's DMs (update)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.ids import RequestView
from bot.blocks.platform_request import build_note_modal, build_notice_modal, build_request_form
from bot.core.errors import CommsDeskError
from bot.core.platform_requests import RequestState
from bot.core.request_flow import PlatformRequests
from handlers.views.platform_requests import publish


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    client.chat_postEphemeral(channel=body["channel"]["id"], user=body["user"]["id"], text=text)


def approve_request(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """Approve at click time if the clicker may; otherwise tell them why and leave the request as it is."""
    ack()
    try:
        request = platform_requests.approve(action["value"], body["user"]["id"])
    except CommsDeskError as exc:
        _tell(client, body, str(exc))
        return
    publish(client, platform_requests, request)


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
    request = platform_requests.get(action["value"])
    if request.requester != body["user"]["id"] or request.state != RequestState.INFO_REQUESTED:
        view = build_notice_modal(f"{request.id} is {request.state.replace('_', ' ')}; it cannot be updated now.")
    else:
        policy = platform_requests.policy
        view = build_request_form(policy.platforms, policy.teams, prefill=request)
    client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=view)


def withdraw_request(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """Withdraw the requester's own open request."""
    ack()
    try:
        request = platform_requests.withdraw(action["value"], body["user"]["id"])
    except CommsDeskError as exc:
        _tell(client, body, str(exc))
        return
    publish(client, platform_requests, request)
