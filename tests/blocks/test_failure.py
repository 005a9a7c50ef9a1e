"""The failure notice names what the person did, inertly, says nothing changed and quotes the reference."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.failure import build_failure_notice


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ({"actions": [{"action_id": "claim", "text": {"type": "plain_text", "text": "Claim"}}]}, "click on “Claim”"),
        ({"actions": [{"action_id": "approve"}]}, "click on “approve”"),
        ({"command": "/commsdesk"}, "your /commsdesk command"),
        (
            {"type": "view_submission", "view": {"title": {"text": "Request a platform"}}},
            "sending “Request a platform”",
        ),
        ({"type": "event_callback"}, "your last request"),
    ],
)
def test_notice_names_what_failed_and_that_nothing_changed(body: dict[str, Any], what: str) -> None:
    notice = build_failure_notice(body, "0123456789ab")
    assert what in notice and "nothing was changed" in notice and "`0123456789ab`" in notice


def test_a_hostile_label_stays_inert() -> None:
    notice = build_failure_notice({"actions": [{"text": {"text": "<!channel> hi"}}]}, "ref")
    assert "<!channel>" not in notice and "&lt;!channel&gt;" in notice
