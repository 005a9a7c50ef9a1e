"""Submissions of the platform request form and of the Decline / Ask for info modals."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.ids import RequestBlock, RequestView
from bot.blocks.platform_request import (
    build_card_metadata,
    build_requester_dm,
    build_review_card,
    read_note_modal,
    read_request_form,
)
from bot.core.errors import CommsDeskError, InvalidInput
from bot.core.platform_requests import PlatformRequest
from bot.core.request_flow import PlatformRequests


def submit_request_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """File a new request (or an update): inline errors before anything is stored, then card and DM."""
    request_id, answers = read_request_form(view)
    user = body["user"]["id"]
    try:
        if request_id:
            request = platform_requests.resubmit(request_id, user, answers)
        else:
            request = platform_requests.submit(user, answers)
    except InvalidInput as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except CommsDeskError as exc:
        ack(response_action="errors", errors={"platform": str(exc)})
        return
    ack()
    publish(client, platform_requests, request)


def submit_decision_note(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, platform_requests: PlatformRequests
) -> None:
    """Decline with a reason or ask a question; refusals are shown in the modal, so the clicker knows why."""
    request_id, note = read_note_modal(view)
    user = body["user"]["id"]
    try:
        if view["callback_id"] == RequestView.DECLINE_REASON:
            request = platform_requests.decline(request_id, user, note)
        else:
            request = platform_requests.ask_info(request_id, user, note)
    except CommsDeskError as exc:
        message = next(iter(exc.errors.values())) if isinstance(exc, InvalidInput) else str(exc)
        ack(response_action="errors", errors={RequestBlock.NOTE: message})
        return
    ack()
    publish(client, platform_requests, request)


def publish(client: WebClient, platform_requests: PlatformRequests, request: PlatformRequest) -> None:
    """Show `request` where it belongs: the review card (posted once, then updated in place) and a DM."""
    text, blocks = build_review_card(request, platform_requests.policy.team_name(request.answers.team))
    metadata = build_card_metadata(request)
    if request.card_ts:
        client.chat_update(
            channel=request.card_channel, ts=request.card_ts, text=text, blocks=blocks, metadata=metadata
        )
    else:
        posted = client.chat_postMessage(
            channel=platform_requests.policy.requests_channel,
            text=text,
            blocks=blocks,
            metadata=metadata,
            unfurl_links=False,
            unfurl_media=False,
        )
        platform_requests.attach_card(request.id, str(posted["channel"]), str(posted["ts"]))
    dm_text, dm_blocks = build_requester_dm(request)
    client.chat_postMessage(channel=request.requester, text=dm_text, blocks=dm_blocks, unfurl_links=False)
