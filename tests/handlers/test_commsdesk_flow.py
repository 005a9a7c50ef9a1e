"""/commsdesk end to end: signed HTTP into the real app against real Redis; answers come back in the HTTP response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import Keys
from bot.blocks.ids import Command
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests
from bot.services import Services
from tests.support.factories import decision, mention, tracked

HOSTILE = "<!channel> <@U0APPR00001> look <https://evil.example|gov.uk> \u202e"


@pytest.fixture
def store(services: Services) -> RedisMentionStore:
    return RedisMentionStore(services.redis, services.desk.retention.mention_days)


def answer(slack: SlackRequests, text: str) -> dict[str, Any]:
    response = slack.command(Command.COMMSDESK, text)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["response_type"] == "ephemeral"
    return body


def shown(body: dict[str, Any]) -> str:
    return str(body["blocks"])


@pytest.mark.parametrize("text", ["", "help", "HELP", "what is this"])
def test_help_answers_empty_unknown_and_help_privately(live_app: SlackRequests, text: str) -> None:
    body = answer(live_app, text)
    assert "/commsdesk status" in shown(body) and "/commsdesk digest" in shown(body)


def test_status_lists_open_mentions_oldest_first_with_overdue_count(
    live_app: SlackRequests, store: RedisMentionStore, slack_sandbox: SlackSandbox
) -> None:
    first = tracked("2122000000000000001")
    newer = tracked("2122000000000000002", mention=mention("2122000000000000002", text=HOSTILE),
                    received_at=first.received_at + timedelta(hours=1),
                    sla_due=datetime.now(UTC) + timedelta(hours=2))  # fmt: skip
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
    assert [c.method for c in slack_sandbox.calls if c.method != "auth.test"] == []  # answered in the response


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
