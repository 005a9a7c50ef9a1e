"""The safety band and desk corrections end to end: signed clicks, the real app, Slack sandbox, real Redis."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog
from bot.blocks.ids import MentionAction
from bot.blocks.mention_card import build_mention_card
from bot.core.corrections import Correction, Label
from bot.core.tracking import CardRef, TrackedMention
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services
from tests.support.factories import decision, tracked

TWEET = "2122000000000000001"
TEAM_CHANNEL, CONTROL_ROOM = "C0NORTH0001", "C0CTRL00001"
DESK_OFFICER = "U0ALICE0001"  # a control-room member: "Not urgent" needs the control room or the desk


@pytest.fixture
def store(services: Services) -> RedisMentionStore:
    return RedisMentionStore(services.redis, services.desk.retention.mention_days)


@pytest.fixture
def control_card(services: Services, store: RedisMentionStore, slack_sandbox: SlackSandbox) -> str:
    """Track a possible emergency with its control-room card, as the outbox would have posted it."""
    slack_sandbox.set_members(CONTROL_ROOM, [DESK_OFFICER])
    unsure = decision(urgent=True, route="control_room").model_copy(
        update={"possible": True, "urgency": 0.33, "route_if_not_urgent": "northtown"}
    )
    record = tracked(TWEET).model_copy(update={"decision": unsure, "route": "control_room"})
    card = build_mention_card(record, "control_room", services.desk.teams, datetime.now(UTC))
    ts = str(services.slack.chat_postMessage(channel=CONTROL_ROOM, **card)["ts"])
    ref = CardRef(channel=CONTROL_ROOM, ts=ts, role="control_room")
    assert store.record_new(record.model_copy(update={"cards": (ref,)}))
    return ts


def click(slack: SlackRequests, action: MentionAction, ts: str, option: str | None = None) -> None:
    selected = f"{TWEET}:{option}" if option is not None else None
    answer = slack.block_action(
        action,
        "" if option else TWEET,
        user_id=DESK_OFFICER,
        channel=CONTROL_ROOM,
        message_ts=ts,
        selected_option=selected,
    )
    assert answer.status_code == 200


def corrections(services: Services, count: int) -> list[Correction]:
    log = RedisCorrectionLog(services.redis, 365)
    window = (datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1))

    def made() -> list[Correction]:
        found = log.between(*window)
        return found if len(found) >= count else []

    return list(eventually(made))


def stored(store: RedisMentionStore) -> TrackedMention:
    record = store.get(TWEET)
    assert record is not None
    return record


def control_room_card(slack_sandbox: SlackSandbox, ts: str) -> dict[str, object]:
    """Return the control-room card as Slack holds it now (the web process redraws it after the ack)."""
    return next(m for m in slack_sandbox.messages(CONTROL_ROOM) if m["ts"] == ts)


def test_not_urgent_moves_a_possible_emergency_to_its_team_and_teaches_the_model(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    services: Services,
    store: RedisMentionStore,
    control_card: str,
) -> None:
    click(live_app, MentionAction.NOT_URGENT, control_card)
    [fix] = corrections(services, 1)
    assert (fix.label, fix.model, fix.desk, fix.actor, fix.urgency) == (
        Label.URGENT,
        "possible",
        "false",
        DESK_OFFICER,
        0.33,
    )
    record = stored(store)
    assert (record.route, record.decision.urgent, record.decision.possible) == ("northtown", False, False)
    team_cards = eventually(lambda: slack_sandbox.messages(TEAM_CHANNEL))
    assert "POSSIBLE" not in json.dumps(team_cards) and "bike stolen" in json.dumps(team_cards)
    eventually(lambda: "POSSIBLE EMERGENCY" not in json.dumps(control_room_card(slack_sandbox, control_card)))
    assert [r["action"] for r in AuditLog(services.redis).entries(TWEET)] == ["mention.not_urgent"]


def test_confirm_urgent_then_wrong_category_are_each_a_labelled_example(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    services: Services,
    store: RedisMentionStore,
    control_card: str,
) -> None:
    click(live_app, MentionAction.CONFIRM_URGENT, control_card)
    corrections(services, 1)
    click(live_app, MentionAction.RECATEGORISE, control_card, option="emergency")
    first, second = corrections(services, 2)
    assert (first.label, first.desk, second.label, second.model, second.desk) == (
        Label.URGENT,
        "true",
        Label.CATEGORY,
        "crime_report",
        "emergency",
    )
    record = stored(store)
    assert record.decision.category.value == "emergency" and record.decision.urgent and not record.decision.possible
    control = next(m for m in slack_sandbox.messages(CONTROL_ROOM) if m["ts"] == control_card)
    assert "Confirm urgent" not in json.dumps(control) and "URGENT: EMERGENCY" in json.dumps(control)
