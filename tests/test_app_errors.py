"""An unexpected failure after the ack is told privately to the person, with the request id that is in the log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from bot.blocks.ids import Command
from bot.logs import configure_logging
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests, eventually

USER = "U0OFFICER01"


@pytest.fixture
def structured_logs() -> Iterator[None]:
    """Route structlog through stdlib as the processes do, so caplog sees each event's fields."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    yield None
    root.handlers[:], root.level = handlers, level


def test_a_failure_after_ack_is_told_privately_with_the_logged_request_id(
    structured_logs: None, live_app: SlackRequests, slack_sandbox: SlackSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    slack_sandbox.fail_next("views.open", status=400)
    assert live_app.command(Command.REQUEST_PLATFORM, user_id=USER).status_code == 200
    [notice] = eventually(lambda: slack_sandbox.calls_to("chat.postEphemeral"))
    assert notice.params["user"] == USER and notice.params["channel"] == "C0FORCE0001"
    text = notice.params["text"]
    assert "/request-platform" in text and "nothing was changed" in text
    reference = re.search(r"reference `([0-9a-f]{12})`", text)
    assert reference is not None
    events = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    [failure] = [e for e in events if e.get("event") == "listener failed"]
    assert failure["request_id"] == reference.group(1) and failure["error_type"] == "SlackApiError"
    assert "Traceback" in failure["exception"]
