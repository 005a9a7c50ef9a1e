"""/request-platform end to end: signed HTTP into the real app, the Slack sandbox and a real Redis."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
import redis

from bot.adapters.store import AuditLog, Keys
from bot.blocks.ids import Command, MetadataType, RequestAction, RequestBlock, RequestView
from bot.sandbox import SlackSandbox
from bot.sandbox.block_kit import state_values
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services

REQUESTER, APPROVER, OTHER_APPROVER, STRANGER = "U0NORTH0001", "U0APPR00001", "U0APPR00002", "U0RANDOM001"
REQUESTS_CHANNEL = "C0REQS00001"
HOSTILE = "<!channel> <@U0APPR00002> approve <https://evil.example|gov.uk> @here \u202e```x```"


def answers(**overrides: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {
        "platform": "Nextdoor",
        "team": "northtown",
        "audience": "Older residents of the Kingsmoor estate in Northtown, many not on X.",
        "evidence": "We asked forty residents at two ward panels; thirty said they read Nextdoor every single week.",
        "current_channels": "Our X account reaches commuters and the local press, not the estate's older residents.",
        "content_plan": "Three posts a week: appeals, crime prevention advice, and updates on ward panel priorities.",
        "people": "PC Shah and PCSO Doyle own it, two hours a week each, covering each other's leave and rest days.",
        "risks": "Both owners moderate daily, have done the social media course and signed the code of ethics.",
        "success": "Replies and direct messages from estate residents, and more residents at our ward panel meetings.",
        "review_date": (date.today() + timedelta(days=180)).isoformat(),
    }
    return {**base, **overrides}


def open_form(slack: SlackRequests, sandbox: SlackSandbox, user: str = REQUESTER) -> dict[str, Any]:
    assert slack.command(Command.REQUEST_PLATFORM, user_id=user).status_code == 200
    call = eventually(lambda: sandbox.calls_to("views.open"))[-1]
    return dict(call.params["view"])


def file_request(slack: SlackRequests, sandbox: SlackSandbox, **overrides: str | None) -> Any:
    view = open_form(slack, sandbox)
    return slack.view_submission(RequestView.FORM, state_values(view, answers(**overrides)), user_id=REQUESTER)


def card(sandbox: SlackSandbox) -> dict[str, Any]:
    return eventually(lambda: sandbox.messages(REQUESTS_CHANNEL))[-1]


def request_id_of(sandbox: SlackSandbox) -> str:
    return str(card(sandbox)["metadata"]["event_payload"]["request_id"])


def stored_state(services: Services, request_id: str) -> str:
    return services.platform_requests.get(request_id).state.value


def request_keys(client: redis.Redis) -> list[str]:
    return list(client.scan_iter(match=Keys.request("*")))


def button_values(message: Mapping[str, Any]) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_the_form_opens(live_app: SlackRequests, slack_sandbox: SlackSandbox) -> None:
    view = open_form(live_app, slack_sandbox)
    assert view["callback_id"] == RequestView.FORM
    assert [c.method for c in slack_sandbox.calls if c.method != "auth.test"][0] == "views.open"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("evidence", "   "),
        ("evidence", "\u200b\u200d\ufeff"),
        ("content_plan", "*__*"),
        ("current_channels", "because we want it"),
        ("success", "Ten thousand followers. Lots of likes."),
        ("review_date", date.today().isoformat()),
        ("review_date", (date.today() + timedelta(days=400)).isoformat()),
        ("other_platform", None),
        ("audience", "everyone"),
    ],
)
def test_each_invalid_answer_gets_its_inline_error_and_stores_nothing(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, redis_client: redis.Redis, field: str, value: str | None
) -> None:
    overrides = {field: value, **({"platform": "Other"} if field == "other_platform" else {})}
    response = file_request(live_app, slack_sandbox, **overrides)
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors" and list(body["errors"]) == [field]
    assert request_keys(redis_client) == []
    assert slack_sandbox.calls_to("chat.postMessage") == []


def test_a_valid_request_is_stored_carded_and_acknowledged(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    assert file_request(live_app, slack_sandbox).status_code == 200
    posted = card(slack_sandbox)
    assert posted["metadata"]["event_type"] == MetadataType.PLATFORM_REQUEST
    request_id = request_id_of(slack_sandbox)
    # the card is visible in Slack a moment before its ts is stored on the request
    stored = eventually(lambda: (r := services.platform_requests.get(request_id)).card_ts and r)
    assert stored.state == "submitted" and (stored.card_channel, stored.card_ts) == (REQUESTS_CHANNEL, posted["ts"])
    assert set(button_values(posted)) == {RequestAction.APPROVE, RequestAction.DECLINE, RequestAction.ASK_INFO}
    dm = eventually(lambda: slack_sandbox.messages(REQUESTER))
    assert request_id in dm[0]["text"]
    assert [e["action"] for e in services.audit.entries(request_id)] == ["request.submitted"]


def test_a_second_request_for_the_same_team_and_platform_points_at_the_first(
    live_app: SlackRequests, slack_sandbox: SlackSandbox
) -> None:
    file_request(live_app, slack_sandbox)
    first = request_id_of(slack_sandbox)
    response = file_request(live_app, slack_sandbox, platform="Other", other_platform="nextdoor")
    assert first in response.json()["errors"]["platform"]


@pytest.mark.parametrize(("clicker", "why"), [(STRANGER, "not an approver"), (REQUESTER, "own request")])
def test_forbidden_approvals_are_refused_with_state_unchanged_and_audited(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, clicker: str, why: str
) -> None:
    if clicker == REQUESTER:
        policy = services.platform_requests.policy
        services.platform_requests.policy = replace(policy, approvers=policy.approvers | {REQUESTER})
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    live_app.block_action(RequestAction.APPROVE, request_id, user_id=clicker, channel=REQUESTS_CHANNEL)
    told = eventually(lambda: slack_sandbox.ephemerals(REQUESTS_CHANNEL))
    assert told[0]["user"] == clicker
    assert stored_state(services, request_id) == "submitted"
    refused = eventually(lambda: [e for e in services.audit.entries(request_id) if e["action"].endswith("refused")])
    assert refused[0]["actor"] == clicker and why in refused[0]["detail"]


@pytest.mark.parametrize("reason", ["", "   ", "\u200b"])
def test_decline_without_a_reason_is_impossible(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, reason: str
) -> None:
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    live_app.block_action(RequestAction.DECLINE, request_id, user_id=APPROVER, channel=REQUESTS_CHANNEL)
    modal = eventually(
        lambda: [
            c
            for c in slack_sandbox.calls_to("views.open")
            if c.params["view"].get("callback_id") == RequestView.DECLINE_REASON
        ]
    )[0].params["view"]
    response = live_app.view_submission(
        RequestView.DECLINE_REASON, state_values(modal, {RequestBlock.NOTE: reason}), APPROVER, request_id
    )
    assert response.json()["response_action"] == "errors" and RequestBlock.NOTE in response.json()["errors"]
    assert stored_state(services, request_id) == "submitted"


def test_concurrent_approve_and_decline_have_exactly_one_winner(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    note = {RequestBlock.NOTE: {RequestBlock.NOTE: {"type": "plain_text_input", "value": "No cover for leave."}}}
    barrier = threading.Barrier(2)
    answers_: dict[str, Any] = {}

    def approve() -> None:
        barrier.wait()
        answers_["approve"] = live_app.block_action(RequestAction.APPROVE, request_id, APPROVER, REQUESTS_CHANNEL)

    def decline() -> None:
        barrier.wait()
        answers_["decline"] = live_app.view_submission(RequestView.DECLINE_REASON, note, OTHER_APPROVER, request_id)

    threads = [threading.Thread(target=approve), threading.Thread(target=decline)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    decisions = eventually(
        lambda: (
            [e["action"] for e in services.audit.entries(request_id) if e["action"] != "request.submitted"]
            if len(services.audit.entries(request_id)) >= 3
            else None
        )
    )
    assert sorted(decisions) in (
        ["request.approved", "request.declined.refused"],
        ["request.approved.refused", "request.declined"],
    )
    final = services.platform_requests.get(request_id)
    assert final.state in ("approved", "declined") and len(final.history) == 1


def test_info_request_round_trip_ends_in_approval(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    question = {RequestBlock.NOTE: {RequestBlock.NOTE: {"type": "plain_text_input", "value": "Who covers August?"}}}
    asked = live_app.view_submission(RequestView.INFO_QUESTION, question, APPROVER, request_id)
    assert asked.status_code == 200 and asked.text == ""  # the modal closes
    dm = eventually(lambda: [m for m in slack_sandbox.messages(REQUESTER) if "Who covers August?" in m["text"]])[0]
    assert button_values(dm)[RequestAction.UPDATE] == request_id
    assert button_values(card(slack_sandbox)) == {}  # no decisions while waiting for the requester

    live_app.block_action(
        RequestAction.UPDATE, request_id, user_id=REQUESTER, channel=slack_sandbox.dm_channel(REQUESTER)
    )
    form = eventually(lambda: slack_sandbox.calls_to("views.update"))[-1].params["view"]
    assert form["callback_id"] == RequestView.FORM and form["private_metadata"] == request_id
    values = state_values(form)
    assert values["evidence"]["evidence"]["value"] == answers()["evidence"]
    people = "PC Shah and PCSO Doyle, two hours a week each; Sgt Patel covers all of August and out of hours."
    response = live_app.view_submission(RequestView.FORM, state_values(form, {"people": people}), REQUESTER, request_id)
    assert response.status_code == 200 and stored_state(services, request_id) == "resubmitted"
    assert eventually(lambda: "Sgt Patel" in str(card(slack_sandbox)["blocks"]))
    assert len(slack_sandbox.messages(REQUESTS_CHANNEL)) == 1  # updated in place

    live_app.block_action(RequestAction.APPROVE, request_id, user_id=APPROVER, channel=REQUESTS_CHANNEL)
    eventually(lambda: stored_state(services, request_id) == "approved")
    assert eventually(lambda: "Approved" in str(card(slack_sandbox)["blocks"]))
    eventually(lambda: any("is approved" in m["text"] for m in slack_sandbox.messages(REQUESTER)))
    actions = [e["action"] for e in AuditLog(services.redis).entries(request_id)]
    assert actions == ["request.submitted", "request.info_requested", "request.resubmitted", "request.approved"]

    live_app.block_action(
        RequestAction.UPDATE, request_id, user_id=REQUESTER, channel=slack_sandbox.dm_channel(REQUESTER)
    )
    notice = eventually(lambda: slack_sandbox.calls_to("views.update")[1:])[-1].params["view"]
    assert f"{request_id} is approved; it cannot be updated now." in str(notice["blocks"])


def test_hostile_answers_render_inert_on_the_card(live_app: SlackRequests, slack_sandbox: SlackSandbox) -> None:
    file_request(live_app, slack_sandbox, evidence=HOSTILE + " and we asked forty residents at the ward panels")
    shown = str(card(slack_sandbox)["blocks"])
    for dangerous in ("<!channel>", "<@U0APPR00002>", "<https://evil", "@here", "\u202e", "```"):
        assert dangerous not in shown
    assert "&lt;!channel&gt;" in shown


def test_list_and_home_show_requests_and_the_queue_to_approvers(
    live_app: SlackRequests, slack_sandbox: SlackSandbox
) -> None:
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    mine = live_app.command(Command.REQUEST_PLATFORM, "list", user_id=REQUESTER).json()
    assert request_id in str(mine["blocks"]) and "Waiting for Corp Comms" not in str(mine["blocks"])
    queue = live_app.command(Command.REQUEST_PLATFORM, "list", user_id=APPROVER).json()
    assert "Waiting for Corp Comms (1)" in str(queue["blocks"])
    live_app.event({"type": "app_home_opened", "user": APPROVER, "channel": "D0APPR00001", "tab": "home"})
    home = eventually(lambda: slack_sandbox.home(APPROVER))
    assert request_id in str(home["blocks"])


def test_the_requester_can_withdraw_while_asked_for_information(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    services.platform_requests.ask_info(request_id, APPROVER, "Who covers August?")
    dm_channel = slack_sandbox.dm_channel(REQUESTER)
    live_app.block_action(RequestAction.WITHDRAW, request_id, user_id=STRANGER, channel=dm_channel)
    assert eventually(lambda: slack_sandbox.ephemerals(dm_channel))[0]["user"] == STRANGER
    live_app.block_action(RequestAction.WITHDRAW, request_id, user_id=REQUESTER, channel=dm_channel)
    eventually(lambda: stored_state(services, request_id) == "withdrawn")
    assert eventually(lambda: "Withdrawn" in str(card(slack_sandbox)["blocks"]))
    assert file_request(live_app, slack_sandbox).text == ""  # the pair is free again
    assert eventually(lambda: len(slack_sandbox.messages(REQUESTS_CHANNEL)) == 2)


def test_approver_group_members_are_checked_at_click_time_and_fail_closed(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    member = "U0GROUP0001"
    services.platform_requests.policy = replace(services.platform_requests.policy, approver_group="S0COMMS0001")
    slack_sandbox.set_usergroup("S0COMMS0001", [member])
    file_request(live_app, slack_sandbox)
    request_id = request_id_of(slack_sandbox)
    slack_sandbox.fail_next("usergroups.users.list", status=500, times=3)  # outlasts the client's 2 retries
    live_app.block_action(RequestAction.APPROVE, request_id, user_id=member, channel=REQUESTS_CHANNEL)
    assert eventually(lambda: slack_sandbox.ephemerals(REQUESTS_CHANNEL))[0]["user"] == member
    assert stored_state(services, request_id) == "submitted"
    live_app.block_action(RequestAction.APPROVE, request_id, user_id=member, channel=REQUESTS_CHANNEL)
    eventually(lambda: stored_state(services, request_id) == "approved")
    assert eventually(lambda: "Approved" in str(card(slack_sandbox)["blocks"]))
