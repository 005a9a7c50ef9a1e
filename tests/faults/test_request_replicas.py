"""Platform requests decided across two real web processes: each request gets exactly one decision."""

from __future__ import annotations

import threading

import pytest
import redis

from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.store import AuditLog
from bot.blocks.ids import RequestAction, RequestBlock, RequestView
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests, eventually
from tests.faults.conftest import assert_no_secrets
from tests.handlers.test_platform_request_flow import APPROVER, OTHER_APPROVER, REQUESTS_CHANNEL, file_request
from tests.support.processes import Deployment

pytestmark = pytest.mark.slow
PLATFORMS = ("Nextdoor", "TikTok", "YouTube", "Instagram")
REASON = {RequestBlock.NOTE: {RequestBlock.NOTE: {"type": "plain_text_input", "value": "No cover for leave."}}}


def _file_on(front: SlackRequests, slack: SlackSandbox, platform: str, filed: int) -> str:
    assert file_request(front, slack, platform=platform).status_code == 200
    cards = eventually(lambda: (m := slack.messages(REQUESTS_CHANNEL)) and len(m) == filed + 1 and m, timeout=15)
    return str(cards[-1]["metadata"]["event_payload"]["request_id"])


def _race(approving: SlackRequests, declining: SlackRequests, request_id: str) -> list[int]:
    """Click Approve on one process and submit a Decline on the other at the same moment."""
    start = threading.Barrier(2)
    answers: list[int] = []

    def approve() -> None:
        start.wait()
        answers.append(
            approving.block_action(RequestAction.APPROVE, request_id, APPROVER, REQUESTS_CHANNEL).status_code
        )

    def decline() -> None:
        start.wait()
        submitted = declining.view_submission(RequestView.DECLINE_REASON, REASON, OTHER_APPROVER, request_id)
        answers.append(submitted.status_code)

    threads = [threading.Thread(target=approve), threading.Thread(target=decline)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return answers


def test_approve_and_decline_on_two_web_processes_decide_each_request_once(
    deploy: Deployment, slack_sandbox: SlackSandbox, redis_client: redis.Redis
) -> None:
    with deploy.web() as first, deploy.web() as second:
        fronts = (SlackRequests(first), SlackRequests(second))
        ids = [_file_on(fronts[n % 2], slack_sandbox, p, n) for n, p in enumerate(PLATFORMS)]
        for n, request_id in enumerate(ids):
            assert _race(fronts[n % 2], fronts[(n + 1) % 2], request_id) == [200, 200]

    audit, repository = AuditLog(redis_client), RedisRequestRepository(redis_client)
    for request_id in ids:
        decisions = eventually(
            lambda rid=request_id: (
                len(
                    d := [
                        e["action"]
                        for e in audit.entries(rid)
                        if e["action"].startswith(("request.approved", "request.declined"))
                    ]
                )
                == 2
                and d
            ),
            timeout=15,
        )
        assert sorted(decisions) in (
            ["request.approved", "request.declined.refused"],
            ["request.approved.refused", "request.declined"],
        )
        final = repository.get(request_id)
        assert final is not None and final.state.value in ("approved", "declined") and len(final.history) == 1
    assert_no_secrets(deploy.all_logs())
