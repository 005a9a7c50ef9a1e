"""Mention cards: what each role shows, build → click → read round trips, and hostile text kept inert."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.blocks.ids import MentionAction
from bot.blocks.mention_card import (
    build_desk_escalation,
    build_mention_card,
    build_redacted_card,
    build_sla_reminder,
    build_urgent_realert,
    read_mention_action,
)
from bot.core.errors import InvalidInput
from bot.core.models import Author, Category
from bot.core.tracking import MentionState, TrackedMention
from config.desk import Desk
from tests.support.factories import T0, decision, mention, tracked

ALICE = "U0ALICE0001"
NOW = T0 + timedelta(minutes=10)
TWEET = "2122000000000000001"
HOSTILE = (
    "<!channel> <!here> <@U123> <https://evil.example|bank> *bold* _x_ ~y~ `code` ```fence``` "
    "\u202egnp.exe\u202c zero\u200bwidth \ufeff ９９９ @channel [x](https://evil.example) &lt;!everyone&gt;"
)
OUR_MARKUP = re.compile(
    r"<@U0[A-Z0-9]+>|<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>]*>|<https://x\.com/[^<>|]+\|Open on X>"
)

QUOTE_MARKER = re.compile(r"(?m)^> ")


def texts(node: Any) -> Iterator[str]:
    """Every string Slack renders or sends back: text fields, values, urls, option values."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key in ("text", "value", "url"):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def click(card: dict[str, Any], action: MentionAction, option: str | None = None) -> dict[str, Any]:
    """Return the block_actions body Slack sends when `action` on `card` is clicked (or its option chosen)."""
    actions = next(b for b in card["blocks"] if b["type"] == "actions")
    element = next(e for e in actions["elements"] if e["action_id"] == action)
    if option is None:
        return {"actions": [{"action_id": action, "type": "button", "value": element["value"]}]}
    chosen = next(o for o in element["options"] if o["value"].endswith(":" + option))
    return {"actions": [{"action_id": action, "type": "static_select", "selected_option": chosen}]}


def action_ids(card: dict[str, Any]) -> list[str]:
    actions = next((b for b in card["blocks"] if b["type"] == "actions"), {"elements": []})
    return [e["action_id"] for e in actions["elements"]]


def hostile_record() -> TrackedMention:
    m = mention(TWEET, text=HOSTILE * 200).model_copy(
        update={"author": Author(id="1", username="evil|user>", name="<!channel> *Bank* \u202eofficial")}
    )
    d = decision(urgent=True).model_copy(update={"reasons": ("says <!here> <https://evil|x>",)})
    return tracked(TWEET).model_copy(update={"mention": m, "decision": d, "out_of_hours": True})


def test_open_team_card_shows_the_post_and_offers_every_action(desk: Desk) -> None:
    card = build_mention_card(tracked(TWEET), "team", desk.teams, NOW)
    dumped = json.dumps(card)
    assert "bike stolen from Canal St" in dumped and "@nina_rowe" in dumped and "@MPNorthtown" in dumped
    assert f"https://x.com/nina_rowe/status/{TWEET}" in dumped and "Crime report" in dumped
    assert "Unclaimed" in dumped and "Northtown Neighbourhood Team" in dumped
    assert action_ids(card) == [
        MentionAction.CLAIM,
        MentionAction.MARK_REPLIED,
        MentionAction.NO_REPLY_NEEDED,
        MentionAction.REPLY,
        MentionAction.REPLY_ON_X,
        MentionAction.REASSIGN,
        MentionAction.ESCALATE,
        MentionAction.RECATEGORISE,
    ]
    reply = next(e for e in card["blocks"][-1]["elements"] if e["action_id"] == MentionAction.REPLY_ON_X)
    assert reply["url"] == f"https://x.com/intent/post?in_reply_to={TWEET}"


def test_claimed_card_shows_claimant_and_offers_release(desk: Desk) -> None:
    card = build_mention_card(
        tracked(TWEET, claimed_by=ALICE, claim_until=NOW + timedelta(minutes=30)), "team", desk.teams, NOW
    )
    assert f"Claimed by <@{ALICE}>" in json.dumps(card)
    assert MentionAction.RELEASE in action_ids(card) and MentionAction.CLAIM not in action_ids(card)
    expired = build_mention_card(tracked(TWEET, claimed_by=ALICE, claim_until=NOW), "team", desk.teams, NOW)
    assert MentionAction.CLAIM in action_ids(expired)


def test_replied_card_shows_account_and_response_time_and_offers_reopen(desk: Desk) -> None:
    record = tracked(
        TWEET,
        state=MentionState.REPLIED,
        replied_by="MPNorthtown",
        replied_at=T0 + timedelta(minutes=12),
        handled_by=ALICE,
    )
    card = build_mention_card(record, "team", desk.teams, NOW)
    dumped = json.dumps(card)
    assert "Replied" in dumped and "by @MPNorthtown" in dumped and "12 min" in dumped and f"<@{ALICE}>" in dumped
    assert action_ids(card)[0] == MentionAction.REOPEN and MentionAction.CLAIM not in action_ids(card)


def test_overdue_and_escalated_state_is_shown(desk: Desk) -> None:
    card = build_mention_card(tracked(TWEET, escalated_by=ALICE), "team", desk.teams, T0 + timedelta(minutes=75))
    dumped = json.dumps(card)
    assert "overdue by 15 min" in dumped and f"control room by <@{ALICE}>" in dumped
    assert MentionAction.ESCALATE not in action_ids(card)


def test_control_room_card_is_unmistakably_urgent_with_999_guidance(desk: Desk) -> None:
    record = tracked(TWEET, out_of_hours=True).model_copy(
        update={"decision": decision(Category.EMERGENCY, urgent=True, route="control_room")}
    )
    card = build_mention_card(record, "control_room", desk.teams, NOW)
    assert card["blocks"][0]["type"] == "header" and "URGENT" in card["blocks"][0]["text"]["text"]
    dumped = json.dumps(card)
    assert "call 999" in dumped and "not monitored 24/7" in dumped and "out of staffed hours" in dumped
    assert MentionAction.REASSIGN not in action_ids(card) and MentionAction.ESCALATE not in action_ids(card)


@pytest.mark.parametrize(
    ("action", "option"),
    [
        (MentionAction.CLAIM, None),
        (MentionAction.MARK_REPLIED, None),
        (MentionAction.NO_REPLY_NEEDED, None),
        (MentionAction.ESCALATE, None),
        (MentionAction.REPLY_ON_X, None),
        (MentionAction.REASSIGN, "roads"),
    ],
)
def test_every_control_reads_back_as_tweet_id_action_and_argument(
    desk: Desk, action: MentionAction, option: str | None
) -> None:
    card = build_mention_card(tracked(TWEET), "team", desk.teams, NOW)
    assert read_mention_action(click(card, action, option)) == (TWEET, action, option or "")


def test_release_and_reopen_read_back(desk: Desk) -> None:
    claimed = tracked(TWEET, claimed_by=ALICE, claim_until=NOW + timedelta(minutes=5))
    closed = tracked(TWEET, state=MentionState.CLOSED, handled_by=ALICE)
    for record, action in [(claimed, MentionAction.RELEASE), (closed, MentionAction.REOPEN)]:
        card = build_mention_card(record, "team", desk.teams, NOW)
        assert read_mention_action(click(card, action)) == (TWEET, action, "")


def test_reader_refuses_foreign_or_malformed_clicks() -> None:
    for body in [
        {},
        {"actions": []},
        {"actions": [{"action_id": "nope", "value": TWEET}]},
        {"actions": [{"action_id": MentionAction.CLAIM, "value": "<!channel>"}]},
    ]:
        with pytest.raises(InvalidInput):
            read_mention_action(body)


@pytest.mark.parametrize("role", ["team", "control_room", "desk"])
def test_hostile_text_never_pings_links_or_breaks_limits(desk: Desk, role: str) -> None:
    record = hostile_record()
    link = "https://x.slack.test/a|<!here>"
    notices = [build_desk_escalation(record, NOW, desk.teams, link), build_urgent_realert(record, NOW, NOW)]
    for card in [build_mention_card(record, role, desk.teams, NOW), *notices, build_sla_reminder(record, NOW)]:
        for value in texts(card):
            stripped = QUOTE_MARKER.sub("", OUR_MARKUP.sub("", value))
            assert "<" not in stripped and ">" not in stripped, stripped[:200]
            assert "\u202e" not in value and "\u200b" not in value and "\ufeff" not in value
            assert "```" not in value and "](" not in value and "@channel" not in value
        assert len(card["blocks"]) <= 50 and len(card["text"]) <= 4000
        for block in card["blocks"]:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2000
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
            for element in block.get("elements", []):
                assert (
                    len(
                        element.get("text", {}).get("text", "")
                        if isinstance(element.get("text"), dict)
                        else element.get("text", "")
                    )
                    <= 3000
                )


def test_hostile_author_cannot_shape_the_post_link(desk: Desk) -> None:
    dumped = json.dumps(build_mention_card(hostile_record(), "team", desk.teams, NOW))
    assert f"https://x.com/i/web/status/{TWEET}" in dumped and "x.com/evil" not in dumped


def test_fullwidth_digits_and_long_text_are_shown_literally_and_truncated(desk: Desk) -> None:
    card = build_mention_card(hostile_record(), "team", desk.teams, NOW)
    body = next(b["text"]["text"] for b in card["blocks"] if b.get("text", {}).get("text", "").startswith("*From*"))
    assert "９９９" in json.dumps(card, ensure_ascii=False) and body.endswith("…")


def test_redacted_record_and_card_keep_no_text_author_or_buttons(desk: Desk) -> None:
    card = build_mention_card(tracked(TWEET, state=MentionState.REDACTED), "team", desk.teams, NOW)
    assert card == build_redacted_card(TWEET, "deleted on X or past retention")
    dumped = json.dumps(card)
    assert "bike" not in dumped and "nina" not in dumped and action_ids(card) == []
    assert "<!channel>" not in json.dumps(build_redacted_card(TWEET, "<!channel>"))


def test_sla_nudges_say_how_late(desk: Desk) -> None:
    late = T0 + timedelta(minutes=95)
    assert "overdue by 35 min" in build_sla_reminder(tracked(TWEET), late)["blocks"][0]["text"]["text"]
    link = "https://sandbox.slack.test/archives/C0NORTH0001/p1700000000000100"
    desk_note = build_desk_escalation(tracked(TWEET), late, desk.teams, link)
    banner = desk_note["blocks"][0]["text"]["text"]
    assert "Overdue" in banner and "35 min after it was due" in banner and f"<{link}|Open its card>" in banner
    assert action_ids(desk_note) == [] and "bike" not in json.dumps(desk_note)


def test_a_realert_says_how_long_the_card_and_the_post_have_waited_and_carries_no_text_or_buttons() -> None:
    card_posted = T0 + timedelta(minutes=3)
    realert = build_urgent_realert(tracked(TWEET), card_posted + timedelta(minutes=7), card_posted)
    banner = realert["blocks"][0]["text"]["text"]
    assert "Still not acknowledged 7 min after the card went up" in banner and "posted on X 10 min ago" in banner
    assert " 0 min" not in json.dumps(realert) and action_ids(realert) == [] and "bike" not in json.dumps(realert)


def possible_emergency() -> TrackedMention:
    unsure = decision(urgent=True, route="control_room").model_copy(
        update={"possible": True, "urgency": 0.34, "route_if_not_urgent": "northtown"}
    )
    return tracked(TWEET).model_copy(update={"decision": unsure, "route": "control_room"})


def test_a_possible_emergency_is_marked_unsure_with_both_buttons_in_the_control_room(desk: Desk) -> None:
    card = build_mention_card(possible_emergency(), "control_room", desk.teams, NOW)
    dumped = json.dumps(card)
    assert "POSSIBLE EMERGENCY: check now" in dumped and "call 999" in dumped and "Possible emergency (0.34)" in dumped
    assert "Triage is not sure" in dumped
    assert {MentionAction.CONFIRM_URGENT, MentionAction.NOT_URGENT, MentionAction.CLAIM} <= set(action_ids(card))
    for action in (MentionAction.CONFIRM_URGENT, MentionAction.NOT_URGENT):
        assert read_mention_action(click(card, action)) == (TWEET, action, "")
    team_card = build_mention_card(possible_emergency(), "team", desk.teams, NOW)
    assert MentionAction.NOT_URGENT not in action_ids(team_card)
    assert MentionAction.CONFIRM_URGENT in action_ids(team_card)


def test_a_sure_card_offers_no_confirmation_and_not_urgent_only_to_the_control_room(desk: Desk) -> None:
    routine = build_mention_card(tracked(TWEET), "team", desk.teams, NOW)
    assert not {MentionAction.CONFIRM_URGENT, MentionAction.NOT_URGENT} & set(action_ids(routine))
    urgent = tracked(TWEET).model_copy(update={"decision": decision(urgent=True, route="control_room")})
    control = build_mention_card(urgent, "control_room", desk.teams, NOW)
    assert MentionAction.NOT_URGENT in action_ids(control) and MentionAction.CONFIRM_URGENT not in action_ids(control)


def test_wrong_category_offers_every_other_category_and_reads_back(desk: Desk) -> None:
    card = build_mention_card(tracked(TWEET), "team", desk.teams, NOW)
    actions = next(b for b in card["blocks"] if b["type"] == "actions")
    select = next(e for e in actions["elements"] if e["action_id"] == MentionAction.RECATEGORISE)
    assert select["placeholder"]["text"] == "Wrong category…"
    assert [o["value"].split(":")[1] for o in select["options"]] == [
        c.value for c in Category if c.value != "crime_report"
    ]
    assert read_mention_action(click(card, MentionAction.RECATEGORISE, "information")) == (
        TWEET,
        MentionAction.RECATEGORISE,
        "information",
    )


def test_a_post_triage_could_not_read_says_so_with_an_inert_translate_link(desk: Desk) -> None:
    unread = decision(route="desk").model_copy(update={"language": "pa", "understood": False})
    hostile = mention(TWEET, text="<!channel> ਮੇਰੀ ਕਾਰ <https://evil.example|x> @here")
    record = tracked(TWEET).model_copy(update={"decision": unread, "mention": hostile})
    card = build_mention_card(record, "desk", desk.teams, NOW)
    note = next(b for b in card["blocks"] if "Written in pa" in json.dumps(b))
    url = note["accessory"]["url"]
    assert url.startswith("https://translate.google.com/") and note["accessory"]["action_id"] == MentionAction.TRANSLATE
    assert not set("<>|@ ") & set(url.split("?", 1)[1])


def test_a_reply_from_slack_shows_who_as_which_account_the_text_inert_and_a_link(desk: Desk) -> None:
    record = tracked(TWEET).model_copy(
        update={
            "state": MentionState.REPLIED,
            "replied_by": "MPNorthtown",
            "handled_by": "U0ALICE0001",
            "replied_at": NOW,
            "reply_text": "@nina_rowe <!channel> please DM us",
            "reply_post_id": "2130000000000000001",
        }
    )
    card = build_mention_card(record, "team", desk.teams, NOW)
    dumped = json.dumps(card)
    assert "<@U0ALICE0001> replied as @MPNorthtown" in dumped
    assert "https://x.com/MPNorthtown/status/2130000000000000001|View reply" in dumped
    assert "please DM us" in dumped and "<!channel>" not in dumped
    assert MentionAction.REPLY not in action_ids(card)  # answered: no Reply button
