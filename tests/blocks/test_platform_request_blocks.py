"""Platform request Block Kit: build → fill as Slack would → read round trips, inert answers, Slack's limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.ids import MetadataType, RequestAction, RequestBlock, RequestView
from bot.blocks.platform_request import (
    build_card_metadata,
    build_home,
    build_note_modal,
    build_request_form,
    build_request_list,
    build_requester_dm,
    build_review_card,
    read_note_modal,
    read_request_form,
)
from bot.core.platform_requests import FIELDS, Answers, PlatformRequest, RequestState, validate
from bot.sandbox.block_kit import fill

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PLATFORMS = ("Facebook", "Nextdoor", "TikTok")
TEAMS = (("northtown", "Northtown Neighbourhood Team"), ("riverside", "Riverside Neighbourhood Team"))
HOSTILE = "<!channel> <@U0APPR00001> <https://evil.example|gov.uk> @here ```x``` \u202eevil [a](https://x.y)"


def make_request(state: RequestState = RequestState.SUBMITTED, text: str = "", note: str = "") -> PlatformRequest:
    body = text or "We asked forty residents at ward panels and most read Nextdoor each week."
    answers = Answers(
        platform="Other",
        other_platform="Nextdoor Plus",
        team="northtown",
        account_name="MP Northtown",
        audience=body,
        evidence=body,
        current_channels=body,
        content_plan=body,
        people=body,
        risks=body,
        success=body,
        review_date=date(2026, 9, 1),
        closure_plan=body,
    )
    request = PlatformRequest(
        id="PR-1A2B3C4D", requester="U0NORTH0001", answers=answers, state=RequestState.SUBMITTED, created_at=NOW
    )
    if state == RequestState.SUBMITTED:
        return request
    if state == RequestState.RESUBMITTED:
        request = request.moved(RequestState.INFO_REQUESTED, "U0APPR00001", NOW, note or "Who covers leave?")
    return request.moved(state, "U0APPR00001", NOW + timedelta(hours=1), note)


def texts(node: Any) -> Iterator[str]:
    """Yield every string the user would see in a Block Kit tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def test_form_has_one_input_per_field_named_by_the_core() -> None:
    view = build_request_form(PLATFORMS, TEAMS)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == list(FIELDS)
    assert view["callback_id"] == RequestView.FORM and view["private_metadata"] == ""
    platform = inputs[0]["element"]
    assert [o["value"] for o in platform["options"]] == [*PLATFORMS, "Other"]
    assert {b["block_id"] for b in inputs if b["optional"]} == {"other_platform", "account_name", "closure_plan"}
    assert len(view["title"]["text"]) <= 24


def test_fresh_form_filled_in_reads_back_as_typed() -> None:
    typed = {
        "platform": "TikTok",
        "team": "riverside",
        "audience": "Young people at Quayside",
        "review_date": "2026-08-01",
    }
    request_id, raw = read_request_form(fill(build_request_form(PLATFORMS, TEAMS), typed))
    assert request_id == ""
    assert {k: raw[k] for k in typed} == typed
    assert raw["evidence"] is None and raw["account_name"] is None


def test_prefilled_update_form_round_trips_to_the_same_answers() -> None:
    request = make_request(RequestState.INFO_REQUESTED, text=HOSTILE + " plus enough ordinary words here", note="Why?")
    view = build_request_form(PLATFORMS, TEAMS, prefill=request)
    assert view["private_metadata"] == request.id and view["submit"]["text"] == "Update request"
    request_id, raw = read_request_form(fill(view))
    assert request_id == request.id
    again = validate(
        raw, platforms=PLATFORMS, teams=["northtown"], min_words=3, audience_min_words=2, today=date(2026, 3, 2)
    )
    assert again == request.answers
    assert "Why?" in json.dumps(view["blocks"][1])


@pytest.mark.parametrize("kind", [RequestView.DECLINE_REASON, RequestView.INFO_QUESTION])
def test_note_modal_requires_text_and_round_trips(kind: RequestView) -> None:
    view = build_note_modal(kind, "PR-1A2B3C4D")
    (block,) = view["blocks"]
    assert block["block_id"] == RequestBlock.NOTE and "optional" not in block
    assert read_note_modal(fill(view, {RequestBlock.NOTE: "No leave cover."})) == ("PR-1A2B3C4D", "No leave cover.")
    assert read_note_modal(fill(view)) == ("PR-1A2B3C4D", "")


def test_review_card_renders_hostile_answers_inert() -> None:
    _, blocks = build_review_card(make_request(text=HOSTILE), "Northtown Neighbourhood Team")
    rendered = "\n".join(texts(blocks))
    for dangerous in ("<!channel>", "<@U0APPR00001>", "<https://", "@here", "```", "\u202e", "]("):
        assert dangerous not in rendered
    assert "&lt;!channel&gt;" in rendered and "<@U0NORTH0001>" in rendered  # the requester is ours to mention


@pytest.mark.parametrize("name", ["<!here|<x>>", "<!channel>", "<@U0APPR00001>", "<https://evil.example|gov.uk>"])
def test_every_message_text_shows_a_hostile_platform_name_inert(name: str) -> None:
    request = make_request()
    request = request.model_copy(update={"answers": request.answers.model_copy(update={"other_platform": name})})
    summary, _ = build_review_card(request, "<!everyone> team")
    dm_text, _ = build_requester_dm(request)
    for text in (summary, dm_text):
        assert "<" not in text and ">" not in text
        assert "&lt;" in text


def test_review_card_buttons_only_while_decidable() -> None:
    _, blocks = build_review_card(make_request(), "Northtown")
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        RequestAction.APPROVE,
        RequestAction.DECLINE,
        RequestAction.ASK_INFO,
    ]
    assert {e["value"] for e in actions[0]["elements"]} == {"PR-1A2B3C4D"}
    _, decided = build_review_card(make_request(RequestState.DECLINED, note="<!channel> no"), "Northtown")
    assert not [b for b in decided if b["type"] == "actions"]
    assert "Declined by <@U0APPR00001>" in json.dumps(decided) and "&lt;!channel&gt; no" in json.dumps(decided)


def test_card_metadata_follows_the_contract() -> None:
    assert build_card_metadata(make_request()) == {
        "event_type": MetadataType.PLATFORM_REQUEST,
        "event_payload": {"request_id": "PR-1A2B3C4D"},
    }


def test_longest_answers_stay_inside_slack_limits() -> None:
    _, blocks = build_review_card(make_request(text="<&>" * 1000), "Northtown")
    assert len(blocks) <= 50
    assert all(len(t) <= 3000 for t in texts(blocks))


def test_dm_for_a_question_offers_update_and_withdraw() -> None:
    text, blocks = build_requester_dm(make_request(RequestState.INFO_REQUESTED, note="<!here> who covers leave?"))
    assert "&lt;!here&gt; who covers leave?" in text
    buttons = blocks[-1]["elements"]
    assert [b["action_id"] for b in buttons] == [RequestAction.UPDATE, RequestAction.WITHDRAW]


@pytest.mark.parametrize("state", list(RequestState))
def test_every_state_has_a_dm(state: RequestState) -> None:
    if state == RequestState.WITHDRAWN:
        request = make_request().moved(state, "U0NORTH0001", NOW)
    else:
        request = make_request(state, note="Because the cover plan is thin.")
    text, _ = build_requester_dm(request)
    assert request.id in text


def test_lists_show_age_and_the_queue_only_for_approvers() -> None:
    older = make_request().model_copy(update={"created_at": NOW - timedelta(days=3)})
    names = dict(TEAMS)
    mine = build_request_list([older], None, names, NOW)
    assert "3 days" in json.dumps(mine) and "Waiting for Corp Comms" not in json.dumps(mine)
    both = build_request_list([], [older] * 25, names, NOW)
    shown = "\n".join(texts(both))
    assert "Waiting for Corp Comms (25)" in shown and "…and 5 more." in shown
    home = build_home([older], [older], names, NOW)
    assert home["type"] == "home" and len(home["blocks"]) <= 100
