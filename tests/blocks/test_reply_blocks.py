"""The reply modal and approval card: build → fill → read round trips, and untrusted text kept inert."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.blocks.ids import ReplyAction, ReplyBlock
from bot.blocks.replies import (
    build_approval_card,
    build_reply_modal,
    read_approval_action,
    read_reply_modal,
    sent_line,
)
from bot.core.replies.count import measure
from bot.core.replies.desk import Composition, ReplyAccount
from bot.core.replies.disclosure import check
from bot.core.replies.intents import ReplyIntent
from bot.sandbox.block_kit import fill
from tests.support.factories import mention, tracked

TWEET = "2122000000000000001"
HOSTILE = "<!channel> <@U0APPR00002> see <https://evil.example|gov.uk> @here \u202e```x```"
ACCOUNTS = (
    ReplyAccount("MPNorthtown", "1400000000000000003", "northtown"),
    ReplyAccount("MidshirePolice", "1", "force"),
)


def composition(text: str = "@MPNorthtown bike stolen") -> Composition:
    record = tracked(TWEET).model_copy(update={"mention": mention(TWEET, text=text)})
    return Composition(record, ACCOUNTS, (("Please DM us", "@nina_rowe Please DM us"),))


def test_the_modal_round_trips_text_account_and_confirmation() -> None:
    view = build_reply_modal(composition(), "C0NORTH0001", draft="@nina_rowe hello", version=2, confirm="abc")
    submitted = fill(view, {f"{ReplyBlock.TEXT}2": "@nina_rowe thanks", ReplyBlock.ACCOUNT: "MidshirePolice"})
    draft = read_reply_modal(submitted)
    assert (draft.tweet_id, draft.channel, draft.text, draft.account) == (
        TWEET,
        "C0NORTH0001",
        "@nina_rowe thanks",
        "MidshirePolice",
    )
    assert (draft.confirmed, draft.version) == ("abc", 2)


def test_the_modal_shows_the_post_and_the_flags_inert_with_the_count() -> None:
    flagged = "Mr Jones at 34 Canal Street <!here>"
    view = build_reply_modal(composition(HOSTILE), "C0NORTH0001", budget=measure(flagged), flags=check(flagged))
    dumped = json.dumps(view["blocks"])
    assert "<!channel>" not in dumped and "<@U0APPR00002>" not in dumped and "<https://evil" not in dumped
    assert "<!here>" not in dumped
    assert "Mr Jones" in dumped and "34 Canal Street" in dumped and view["submit"]["text"] == "Send anyway"
    assert f"{measure(flagged).used}/280" in dumped


def test_the_approval_card_round_trips_its_buttons_and_keeps_the_draft_inert() -> None:
    intent = ReplyIntent(
        id="abc123",
        tweet_id=TWEET,
        account="MPNorthtown",
        account_id="1400000000000000003",
        text=HOSTILE,
        by="U0ALICE0001",
        channel="C0NORTH0001",
        created_at=datetime(2026, 11, 29, tzinfo=UTC),
    )
    card = build_approval_card(intent, HOSTILE, ())
    assert "<!channel>" not in json.dumps(card) and "<@U0APPR00002>" not in json.dumps(card)
    actions = next(b for b in card["blocks"] if b["type"] == "actions")["elements"]
    for element in actions:
        body = {"actions": [{"action_id": element["action_id"], "value": element["value"]}]}
        assert read_approval_action(body) == (TWEET, "abc123", ReplyAction(element["action_id"]))


def test_the_card_line_links_the_reply_only_for_a_real_post_id() -> None:
    assert "status/2130000000000000001" in sent_line("thanks", "MPNorthtown", "U0ALICE0001", "2130000000000000001")
    assert "status/" not in sent_line("thanks", "MPNorthtown", "U0ALICE0001", "x|<evil>")
    assert "<!channel>" not in sent_line(HOSTILE, "MPNorthtown", "U0ALICE0001", "")
