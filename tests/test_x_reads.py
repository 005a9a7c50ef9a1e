"""Every post read from X is counted once, in one place; compliance reads only what is still shown."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import redis
from slack_sdk import WebClient

from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog, Keys
from bot.core.corrections import Correction, Label
from bot.core.models import Category
from bot.core.tracking import MentionState, TrackedMention
from bot.sandbox import SlackSandbox, XSandbox
from bot.services import Services
from bot.worker import build_worker
from config.desk import Desk
from tests.support.factories import decision, mention
from tests.test_retention import SECRET, everything_in, sweeper_for, track_with_card

NORTHTOWN, HANDLE = "1400000000000000003", "MPNorthtown"
NOW = datetime.now(UTC).replace(microsecond=0)
MONTH = NOW.strftime("%Y-%m")


def reads(client: redis.Redis) -> int:
    return int(client.get(Keys.x_reads(MONTH)) or 0)


def budget_alerts(slack: SlackSandbox, desk: Desk) -> list[str]:
    return [str(m["text"]) for m in slack.messages(desk.desk.channel) if "X reads this month" in str(m["text"])]


def recent_record(tweet_id: str, received: datetime, awaits_reply: bool) -> TrackedMention:
    return TrackedMention(
        mention=mention(tweet_id, created_at=received),
        decision=decision(needs_reply=awaits_reply),
        team="northtown",
        route="northtown",
        received_at=received,
        sla_due=received + timedelta(hours=1) if awaits_reply else None,
    )


def test_mentions_own_posts_and_lookups_are_all_counted(
    services: Services, x_sandbox: XSandbox, redis_client: redis.Redis
) -> None:
    x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=7)
    for n in range(3):
        x_sandbox.add_own_post(NORTHTOWN, f"Road closed on the A40 until 6pm, update {n}")
    worker = build_worker(services, pace_ms=5)
    worker.run_once()
    assert reads(redis_client) == 10  # own posts were not counted before
    report = worker.retention.check_deleted()
    assert report.checked == 7 and report.reads == 7
    assert reads(redis_client) == 17


def test_the_desk_is_told_once_at_eighty_and_once_at_a_hundred_percent(
    services: Services, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, desk: Desk
) -> None:
    small = desk.model_copy(update={"x": desk.x.model_copy(update={"monthly_read_budget": 10})})
    worker = build_worker(dataclasses.replace(services, desk=small), pace_ms=5)
    x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=8)
    worker.run_once()
    assert budget_alerts(slack_sandbox, desk) == [
        ":chart_with_upwards_trend: X reads this month: 8 of the 10 budgeted (80%). Plan ahead for the rest of "
        "the month."
    ]
    x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=3)
    worker.run_once()
    x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=1)
    worker.run_once()
    alerts = budget_alerts(slack_sandbox, desk)
    assert len(alerts) == 2 and "11 of the 10 budgeted (100%). Polling continues" in alerts[1]


def test_compliance_looks_up_only_what_is_shown_in_batches_of_100_and_minimises_the_rest(
    redis_client: redis.Redis, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, desk: Desk
) -> None:
    store = RedisMentionStore(redis_client, desk.retention.mention_days)
    slack = WebClient(token="xoxb-test", base_url=slack_sandbox.url)
    recent = x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=130)
    old_open = x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=2)
    old_closed = x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=3)
    for n, tweet_id in enumerate(recent):  # within the 2-day window, awaiting a reply or not
        assert store.record_new(recent_record(tweet_id, NOW - timedelta(hours=n % 40), awaits_reply=n % 2 == 0))
    five_days_ago = NOW - timedelta(days=5)
    for tweet_id in old_open + old_closed:
        track_with_card(store, slack, desk, tweet_id, five_days_ago)
    for tweet_id in old_closed:
        store.update(tweet_id, lambda t: t.model_copy(update={"state": MentionState.CLOSED, "sla_due": None}))
    x_sandbox.delete(recent[3])
    x_sandbox.reset()

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()

    lookups = [call.query["ids"].split(",") for call in x_sandbox.calls if call.path == "/2/tweets"]
    assert all(len(ids) <= 100 for ids in lookups) and len(lookups) == 2
    assert sorted(i for ids in lookups for i in ids) == sorted(recent + old_open)
    assert (report.checked, report.redacted, report.minimised, report.reads) == (132, 1, 3, 131)
    assert reads(redis_client) == 131
    for tweet_id in old_closed:
        record = store.get(tweet_id)
        assert record is not None and record.state is MentionState.REDACTED and record.mention.text == ""
        (entry,) = AuditLog(redis_client).entries(subject=tweet_id)
        assert entry["action"] == "mention.minimised"
        assert json.loads(entry["detail"])["reason"] == "closed and older than 2 days"
    assert all(store.get(i).state is not MentionState.REDACTED for i in old_open)  # type: ignore[union-attr]
    assert everything_in(redis_client).count(SECRET) == len(old_open)
    redrawn = [m for m in slack_sandbox.messages("C0NORTH0001") if m["text"] == "Mention removed"]
    assert len(redrawn) == len(old_closed) and all(SECRET not in json.dumps(m) for m in redrawn)

    x_sandbox.reset()
    again = sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()
    assert (again.checked, again.minimised) == (131, 0)


def test_a_mention_the_desk_corrected_keeps_its_text_and_is_checked_instead(
    redis_client: redis.Redis, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, desk: Desk
) -> None:
    store = RedisMentionStore(redis_client, desk.retention.mention_days)
    slack = WebClient(token="xoxb-test", base_url=slack_sandbox.url)
    corrected, plain = x_sandbox.add_mentions(NORTHTOWN, HANDLE, count=2)
    for tweet_id in (corrected, plain):
        track_with_card(store, slack, desk, tweet_id, NOW - timedelta(days=5))
        store.update(tweet_id, lambda t: t.model_copy(update={"state": MentionState.CLOSED, "sla_due": None}))
    lesson = Correction(
        tweet_id=corrected,
        at=datetime.now(UTC),
        actor="U0DESK00001",
        label=Label.CATEGORY,
        model="crime_report",
        desk="information",
        model_category=Category.CRIME_REPORT,
    )
    RedisCorrectionLog(redis_client, desk.retention.audit_days).record(lesson)
    x_sandbox.reset()

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()

    lookups = [i for call in x_sandbox.calls if call.path == "/2/tweets" for i in call.query["ids"].split(",")]
    assert lookups == [corrected] and (report.checked, report.minimised) == (1, 1)
    assert store.get(corrected).mention.text and not store.get(plain).mention.text  # type: ignore[union-attr]
