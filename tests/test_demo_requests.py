"""The demo's platform request round trip, driven over signed HTTP against the sandbox and real Redis."""

from __future__ import annotations

from bot.demo.platform_request import COVER, QUESTION, REQUESTER, file_question_and_approve
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests
from bot.services import Services


def test_the_demo_files_questions_updates_and_approves_one_request(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    said: list[str] = []
    file_question_and_approve(services, slack_sandbox, live_app, said.append)
    card = slack_sandbox.messages(services.desk.desk.requests_channel)
    assert len(card) == 1 and card[0]["metadata"]["event_type"] == "commsdesk_platform_request"
    request = services.platform_requests.get(card[0]["metadata"]["event_payload"]["request_id"])
    assert request.state == "approved" and request.answers.people == COVER
    dms = [m["text"] for m in slack_sandbox.messages(slack_sandbox.dm_channel(REQUESTER))]
    assert len(dms) == 4 and QUESTION in dms[1] and "is approved" in dms[-1]
    assert [line.split(".")[0] for line in said if line.startswith("\n")] == ["\n3", "\n4", "\n5"]
    assert "request.submitted → request.info_requested → request.resubmitted → request.approved" in said[-1]
