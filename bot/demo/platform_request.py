"""The demo's platform request: filed through the form, questioned, updated and approved, all over signed HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bot.blocks.ids import Command, RequestAction, RequestBlock, RequestView
from bot.sandbox import SlackSandbox
from bot.sandbox.block_kit import state_values
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services

REQUESTER = "U0DEMOSGT01"
QUESTION = "Who looks after the account in August, when both owners are on leave?"
COVER = "PC Shah and PCSO Doyle, two hours a week each; Sgt Patel covers August and evenings out of hours."
Say = Callable[[str], None]


def form_answers(today: date) -> dict[str, str | None]:
    """A request with the evidence, plan and people Corp Comms asks for."""
    return {
        "platform": "Nextdoor",
        "team": "northtown",
        "account_name": "Northtown Neighbourhood Police",
        "audience": "Older residents of the Kingsmoor estate in Northtown, many of whom are not on X.",
        "evidence": "We asked forty residents at two ward panels; thirty said they read Nextdoor every week.",
        "current_channels": "Our X account reaches commuters and the local press, not the estate's older residents.",
        "content_plan": "Three posts a week: appeals, crime prevention advice, and updates on ward panel priorities.",
        "people": "PC Shah and PCSO Doyle own it, two hours a week each, covering each other's leave and rest days.",
        "risks": "Both owners moderate daily, have done the social media course and signed the code of ethics.",
        "success": "Replies and messages from estate residents, and more residents at our ward panel meetings.",
        "review_date": (today + timedelta(days=180)).isoformat(),
    }


def file_question_and_approve(services: Services, slack: SlackSandbox, signed: SlackRequests, say: Say) -> None:
    """Run the request round trip as steps 3 to 5 of the demo."""
    approver = services.desk.desk.approvers[0]
    request_id = _file(services, slack, signed, say)
    _ask_and_update(services, slack, signed, say, request_id, approver)
    say(f"\n5. {approver} clicks Approve on the updated card.")
    answer = signed.block_action(
        RequestAction.APPROVE, request_id, user_id=approver, channel=services.desk.desk.requests_channel
    )
    _await_dm(slack, "approved")
    say(
        f"   HTTP {answer.status_code}; request {request_id} is approved; the card shows the decision and "
        f"{REQUESTER} is told by DM."
    )
    trail = [e["action"] for e in services.audit.entries(request_id)]
    say(f"   audit trail: {' → '.join(trail)}")


def _file(services: Services, slack: SlackSandbox, signed: SlackRequests, say: Say) -> str:
    channel = services.desk.desk.requests_channel
    say(
        f"\n3. {REQUESTER} (Northtown) types {Command.REQUEST_PLATFORM}: the form opens, and they ask for Nextdoor "
        "with their evidence, plan and cover."
    )
    signed.command(Command.REQUEST_PLATFORM, user_id=REQUESTER)
    form = _opened_view(slack, RequestView.FORM)
    answers = form_answers(services.platform_requests.now().date())
    answer = signed.view_submission(RequestView.FORM, state_values(form, answers), user_id=REQUESTER)
    card = eventually(lambda: slack.messages(channel))[-1]
    _await_dm(slack, "gone to Corp Comms")
    request_id = str(card["metadata"]["event_payload"]["request_id"])
    say(
        f"   HTTP {answer.status_code}; request {request_id} stored as {_state(services, request_id)}; a review card "
        f"is in the requests channel and {REQUESTER} has a DM."
    )
    return request_id


def _ask_and_update(
    services: Services, slack: SlackSandbox, signed: SlackRequests, say: Say, request_id: str, approver: str
) -> None:
    say(f'\n4. {approver} (a desk approver) clicks Ask for info and asks: "{QUESTION}"')
    signed.block_action(
        RequestAction.ASK_INFO, request_id, user_id=approver, channel=services.desk.desk.requests_channel
    )
    _opened_view(slack, RequestView.INFO_QUESTION)
    note = RequestBlock.NOTE.value
    question: dict[str, dict[str, Any]] = {note: {note: {"type": "plain_text_input", "value": QUESTION}}}
    signed.view_submission(RequestView.INFO_QUESTION, question, user_id=approver, private_metadata=request_id)
    _await_dm(slack, QUESTION)
    say(f"   request is now info_requested; {REQUESTER} gets the question by DM with an Update request button.")
    signed.block_action(RequestAction.UPDATE, request_id, user_id=REQUESTER, channel=slack.dm_channel(REQUESTER))
    form = eventually(
        lambda: [
            c.params["view"]
            for c in slack.calls_to("views.update")
            if c.params["view"].get("callback_id") == RequestView.FORM
        ]
    )[-1]
    signed.view_submission(
        RequestView.FORM, state_values(form, {"people": COVER}), user_id=REQUESTER, private_metadata=request_id
    )
    _await_dm(slack, "updated request")
    say(
        f"   {REQUESTER} clicks Update request; the form reopens prefilled, they name August's cover and resubmit: "
        "the request is resubmitted and its card updated in place."
    )


def _opened_view(slack: SlackSandbox, callback_id: str) -> dict[str, Any]:
    views = eventually(
        lambda: [
            c.params["view"] for c in slack.calls_to("views.open") if c.params["view"].get("callback_id") == callback_id
        ]
    )
    return dict(views[-1])


def _await_dm(slack: SlackSandbox, words: str) -> None:
    """Wait for the requester's DM saying `words`: the bot sends it after answering the click."""
    eventually(lambda: any(words in m.get("text", "") for m in slack.messages(slack.dm_channel(REQUESTER))))


def _state(services: Services, request_id: str) -> str:
    return str(services.platform_requests.get(request_id).state.value)
