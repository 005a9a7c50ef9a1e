"""Digest posting against real Redis and the Slack sandbox: once per date and channel, through races and crashes."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import DigestMarks, Keys, Leases, first_start, record_first_start
from bot.core.models import Category, OwnPost, PostMetrics, TriageDecision
from bot.core.tracking import CardRole
from bot.jobs.build_digest import DigestBuilder
from bot.jobs.post_digest import DigestPoster, catch_up, digest_trigger, schedule_digest
from bot.sandbox.slack_api import SlackSandbox
from bot.services import build_retention_sweeper
from config.desk import Desk
from tests.support.factories import mention, tracked

DAY = date(2026, 6, 2)
MORNING = datetime(2026, 6, 3, 7, 30, tzinfo=UTC)  # 08:30 BST, after the 08:00 digest time


@pytest.fixture
def slack() -> Iterator[SlackSandbox]:
    with SlackSandbox() as sandbox:
        yield sandbox


def make_poster(slack: SlackSandbox, redis_client: redis.Redis, desk: Desk, now: datetime = MORNING) -> DigestPoster:
    client = WebClient(token="xoxb-test", base_url=slack.url, retry_handlers=[])
    builder = DigestBuilder(RedisAggregates(redis_client, desk.zone), desk, clock=lambda: now)
    mentions = RedisMentionStore(redis_client, desk.retention.mention_days)
    marks, leases = DigestMarks(redis_client), Leases(redis_client)
    return DigestPoster(SlackMessages(client), marks, leases, mentions, desk, builder, clock=lambda: now)


def digests_in(slack: SlackSandbox, channel: str) -> list[dict[str, object]]:
    return [m for m in slack.messages(channel) if m.get("metadata")]


def all_channels(desk: Desk) -> list[str]:
    return [desk.desk.channel, *(t.channel for t in desk.teams)]


def seed_day(redis_client: redis.Redis, desk: Desk) -> None:
    aggs = RedisAggregates(redis_client, desk.zone)
    at = datetime(2026, 6, 2, 9, tzinfo=UTC)
    ask = TriageDecision(category=Category.QUESTION, urgent=False, needs_reply=True, route="northtown")
    for minutes in (10, 30):
        aggs.record_received("northtown", at, ask)
        aggs.record_first_response("northtown", at, at + timedelta(minutes=minutes), staffed=True, sla_met=True)
        aggs.record_closed("northtown", at, replied=True)
    post = OwnPost(
        id="77",
        account_id="1400000000000000003",
        text="Drop-in surgery at Canal Street, 2pm",
        created_at=at,
        metrics=PostMetrics(impressions=400, likes=12, reposts=2),
    )
    aggs.record_own_post("northtown", post)


def test_posts_one_digest_per_channel_with_metadata_and_a_chart(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    seed_day(redis_client, desk)
    outcomes = make_poster(slack, redis_client, desk).post(DAY)
    assert outcomes is not None and {o.status for o in outcomes} == {"posted"}
    for channel in all_channels(desk):
        [message] = digests_in(slack, channel)
        assert message["unfurl_links"] is False
    northtown = digests_in(slack, "C0NORTH0001")[0]
    assert northtown["metadata"] == {
        "event_type": "commsdesk_digest",
        "event_payload": {"date": "2026-06-02", "team": "northtown"},
    }
    assert "2 received" in str(northtown["blocks"]) and "median 20 min" in str(northtown["blocks"])
    files = slack.files()
    assert len(files) == len(all_channels(desk))
    assert all(f["alt_txt"].startswith("Mentions received and replied") and f["thread_ts"] for f in files)
    assert redis_client.get(Keys.digest_mark("2026-06-02", "desk")) is not None

    again = make_poster(slack, redis_client, desk).post(DAY)
    assert again is not None and {o.status for o in again} == {"already"}
    assert sum(len(digests_in(slack, c)) for c in all_channels(desk)) == len(all_channels(desk))


def test_two_workers_at_the_digest_minute_post_once_per_channel(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk, redis_server: object
) -> None:
    slack.delay("chat.postMessage", 0.05)
    barrier = threading.Barrier(2)
    url = redis_client.connection_pool.connection_kwargs
    clients = [redis.Redis(host=url["host"], port=url["port"], decode_responses=True) for _ in range(2)]

    def worker(client: redis.Redis) -> None:
        poster = make_poster(slack, client, desk)
        barrier.wait()
        poster.post_yesterday()

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for channel in all_channels(desk):
        assert len(digests_in(slack, channel)) == 1, channel


def test_a_crash_after_posting_but_before_marking_is_reconciled_from_metadata(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    make_poster(slack, redis_client, desk).post(DAY)
    for team in ["desk", *(t.key for t in desk.teams)]:
        redis_client.delete(Keys.digest_mark("2026-06-02", team))  # as if the worker died before its marks
    outcomes = make_poster(slack, redis_client, desk).post(DAY)
    assert outcomes is not None and {o.status for o in outcomes} == {"reconciled"}
    for channel in all_channels(desk):
        assert len(digests_in(slack, channel)) == 1
    assert redis_client.get(Keys.digest_mark("2026-06-02", "northtown")) is not None


def test_a_reset_after_slack_accepted_the_post_does_not_duplicate(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    slack.reset_after_accept("chat.postMessage")
    outcomes = make_poster(slack, redis_client, desk).post(DAY)
    assert outcomes is not None
    assert outcomes[0].status == "reconciled"
    for channel in all_channels(desk):
        assert len(digests_in(slack, channel)) == 1


def test_catch_up_on_start_posts_a_missed_digest_once(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    early = datetime(2026, 6, 3, 6, 30, tzinfo=UTC)  # 07:30 BST: the cron has not fired yet
    assert catch_up(make_poster(slack, redis_client, desk, early), early) is None
    assert slack.messages("C0DESK00001") == []
    late = datetime(2026, 6, 3, 11, 0, tzinfo=UTC)  # worker was down across 08:00
    first = catch_up(make_poster(slack, redis_client, desk, late), late)
    assert first is not None and {o.status for o in first} == {"posted"}
    assert digests_in(slack, "C0DESK00001")[0]["metadata"]["event_payload"]["date"] == "2026-06-02"  # type: ignore[index]
    second = catch_up(make_poster(slack, redis_client, desk, late), late)
    assert second is not None and {o.status for o in second} == {"already"}


@pytest.mark.parametrize(
    ("after", "expected_utc"),
    [
        (datetime(2026, 3, 28, 9, tzinfo=UTC), datetime(2026, 3, 29, 7, tzinfo=UTC)),  # first BST morning
        (datetime(2026, 3, 27, 9, tzinfo=UTC), datetime(2026, 3, 28, 8, tzinfo=UTC)),  # last GMT morning
        (datetime(2026, 10, 24, 9, tzinfo=UTC), datetime(2026, 10, 25, 8, tzinfo=UTC)),  # first GMT morning
        (datetime(2026, 10, 23, 9, tzinfo=UTC), datetime(2026, 10, 24, 7, tzinfo=UTC)),  # last BST morning
    ],
)
def test_the_cron_fires_at_eight_local_across_the_clock_changes(
    desk: Desk, after: datetime, expected_utc: datetime
) -> None:
    fire = digest_trigger(desk).get_next_fire_time(None, after)
    assert fire == expected_utc
    assert fire.astimezone(desk.zone).hour == 8


@pytest.mark.parametrize(
    ("now", "yesterday"),
    [
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 29)),  # 00:30 BST on the 30th
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 28)),  # 00:30 GMT on the 29th
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 24)),  # 23:30 GMT on the 25th
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 24)),  # 00:30 BST on the 25th
    ],
)
def test_yesterday_is_taken_on_the_desk_clock(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk, now: datetime, yesterday: date
) -> None:
    assert make_poster(slack, redis_client, desk, now).yesterday() == yesterday


def test_a_digest_on_the_short_march_day_posts_and_counts_that_day(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    aggs = RedisAggregates(redis_client, desk.zone)
    ask = TriageDecision(category=Category.QUESTION, urgent=False, needs_reply=True, route="roads")
    aggs.record_received("roads", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), ask)  # 00:30 GMT
    aggs.record_received("roads", datetime(2026, 3, 29, 22, 30, tzinfo=UTC), ask)  # 23:30 BST
    aggs.record_received("roads", datetime(2026, 3, 29, 23, 30, tzinfo=UTC), ask)  # 00:30 BST next day
    now = datetime(2026, 3, 30, 7, 5, tzinfo=UTC)  # 08:05 BST
    outcomes = catch_up(make_poster(slack, redis_client, desk, now), now)
    assert outcomes is not None and {o.status for o in outcomes} == {"posted"}
    [roads] = digests_in(slack, "C0ROADS0001")
    assert roads["metadata"]["event_payload"] == {"date": "2026-03-29", "team": "roads"}  # type: ignore[index]
    assert "2 received" in str(roads["blocks"])


def test_schedule_digest_coalesces_and_allows_an_hour_or_more_late(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    scheduler = BackgroundScheduler(timezone=desk.zone)
    job = schedule_digest(scheduler, make_poster(slack, redis_client, desk), desk)
    scheduler.start(paused=True)
    try:
        assert job.misfire_grace_time >= 3600 and job.coalesce is True and job.max_instances == 1
        assert job.next_run_time.astimezone(desk.zone).strftime("%H:%M") == desk.digest.time
    finally:
        scheduler.shutdown(wait=False)


class NothingDeleted:
    """The X lookup port for a sweep that never asks X."""

    def existing(self, tweet_ids: Sequence[str]) -> set[str]:
        return set(tweet_ids)


def test_a_backlog_line_of_a_mention_past_retention_reads_removed_in_every_digest(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    store = RedisMentionStore(redis_client, desk.retention.mention_days)
    old_at, new_at = MORNING - timedelta(days=desk.retention.mention_days + 2), MORNING - timedelta(hours=20)
    old = tracked("2122000000000000001", received_at=old_at, sla_due=old_at + timedelta(hours=1))
    fresh = tracked("2122000000000000002", received_at=new_at, sla_due=new_at + timedelta(hours=1)).model_copy(
        update={"mention": mention("2122000000000000002", text="@MPNorthtown my van was taken off Mill Lane")}
    )
    assert store.record_new(old) and store.record_new(fresh)
    make_poster(slack, redis_client, desk).post(DAY)
    posted = {channel: digests_in(slack, channel)[0] for channel in ("C0DESK00001", "C0NORTH0001")}
    for message in posted.values():
        assert "bike stolen" in str(message["blocks"]) and "van was taken" in str(message["blocks"])
    record = store.get(old.mention.id)
    assert record is not None and {(c.channel, c.role) for c in record.cards} == {
        ("C0DESK00001", CardRole.DIGEST),
        ("C0NORTH0001", CardRole.DIGEST),
    }

    client = WebClient(token="xoxb-test", base_url=slack.url)
    report = build_retention_sweeper(redis_client, store, NothingDeleted(), client, desk, clock=lambda: MORNING).sweep()

    assert (report.expired, report.cards_redacted, report.cards_failed) == (1, 2, 0)
    for channel, before in posted.items():
        [after] = digests_in(slack, channel)
        lines = {b.get("block_id"): str(b) for b in after["blocks"]}
        assert "(removed)" in lines[f"mention:{old.mention.id}"] and "bike stolen" not in str(after)
        assert "van was taken" in lines[f"mention:{fresh.mention.id}"]
        assert after["text"] == before["text"] and after["metadata"] == before["metadata"]
        unchanged = [b for b in before["blocks"] if b.get("block_id") != f"mention:{old.mention.id}"]
        assert [b for b in after["blocks"] if b.get("block_id") != f"mention:{old.mention.id}"] == unchanged


def test_a_desk_first_started_after_the_digest_time_posts_no_digest_for_the_day_before(
    slack: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    started = datetime(2026, 6, 3, 11, 0, tzinfo=UTC)  # first start, after 08:00 BST
    assert record_first_start(redis_client, started) == started
    poster = make_poster(slack, redis_client, desk, started)
    assert catch_up(poster, started) is None
    assert poster.post_yesterday() is None
    assert slack.messages() == []
    next_morning = datetime(2026, 6, 4, 7, 30, tzinfo=UTC)
    outcomes = catch_up(make_poster(slack, redis_client, desk, next_morning), next_morning)
    assert outcomes is not None and {o.status for o in outcomes} == {"posted"}
    assert digests_in(slack, desk.desk.channel)[0]["metadata"]["event_payload"]["date"] == "2026-06-03"  # type: ignore[index]


def test_the_first_start_is_written_once_and_an_upgraded_desk_dates_it_from_its_oldest_record(
    redis_client: redis.Redis,
) -> None:
    redis_client.zadd(Keys.tracked(), {"1": datetime(2026, 5, 20, 9, tzinfo=UTC).timestamp()})
    first = record_first_start(redis_client, datetime(2026, 6, 3, 11, tzinfo=UTC))
    assert first == datetime(2026, 5, 20, 9, tzinfo=UTC)
    assert record_first_start(redis_client, datetime(2026, 7, 1, tzinfo=UTC)) == first
    assert first_start(redis_client) == first
