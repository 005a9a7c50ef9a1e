"""SlackCardPublisher through the real WebClient against the Slack stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.adapters.slack_cards import SlackCardPublisher
from bot.adapters.slack_messages import SlackMessages
from bot.core.errors import UpstreamError
from bot.core.tracking import CardRef
from bot.sandbox import SlackSandbox
from config.desk import Desk
from tests.support.factories import T0, tracked

TWEET = "2122000000000000001"


@pytest.fixture
def client(slack_sandbox: SlackSandbox) -> Iterator[WebClient]:
    yield WebClient(token="xoxb-test", base_url=slack_sandbox.url)


def test_refresh_redraws_each_card_for_its_role(client: WebClient, slack_sandbox: SlackSandbox, desk: Desk) -> None:
    team_ts = str(client.chat_postMessage(channel="C0NORTH0001", text="old")["ts"])
    room_ts = str(client.chat_postMessage(channel="C0CTRL00001", text="old")["ts"])
    cards = (
        CardRef(channel="C0NORTH0001", ts=team_ts),
        CardRef(channel="C0CTRL00001", ts=room_ts, role="control_room"),
    )
    SlackCardPublisher(SlackMessages(client), desk, now=lambda: T0).refresh(tracked(TWEET, cards=cards))
    team_message, room_message = slack_sandbox.messages("C0NORTH0001")[0], slack_sandbox.messages("C0CTRL00001")[0]
    assert "Crime report" in team_message["text"] and "call 999" not in json.dumps(team_message)
    assert "call 999" in json.dumps(room_message)


def test_a_card_deleted_in_slack_is_skipped_but_other_failures_are_reported(
    client: WebClient, slack_sandbox: SlackSandbox, desk: Desk
) -> None:
    publisher = SlackCardPublisher(SlackMessages(client), desk, now=lambda: T0)
    publisher.refresh(tracked(TWEET, cards=(CardRef(channel="C0NORTH0001", ts="1.000001"),)))
    live_ts = str(client.chat_postMessage(channel="C0NORTH0001", text="old")["ts"])
    slack_sandbox.fail_next("chat.update", status=500)
    no_retry = WebClient(token="xoxb-test", base_url=slack_sandbox.url, retry_handlers=[])
    with pytest.raises(UpstreamError, match="did not redraw"):
        SlackCardPublisher(SlackMessages(no_retry), desk).refresh(
            tracked(TWEET, cards=(CardRef(channel="C0NORTH0001", ts=live_ts),))
        )


def test_team_card_is_posted_once_per_channel_with_metadata(
    client: WebClient, slack_sandbox: SlackSandbox, desk: Desk
) -> None:
    publisher = SlackCardPublisher(SlackMessages(client), desk, now=lambda: T0)
    moved = tracked(TWEET, route="roads", team="roads")
    card = publisher.post_team_card(moved)
    assert card is not None and card.channel == "C0ROADS0001" and card.role == "team"
    assert publisher.post_team_card(moved.model_copy(update={"cards": (card,)})) is None
    posted = slack_sandbox.messages("C0ROADS0001")
    assert len(posted) == 1 and posted[0]["metadata"]["event_payload"] == {"tweet_id": TWEET, "route": "roads"}
    assert posted[0]["unfurl_links"] is False
