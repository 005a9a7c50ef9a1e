"""Desk corrections in a real Redis: examples for retraining while the text is held, labels and agreement after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import CORRECTIONS_STREAM, Keys
from bot.blocks.triage_report import agreement_line, agreement_report
from bot.core.corrections import Correction, Label, PlatformAgreement
from bot.core.models import Category, Platform
from bot.jobs.desk_lessons import DeskLessons
from bot.jobs.retention import redacted
from config.desk import Desk
from tests.support.factories import tracked


def now() -> datetime:
    """Stream ids are wall-clock times, so these tests run on the real clock."""
    return datetime.now(UTC)


def fix(tweet_id: str, label: Label, model: str, desk_says: str, at: datetime | None = None) -> Correction:
    return Correction(
        tweet_id=tweet_id,
        at=at or now(),
        actor="U0DESK00001",
        label=label,
        model=model,
        desk=desk_says,
        model_category=Category.CRIME_REPORT,
        urgency=0.3,
    )


def lessons(redis_client: redis.Redis, desk: Desk) -> tuple[DeskLessons, RedisCorrectionLog, RedisMentionStore]:
    log, store = RedisCorrectionLog(redis_client, keep_days=365), RedisMentionStore(redis_client, 30)
    return DeskLessons(log, store, RedisAggregates(redis_client, desk.zone), desk, clock=now), log, store


def test_a_correction_is_a_labelled_example_until_its_text_is_gone(redis_client: redis.Redis, desk: Desk) -> None:
    desk_lessons, log, store = lessons(redis_client, desk)
    record = tracked("2122000000000000001")
    store.record_new(record)
    log.record(fix(record.mention.id, Label.CATEGORY, "crime_report", "information"))
    log.record(fix(record.mention.id, Label.URGENT, "false", "true", at=now() + timedelta(seconds=1)))
    [(mention, labels)] = desk_lessons.examples()
    assert mention.text == record.mention.text
    assert (labels.category, labels.urgent, labels.needs_reply, labels.route) == (
        "information",
        True,
        True,
        "northtown",
    )
    store.update(record.mention.id, redacted)
    assert desk_lessons.examples() == []
    stored = str(redis_client.xrange(CORRECTIONS_STREAM))
    assert record.mention.text not in stored and "information" in stored


def test_corrections_older_than_the_retention_period_are_dropped_on_write(redis_client: redis.Redis) -> None:
    log = RedisCorrectionLog(redis_client, keep_days=30)
    redis_client.xadd(CORRECTIONS_STREAM, {"json": "{}"}, id="1000-0")  # 1970: long past retention
    log.record(fix("2122000000000000002", Label.ROUTE, "northtown", "roads"))
    assert redis_client.xlen(CORRECTIONS_STREAM) == 1
    assert [c.desk for c in log.between(now() - timedelta(days=1), now() + timedelta(days=1))] == ["roads"]


def test_agreement_counts_decisions_by_day_and_urgent_recall_as_the_desk_judged(
    redis_client: redis.Redis, desk: Desk
) -> None:
    desk_lessons, log, _ = lessons(redis_client, desk)
    aggregates = RedisAggregates(redis_client, desk.zone)
    for n in range(10):
        record = tracked(f"21220000000000000{n:02d}")
        urgent = record.decision.model_copy(update={"urgent": n < 4})
        aggregates.record_received("northtown", now(), urgent)
    log.record(fix("2122000000000000000", Label.URGENT, "true", "false"))
    log.record(fix("2122000000000000009", Label.URGENT, "false", "true"))
    log.record(fix("2122000000000000009", Label.CATEGORY, "crime_report", "emergency"))
    result = desk_lessons.agreement(days=7)
    assert (result.decided, result.corrected, result.urgent_kept, result.urgent_missed) == (10, 2, 3, 1)
    assert result.by_category["crime_report"] == (10, 2) and result.urgent_recall == 0.75
    assert agreement_line(result) == (
        "the desk corrected 2 of 10 decisions (80% agreement); urgent recall as the desk judged it 75% (3 of 4)"
    )
    assert "crime_report" in agreement_report(result, 7) and "80%" in agreement_report(result, 7)


def test_agreement_is_split_by_platform_and_counts_days_and_corrections_from_before_meta_as_x(
    redis_client: redis.Redis, desk: Desk
) -> None:
    desk_lessons, log, _ = lessons(redis_client, desk)
    aggregates = RedisAggregates(redis_client, desk.zone)
    decision = tracked().decision
    for platform, count in ((Platform.X, 3), (Platform.FACEBOOK, 4), (Platform.INSTAGRAM, 1)):
        for _ in range(count):
            aggregates.record_received("northtown", now(), decision, platform=platform)
    before_meta = Keys.aggregate(aggregates.local_day(now()), "desk")  # written by a release without platforms
    redis_client.hset(before_meta, mapping={"received": 2, "cat:crime_report": 2})
    log.record(fix("2122000000000000001", Label.CATEGORY, "crime_report", "question"))
    log.record(fix("fb-1500000000001_2000000000001", Label.CATEGORY, "crime_report", "praise"))
    log.record(fix("fb-1500000000001_2000000000002", Label.URGENT, "false", "true"))
    log.record(fix("fb-1500000000001_2000000000002", Label.ROUTE, "northtown", "desk"))
    result = desk_lessons.agreement(days=7)
    assert (result.decided, result.corrected, result.urgent_missed) == (10, 3, 1)
    assert result.by_platform == {
        Platform.X: PlatformAgreement(decided=5, corrected=1, urgent_kept=0, urgent_missed=0),
        Platform.FACEBOOK: PlatformAgreement(decided=4, corrected=2, urgent_kept=0, urgent_missed=1),
        Platform.INSTAGRAM: PlatformAgreement(decided=1, corrected=0, urgent_kept=0, urgent_missed=0),
    }
    table = agreement_report(result, 7).splitlines()
    assert table[-4].split() == [
        *["platform", "decided", "corrected", "agreement"],
        *["urgent", "kept", "urgent", "missed", "urgent", "recall"],
    ]
    assert [row.split() for row in table[-3:]] == [
        ["X", "5", "1", "80%", "0", "0", "-"],  # nothing urgent to judge
        ["Facebook", "4", "2", "50%", "0", "1", "0%"],
        ["Instagram", "1", "0", "100%", "0", "0", "-"],
    ]
    assert "Facebook" not in agreement_line(result)  # the digest keeps one overall line


def test_urgent_recall_per_platform_lowers_only_the_platform_the_desk_corrected_and_counts_old_days_as_x(
    redis_client: redis.Redis, desk: Desk
) -> None:
    desk_lessons, log, _ = lessons(redis_client, desk)
    aggregates = RedisAggregates(redis_client, desk.zone)
    decision = tracked().decision
    urgent = decision.model_copy(update={"urgent": True})
    for platform, decided in (
        (Platform.X, urgent),
        (Platform.X, urgent),
        (Platform.X, decision),
        (Platform.FACEBOOK, urgent),
        (Platform.FACEBOOK, urgent),
        (Platform.INSTAGRAM, urgent),
        (Platform.INSTAGRAM, decision),
    ):
        aggregates.record_received("northtown", now(), decided, platform=platform)
    yesterday = aggregates.local_day(now() - timedelta(days=1))
    before_split = Keys.aggregate(yesterday, "northtown")  # platforms counted, urgent decisions only in total
    redis_client.hset(
        before_split, mapping={"received": 3, "platform:x": 1, "platform:facebook": 2, "urgent": 1, "cat:emergency": 3}
    )
    log.record(fix("fb-1500000000001_2000000000001", Label.URGENT, "true", "false"))  # turned down
    log.record(fix("fb-1500000000001_2000000000002", Label.URGENT, "false", "true"))  # missed
    log.record(fix("ig-1800000000000000001", Label.URGENT, "false", "true"))  # missed
    result = desk_lessons.agreement(days=7)
    assert (result.urgent_kept, result.urgent_missed) == (5, 2)
    assert {p: (a.decided, a.urgent_kept, a.urgent_missed) for p, a in result.by_platform.items()} == {
        Platform.X: (4, 3, 0),  # two urgent today, one from the day counted before the split
        Platform.FACEBOOK: (4, 1, 1),  # two urgent, one turned down: 1 of 2 found, not 2 of 3
        Platform.INSTAGRAM: (2, 1, 1),
    }
    assert [result.by_platform[p].urgent_recall for p in Platform] == [1.0, 0.5, 0.5]
    table = agreement_report(result, 7).splitlines()
    assert [row.split()[-3:] for row in table[-3:]] == [["3", "0", "100%"], ["1", "1", "50%"], ["1", "1", "50%"]]
    assert agreement_line(result) == (  # the digest's one line stays overall
        "the desk corrected 3 of 10 decisions (70% agreement); urgent recall as the desk judged it 71% (5 of 7)"
    )
