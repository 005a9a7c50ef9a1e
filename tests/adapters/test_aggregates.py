"""Aggregates recorded as mentions flow, read back per team and day from a real Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AGGREGATE_TTL, OPEN_QUEUE, Keys
from bot.core.digest import combine
from bot.core.models import Category, OwnPost, Platform, PostMetrics, TriageDecision
from tests.support.factories import mention, tracked

LONDON = ZoneInfo("Europe/London")


def decision(category: Category, needs_reply: bool = True, urgent: bool = False) -> TriageDecision:
    return TriageDecision(category=category, urgent=urgent, needs_reply=needs_reply, route="northtown")


def test_a_scripted_day_reads_back_as_counts_and_times(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    t0 = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    aggs.record_received("northtown", t0, decision(Category.QUESTION))
    aggs.record_received("northtown", t0, decision(Category.EMERGENCY, urgent=True))
    aggs.record_received("northtown", t0, decision(Category.PRAISE, needs_reply=False))
    aggs.record_first_response("northtown", t0, t0 + timedelta(minutes=20), staffed=True, sla_met=True)
    aggs.record_closed("northtown", t0, replied=True)
    aggs.record_closed("northtown", t0, replied=False)
    day = aggs.day("northtown", date(2026, 6, 2))
    assert (day.received, day.needs_reply, day.urgent) == (3, 2, 1)
    assert day.categories == {"question": 1, "emergency": 1, "praise": 1}
    assert (day.replied, day.closed_without_reply, day.still_open) == (1, 1, 0)
    assert [(r.seconds, r.staffed, r.sla_met) for r in day.responses] == [(1200.0, True, True)]
    assert 0 < redis_client.ttl(Keys.aggregate("2026-06-02", "northtown")) <= AGGREGATE_TTL


def test_outcomes_are_filed_under_the_day_the_mention_arrived(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    late = datetime(2026, 6, 2, 22, 30, tzinfo=UTC)  # 23:30 BST on the 2nd
    aggs.record_received("riverside", late, decision(Category.QUESTION))
    aggs.record_first_response("riverside", late, late + timedelta(hours=10), staffed=False, sla_met=False)
    aggs.record_closed("riverside", late, replied=True)
    first, second = aggs.days("riverside", [date(2026, 6, 2), date(2026, 6, 3)])
    assert (first.received, first.replied, len(first.responses)) == (1, 1, 1)
    assert (second.received, second.replied, second.responses) == (0, 0, ())


def test_urgent_decisions_are_counted_per_platform_and_per_day(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    monday, tuesday = datetime(2026, 6, 1, 9, 0, tzinfo=UTC), datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    urgent, calm = decision(Category.EMERGENCY, urgent=True), decision(Category.QUESTION)
    for at, platform, decided in (
        (monday, Platform.FACEBOOK, urgent),
        (monday, Platform.FACEBOOK, urgent),
        (monday, Platform.X, urgent),
        (monday, Platform.X, calm),
        (tuesday, Platform.X, urgent),
        (tuesday, Platform.FACEBOOK, calm),
    ):
        aggs.record_received("northtown", at, decided, platform=platform)
    aggs.record_received("roads", monday, urgent, platform=Platform.FACEBOOK)
    first, second = aggs.days("northtown", [date(2026, 6, 1), date(2026, 6, 2)])
    assert (first.urgent, first.urgent_platforms) == (3, {"facebook": 2, "x": 1})
    assert (second.urgent, second.urgent_platforms) == (1, {"x": 1})
    assert first.platforms == {"facebook": 2, "x": 2}
    rollup = combine("desk", date(2026, 6, 1), [first, aggs.day("roads", date(2026, 6, 1))])
    assert (rollup.urgent, rollup.urgent_platforms) == (4, {"facebook": 3, "x": 1})


def test_days_follow_the_desk_zone_across_the_clock_changes(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    assert aggs.local_day(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == "2026-03-29"  # 00:30 GMT
    assert aggs.local_day(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == "2026-03-28"  # 23:30 GMT
    assert aggs.local_day(datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == "2026-10-25"  # 00:30 BST
    assert aggs.local_day(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == "2026-10-25"  # 23:30 GMT


def test_own_posts_are_idempotent_per_post_and_keep_the_latest_metrics(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    at = datetime(2026, 6, 2, 10, tzinfo=UTC)
    appeal = OwnPost(id="900", account_id="1", text="Have you seen Jo? Appeal for witnesses", created_at=at)
    reply = OwnPost(id="901", account_id="1", text="@sam thanks, passed on", created_at=at, in_reply_to_tweet_id="5")
    aggs.record_own_post("northtown", appeal)
    aggs.record_own_post("northtown", appeal.model_copy(update={"metrics": PostMetrics(impressions=500, likes=9)}))
    aggs.record_own_post("northtown", reply)
    posts = aggs.day("northtown", date(2026, 6, 2)).posts
    assert [(p.id, p.kind, p.is_reply) for p in posts] == [("900", "appeal", False), ("901", "conversation", True)]
    assert posts[0].metrics.impressions == 500 and posts[0].metrics.likes == 9


def test_record_joins_the_callers_transaction(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    at = datetime(2026, 6, 2, 10, tzinfo=UTC)
    pipe = redis_client.pipeline(transaction=True)
    aggs.record_received("northtown", at, decision(Category.QUESTION), pipe=pipe)
    assert aggs.day("northtown", date(2026, 6, 2)).received == 0
    pipe.execute()
    assert aggs.day("northtown", date(2026, 6, 2)).received == 1


def test_backlog_reads_the_open_queue_oldest_first(redis_client: redis.Redis) -> None:
    aggs = RedisAggregates(redis_client, LONDON)
    store = RedisMentionStore(redis_client, 30)
    for tweet_id, minute in (("11", 30), ("12", 5), ("13", 10)):
        received = datetime(2026, 6, 2, 9, minute, tzinfo=UTC)
        store.record_new(
            tracked(
                tweet_id,
                team="oldfield",
                received_at=received,
                mention=mention(tweet_id, text="<!channel> hi", created_at=received),
            )
        )
    redis_client.zadd(OPEN_QUEUE, {"14": 1})  # its record expired: skipped
    backlog = aggs.backlog()
    assert [b.tweet_id for b in backlog] == ["12", "13", "11"]
    assert backlog[0].team == "oldfield" and backlog[0].text == "<!channel> hi"
