"""Submissions of the platform request form and of the Decline / Ask for info modals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.blocks.ids import RequestBlock, RequestView
from bot.blocks.platform_request import read_note_modal, read_request_form
from bot.core.errors import CommsDeskError, InvalidInput
from bot.core.platform_requests import PlatformRequest
from bot.core.request_flow import PlatformRequests

# The modals that decide with a note: each takes the request id, the approver and the note.
NOTES: dict[RequestView, Callable[[PlatformRequests, str, str, str], PlatformRequest]] = {
    RequestView.DECLINE_REASON: PlatformRequests.decline,
    RequestView.INFO_QUESTION: PlatformRequests.ask_info,
}


def submit_request_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], platform_requests: PlatformRequests
) -> None:
    """File a new request (or an update): inline errors before anything is stored, then card and DM."""
    request_id, answers = read_request_form(view)
    user = body["user"]["id"]
    try:
        request = platform_requests.file(user, answers, request_id)
    except InvalidInput as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except CommsDeskError as exc:
        ack(response_action="errors", errors={"platform": str(exc)})
        return
    ack()
    platform_requests.publish(request)


def submit_decision_note(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], platform_requests: PlatformRequests
) -> None:
    """Decline with a reason or ask a question; refusals are shown in the modal, so the clicker knows why."""
    request_id, note = read_note_modal(view)
    try:
        request = NOTES[RequestView(view["callback_id"])](platform_requests, request_id, body["user"]["id"], note)
    except CommsDeskError as exc:
        message = next(iter(exc.errors.values())) if isinstance(exc, InvalidInput) else str(exc)
        ack(response_action="errors", errors={RequestBlock.NOTE: message})
        return
    ack()
    platform_requests.publish(request)
