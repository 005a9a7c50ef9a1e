"""/commsdesk end to end: signed HTTP into the real app against real Redis; answers come back in the HTTP response."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog, Heartbeats, Keys
from bot.blocks.ids import Command
from bot.blocks.x_reads import build_forecast_line
from bot.core.models import Category
from bot.jobs.x_reads import desk_read_forecast
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services
from tests.support.factories import decision, mention, tracked

HOSTILE = "<!channel> <@U0APPR00001> look <https://evil.example|gov.uk> \u202e"
DESK_CHANNEL, CONTROL_ROOM, NORTH_CHANNEL = "C0DESK00001", "C0CTRL00001", "C0NORTH0001"
OFFICER, CONTROLLER, NORTHERNER, OUTSIDER = "U0OFFICER01", "U0CTRL00001", "U0NORTH0001", "U0OUTSIDE01"
NORTH_ID, EMERGENCY_ID, DESK_ID = "2122000000000000011", "2122000000000000012", "2122000000000000013"


@pytest.fixture(autouse=True)
def members(slack_sandbox: SlackSandbox, services: Services) -> None:
    """OFFICER (who types the commands unless a test says otherwise) is on the desk; the others as named."""
    for team in services.desk.teams:
        slack_sandbox.set_members(team.channel, [])
    slack_sandbox.set_members(DESK_CHANNEL, [OFFICER])
    slack_sandbox.set_members(CONTROL_ROOM, [CONTROLLER])
    slack_sandbox.set_members(NORTH_CHANNEL, [NORTHERNER])


@pytest.fixture
def store(services: Services) -> RedisMentionStore:
    return RedisMentionStore(services.redis, services.desk.retention.mention_days)


def answer(slack: SlackRequests, text: str, user: str = OFFICER) -> dict[str, Any]:
    response = slack.command(Command.COMMSDESK, text, user_id=user)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["response_type"] == "ephemeral"
    return body


def shown(body: dict[str, Any]) -> str:
    return str(body["blocks"])


def figures(body: dict[str, Any]) -> list[str]:
    return [field["text"] for field in body["blocks"][2]["fields"]]


@pytest.mark.parametrize("text", ["", "help", "HELP", "what is this"])
def test_help_answers_empty_unknown_and_help_privately(live_app: SlackRequests, text: str) -> None:
    body = answer(live_app, text)
    assert "/commsdesk status" in shown(body) and "/commsdesk digest" in shown(body)


def test_status_lists_open_mentions_oldest_first_with_overdue_count(
    live_app: SlackRequests, store: RedisMentionStore, slack_sandbox: SlackSandbox
) -> None:
    first = tracked("2122000000000000001")
    newer = tracked(
        "2122000000000000002",
        mention=mention("2122000000000000002", text=HOSTILE),
        received_at=first.received_at + timedelta(hours=1),
        sla_due=datetime.now(UTC) + timedelta(hours=2),
    )
    closed = tracked("2122000000000000003", decision=decision(needs_reply=False), sla_due=None)
    for record in (newer, first, closed):
        assert store.record_new(record)
    body = answer(live_app, "status")
    figures = [f["text"] for f in body["blocks"][2]["fields"]]
    assert "*Waiting for a reply*\n2 open, 1 overdue" in figures
    text = shown(body)
    assert text.index("i/status/2122000000000000001") < text.index("i/status/2122000000000000002")
    assert "2122000000000000003" not in text
    assert "<!channel>" not in text and "<@U0APPR00001>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt;" in text
    asked = {"auth.test", "conversations.members"}  # who may see it is looked up; the answer is the response
    assert [c.method for c in slack_sandbox.calls if c.method not in asked] == []


def test_status_shows_the_x_budget_and_held_leases(
    live_app: SlackRequests, services: Services, redis_client: redis.Redis
) -> None:
    redis_client.set(Keys.x_reads(datetime.now(UTC).strftime("%Y-%m")), 2_500)
    services.leases.acquire("poll", 30)
    figures = [f["text"] for f in answer(live_app, "status")["blocks"][2]["fields"]]
    budget = services.desk.x.monthly_read_budget
    assert f"*X reads this month*\n2,500 of {budget:,} ({100 * 2_500 / budget:.0f}%)" in figures
    assert "*Worker jobs running*\npoll" in figures
    assert "Nothing is waiting for a reply." in shown(answer(live_app, "status"))


def test_status_shows_workers_by_their_heartbeat_and_the_read_forecast(
    live_app: SlackRequests, services: Services, redis_client: redis.Redis
) -> None:
    beats = Heartbeats(redis_client)
    now = datetime.now(UTC).timestamp()
    beats.beat("worker-a-101", now, ttl=120)
    beats.beat("worker-b-202", now - 600, ttl=0.001)  # its key has expired: the worker stopped beating
    time.sleep(0.01)
    body = answer(live_app, "status")
    workers = body["blocks"][2]["fields"][4]["text"]
    assert workers.splitlines()[:2] == ["*Workers*", "1 alive"]
    assert "worker-a-101: alive" in workers and "worker-b-202: not beating" in workers
    assert build_forecast_line(desk_read_forecast(services.desk))[1:] in shown(body)


def test_digest_shows_yesterdays_desk_rollup_privately_and_posts_nothing(
    live_app: SlackRequests, services: Services, redis_client: redis.Redis, slack_sandbox: SlackSandbox
) -> None:
    zone = services.desk.zone
    yesterday_start = datetime.combine(datetime.now(zone).date() - timedelta(days=1), datetime.min.time(), zone)
    aggregates = RedisAggregates(redis_client, zone)
    for team in ("northtown", "roads", "northtown"):
        aggregates.record_received(team, yesterday_start + timedelta(hours=12), decision())
    body = answer(live_app, "digest")
    assert body["blocks"][0]["text"]["text"] == f"Morning digest · {services.desk.desk.name}"
    assert "3 received" in shown(body) and "Only you can see this" in shown(body)
    assert "3 mentions" in body["text"]
    assert list(redis_client.scan_iter(match=Keys.digest_mark("*", "*"))) == []
    assert slack_sandbox.calls_to("chat.postMessage") == [] and slack_sandbox.files() == []


@pytest.fixture
def three_teams(store: RedisMentionStore) -> None:
    """Open mentions of Northtown, a Riverside emergency in the control room, and one the desk owns."""
    north = tracked(NORTH_ID, mention=mention(NORTH_ID))
    emergency = tracked(
        EMERGENCY_ID,
        mention=mention(EMERGENCY_ID, text="@MPRiverside man on Mill Lane bridge"),
        team="riverside",
        route="control_room",
        decision=decision(Category.EMERGENCY, urgent=True, route="control_room"),
    )
    desk_owned = tracked(
        DESK_ID, mention=mention(DESK_ID), team="desk", route="desk", decision=decision(Category.QUESTION, route="desk")
    )
    for record in (north, emergency, desk_owned):
        assert store.record_new(record)


def refused(services: Services, user: str, view: str) -> list[dict[str, str]]:
    return [
        r
        for r in AuditLog(services.redis).entries("commsdesk")
        if r["action"] == f"commsdesk.{view}.refused" and r["actor"] == user
    ]


@pytest.mark.usefixtures("three_teams")
@pytest.mark.parametrize("view", ["status", "digest"])
def test_someone_in_no_desk_channel_gets_a_one_line_refusal_that_is_audited(
    live_app: SlackRequests, services: Services, view: str
) -> None:
    body = answer(live_app, view, user=OUTSIDER)
    assert "blocks" not in body and "\n" not in body["text"]
    assert body["text"] == (
        "The desk's queue is shown only to members of the desk (<#C0DESK00001>), "
        "the control room (<#C0CTRL00001>) or a team channel."
    )
    assert len(refused(services, OUTSIDER, view)) == 1


@pytest.mark.usefixtures("three_teams")
@pytest.mark.parametrize("user", [OFFICER, CONTROLLER])
def test_desk_and_control_room_members_see_every_teams_mentions_emergencies_included(
    live_app: SlackRequests, user: str
) -> None:
    body = answer(live_app, "status", user=user)
    assert all(f"i/status/{tweet}" in shown(body) for tweet in (NORTH_ID, EMERGENCY_ID, DESK_ID))
    assert "*Waiting for a reply*\n3 open, 3 overdue" in figures(body)


@pytest.mark.usefixtures("three_teams")
def test_a_team_member_sees_only_their_teams_mentions(live_app: SlackRequests) -> None:
    body = answer(live_app, "status", user=NORTHERNER)
    assert f"i/status/{NORTH_ID}" in shown(body)
    assert EMERGENCY_ID not in shown(body) and DESK_ID not in shown(body) and "Mill Lane" not in shown(body)
    assert "*Waiting for a reply* (northtown)\n1 open, 1 overdue" in figures(body)


def test_a_team_member_gets_their_teams_digest_not_the_desk_rollup(
    live_app: SlackRequests, services: Services, redis_client: redis.Redis
) -> None:
    zone = services.desk.zone
    yesterday_noon = datetime.combine(datetime.now(zone).date() - timedelta(days=1), datetime.min.time(), zone)
    aggregates = RedisAggregates(redis_client, zone)
    for team in ("northtown", "riverside", "riverside"):
        aggregates.record_received(team, yesterday_noon + timedelta(hours=12), decision())
    body = answer(live_app, "digest", user=NORTHERNER)
    headers = [b["text"]["text"] for b in body["blocks"] if b["type"] == "header"]
    assert headers == ["Morning digest · Northtown Neighbourhood Team"]
    assert "1 received" in shown(body) and "3 received" not in shown(body)
    desk_view = answer(live_app, "digest", user=CONTROLLER)
    assert [b["text"]["text"] for b in desk_view["blocks"] if b["type"] == "header"] == [
        f"Morning digest · {services.desk.desk.name}"
    ]


@pytest.mark.usefixtures("three_teams")
def test_app_home_shows_open_mentions_by_the_same_rule(live_app: SlackRequests, slack_sandbox: SlackSandbox) -> None:
    for n, user in enumerate((OFFICER, NORTHERNER, OUTSIDER)):
        event = {"type": "app_home_opened", "user": user, "channel": f"D0HOME{n:05d}", "tab": "home"}
        assert live_app.event(event, event_id=f"Ev0HOME{n}").status_code == 200

    def home(user: str) -> str:
        return str(eventually(lambda: slack_sandbox.home(user))["blocks"])

    assert all(tweet in home(OFFICER) for tweet in (NORTH_ID, EMERGENCY_ID, DESK_ID))
    assert NORTH_ID in home(NORTHERNER) and EMERGENCY_ID not in home(NORTHERNER) and DESK_ID not in home(NORTHERNER)
    outsider = home(OUTSIDER)
    assert not any(tweet in outsider for tweet in (NORTH_ID, EMERGENCY_ID, DESK_ID))
    assert "Your platform requests" in outsider and "Open mentions are shown to members" in outsider
