"""Who may act on a mention card, end to end: signed clicks into the real app, Slack membership from the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog, SeenRequests
from bot.app import create_app
from bot.blocks.ids import MentionAction
from bot.core.models import Category
from bot.core.tracking import CardRef, MentionState, TrackedMention
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SIGNING_SECRET, SlackRequests, eventually
from bot.sandbox.wsgi import serve_wsgi
from bot.services import Services, build_services
from bot.web.front_door import WebApp
from config.desk import parse_desk
from config.settings import Settings
from tests.conftest import EXAMPLE_DESK
from tests.support.factories import decision, tracked

TWEET = "2122000000000000001"
TEAM_CHANNEL, ROADS_CHANNEL, CONTROL_ROOM, DESK_CHANNEL = "C0NORTH0001", "C0ROADS0001", "C0CTRL00001", "C0DESK00001"
OFFICER, CONTROLLER, DESKER, OUTSIDER = "U0NORTH0001", "U0CTRL00001", "U0DESK00001", "U0OUTSIDE01"


@pytest.fixture
def store(services: Services) -> RedisMentionStore:
    return RedisMentionStore(services.redis, services.desk.retention.mention_days)


@pytest.fixture(autouse=True)
def members(slack_sandbox: SlackSandbox) -> None:
    slack_sandbox.set_members(TEAM_CHANNEL, [OFFICER])
    slack_sandbox.set_members(ROADS_CHANNEL, [])
    slack_sandbox.set_members(CONTROL_ROOM, [CONTROLLER])
    slack_sandbox.set_members(DESK_CHANNEL, [DESKER])


def post_card(services: Services, store: RedisMentionStore, record: TrackedMention, *channels: str) -> list[str]:
    """Post a card in each channel and track the mention with them, as the outbox would; return their ts."""
    refs = []
    for channel in channels:
        ts = str(services.slack.chat_postMessage(channel=channel, text="card")["ts"])
        refs.append(CardRef(channel=channel, ts=ts, role="control_room" if channel == CONTROL_ROOM else "team"))
    assert store.record_new(record.model_copy(update={"cards": tuple(refs)}))
    return [ref.ts for ref in refs]


def urgent() -> TrackedMention:
    emergency = decision(Category.EMERGENCY, urgent=True, route="control_room")
    return tracked(TWEET, decision=emergency, route="control_room", sla_minutes=5)


def click(
    slack: SlackRequests, action: MentionAction, user: str, channel: str, ts: str, option: str | None = None
) -> None:
    value, selected = (TWEET, None) if option is None else ("", f"{TWEET}:{option}")
    answer = slack.block_action(action, value, user_id=user, channel=channel, message_ts=ts, selected_option=selected)
    assert answer.status_code == 200


def audited(services: Services, action: str) -> dict[str, str]:
    entry = eventually(lambda: [r for r in AuditLog(services.redis).entries(TWEET) if r["action"] == action])[0]
    return {**entry, **json.loads(entry.get("detail", "{}"))}


def notice(slack: SlackSandbox, user: str) -> str:
    return str(eventually(lambda: [e for e in slack.ephemerals() if e["user"] == user])[-1]["text"])


def stored(store: RedisMentionStore) -> TrackedMention:
    record = store.get(TWEET)
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("action", "option", "audit"),
    [
        (MentionAction.NO_REPLY_NEEDED, None, "mention.no_reply_needed"),
        (MentionAction.MARK_REPLIED, None, "mention.marked_replied"),
        (MentionAction.REASSIGN, "roads", "mention.reassigned"),
        (MentionAction.ESCALATE, None, "mention.escalated"),
        (MentionAction.CLAIM, None, "mention.claimed"),
    ],
)
def test_an_outsiders_click_is_refused_privately_audited_and_changes_nothing(
    live_app: SlackRequests,
    slack_sandbox: SlackSandbox,
    services: Services,
    store: RedisMentionStore,
    action: MentionAction,
    option: str | None,
    audit: str,
) -> None:
    (ts,) = post_card(services, store, tracked(TWEET), TEAM_CHANNEL)
    before = stored(store)
    click(live_app, action, OUTSIDER, TEAM_CHANNEL, ts, option)
    entry = audited(services, audit + ".refused")
    assert (entry["actor"], entry["refused"], entry["channel"]) == (OUTSIDER, "forbidden", TEAM_CHANNEL)
    expected = "Only Northtown Neighbourhood Team (<#C0NORTH0001>), the desk (<#C0DESK00001>) or an approver can"
    assert entry["why"].startswith(expected) and notice(slack_sandbox, OUTSIDER) == entry["why"]
    assert stored(store) == before
    assert slack_sandbox.calls_to("chat.update") == []
    assert slack_sandbox.messages(CONTROL_ROOM) == [] and slack_sandbox.messages(ROADS_CHANNEL) == []


def test_a_team_member_may_claim_their_teams_card(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore
) -> None:
    (ts,) = post_card(services, store, tracked(TWEET), TEAM_CHANNEL)
    click(live_app, MentionAction.CLAIM, OFFICER, TEAM_CHANNEL, ts)
    assert audited(services, "mention.claimed")["actor"] == OFFICER
    assert stored(store).claimed_by == OFFICER


def test_a_team_member_may_not_close_an_urgent_card_but_the_control_room_and_the_desk_may(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore
) -> None:
    room_ts, team_ts = post_card(services, store, urgent(), CONTROL_ROOM, TEAM_CHANNEL)
    click(live_app, MentionAction.NO_REPLY_NEEDED, OFFICER, TEAM_CHANNEL, team_ts)
    why = audited(services, "mention.no_reply_needed.refused")["why"]
    assert why == (
        "This mention is urgent: only the control room (<#C0CTRL00001>) or the desk (<#C0DESK00001>) "
        "can close this mention."
    )
    assert notice(slack_sandbox, OFFICER) == why
    click(live_app, MentionAction.REASSIGN, OFFICER, TEAM_CHANNEL, team_ts, option="roads")
    audited(services, "mention.reassigned.refused")
    assert stored(store).is_open and TWEET in store.open_ids() and stored(store).route == "control_room"
    click(live_app, MentionAction.CLAIM, OFFICER, TEAM_CHANNEL, team_ts)
    audited(services, "mention.claimed")
    click(live_app, MentionAction.RELEASE, OFFICER, TEAM_CHANNEL, team_ts)
    audited(services, "mention.released")
    click(live_app, MentionAction.NO_REPLY_NEEDED, DESKER, TEAM_CHANNEL, team_ts)
    assert audited(services, "mention.no_reply_needed")["actor"] == DESKER
    assert stored(store).state is MentionState.CLOSED
    click(live_app, MentionAction.REOPEN, CONTROLLER, CONTROL_ROOM, room_ts)
    audited(services, "mention.reopened")
    click(live_app, MentionAction.MARK_REPLIED, CONTROLLER, CONTROL_ROOM, room_ts)
    assert audited(services, "mention.marked_replied")["actor"] == CONTROLLER


def test_a_failing_membership_lookup_refuses(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore
) -> None:
    (ts,) = post_card(services, store, tracked(TWEET), TEAM_CHANNEL)
    slack_sandbox.fail_next("conversations.members", status=500, times=3)  # the first lookup and its two retries
    click(live_app, MentionAction.CLAIM, OFFICER, TEAM_CHANNEL, ts)
    why = audited(services, "mention.claimed.refused")["why"]
    assert why.startswith("Slack could not confirm whether you are in Northtown Neighbourhood Team (<#C0NORTH0001>)")
    assert notice(slack_sandbox, OFFICER) == why and stored(store).claimed_by == ""


def test_a_channel_the_bot_cannot_read_refuses(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore
) -> None:
    (ts,) = post_card(services, store, tracked(TWEET), TEAM_CHANNEL)
    slack_sandbox.state.members.clear()  # conversations.members answers channel_not_found everywhere
    click(live_app, MentionAction.CLAIM, OFFICER, TEAM_CHANNEL, ts)
    assert audited(services, "mention.claimed.refused")["why"].startswith("Slack could not confirm")
    assert stored(store).claimed_by == ""


def test_membership_is_looked_up_once_per_channel_while_fresh(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore
) -> None:
    (ts,) = post_card(services, store, tracked(TWEET), TEAM_CHANNEL)
    click(live_app, MentionAction.CLAIM, OFFICER, TEAM_CHANNEL, ts)
    audited(services, "mention.claimed")
    click(live_app, MentionAction.RELEASE, OFFICER, TEAM_CHANNEL, ts)
    audited(services, "mention.released")
    asked = [c.params["channel"] for c in slack_sandbox.calls_to("conversations.members")]
    assert sorted(asked) == sorted([TEAM_CHANNEL, DESK_CHANNEL, CONTROL_ROOM])


OVERRIDES = """
[access]
control_room = ["U0LISTED001"]

[access.teams]
northtown = ["S0NORTHGRP1"]
"""


@pytest.fixture
def listed_app(settings: Settings, redis_client: redis.Redis, slack_sandbox: SlackSandbox) -> Iterator[SlackRequests]:
    """The app with a desk config whose [access] lists replace control-room and Northtown channel membership."""
    slack_sandbox.set_usergroup("S0NORTHGRP1", ["U0GROUPED01"])
    desk = parse_desk(EXAMPLE_DESK.read_text() + OVERRIDES)
    services = build_services(settings, desk)
    web = WebApp(create_app(settings, services), SIGNING_SECRET, SeenRequests(services.redis))
    with serve_wsgi(web) as url:
        yield SlackRequests(url)
    services.redis.close()


def test_access_lists_override_channel_membership(
    listed_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore
) -> None:
    room_ts, team_ts = post_card(services, store, urgent(), CONTROL_ROOM, TEAM_CHANNEL)
    click(listed_app, MentionAction.CLAIM, OFFICER, TEAM_CHANNEL, team_ts)  # in the channel, not in the group
    assert audited(services, "mention.claimed.refused")["actor"] == OFFICER
    click(listed_app, MentionAction.CLAIM, "U0GROUPED01", TEAM_CHANNEL, team_ts)  # in the group, not the channel
    assert audited(services, "mention.claimed")["actor"] == "U0GROUPED01"
    click(listed_app, MentionAction.RELEASE, "U0GROUPED01", TEAM_CHANNEL, team_ts)
    audited(services, "mention.released")
    click(listed_app, MentionAction.NO_REPLY_NEEDED, CONTROLLER, CONTROL_ROOM, room_ts)  # in the room, not listed
    assert audited(services, "mention.no_reply_needed.refused")["actor"] == CONTROLLER
    click(listed_app, MentionAction.NO_REPLY_NEEDED, "U0LISTED001", CONTROL_ROOM, room_ts)  # listed, not in the room
    assert audited(services, "mention.no_reply_needed")["actor"] == "U0LISTED001"
    assert stored(store).state is MentionState.CLOSED
