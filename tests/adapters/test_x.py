"""TweepyMentionSource against the X stand-in: paging, cursors, gaps, retries and faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.x import TweepyMentionSource, build_x_client
from bot.core.errors import RateLimited, UpstreamError
from bot.sandbox import XSandbox
from tests.conftest import DEV

FORCE_ID = "1400000000000000001"
ROADS_ID = "1400000000000000002"
MENTIONS_PATH = f"/2/users/{FORCE_ID}/mentions"


class SleepRecorder:
    """Record requested sleeps instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def x() -> Iterator[XSandbox]:
    with XSandbox() as sandbox:
        sandbox.load_pages(DEV / "mentions.jsonl")
        yield sandbox


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


def source_for(x: XSandbox, sleeps: SleepRecorder, timeout: float = 5, **options: Any) -> TweepyMentionSource:
    return TweepyMentionSource(build_x_client("sandbox-bearer", x.url, timeout), sleep=sleeps, **options)  # type: ignore[arg-type]


def test_mentions_come_oldest_first_and_since_id_returns_only_new(x: XSandbox, sleeps: SleepRecorder) -> None:
    source = source_for(x, sleeps)
    first = source.mentions_of(FORCE_ID, None)
    ids = [m.id for m in first.mentions]
    assert ids == sorted(ids, key=int) and first.newest_id == ids[-1]
    assert first.posts_read == len(ids) and not first.gap and first.errors == ()
    assert all(m.author.username for m in first.mentions)
    assert "&amp;" not in " ".join(m.text for m in first.mentions)

    assert source.mentions_of(FORCE_ID, first.newest_id).mentions == []
    new_ids = x.add_mentions(FORCE_ID, "MidshirePolice", count=3)
    later = source.mentions_of(FORCE_ID, first.newest_id)
    assert [m.id for m in later.mentions] == new_ids and later.newest_id == new_ids[-1] and later.posts_read == 3


def test_pagination_across_pages_and_gap_when_pages_run_out(x: XSandbox, sleeps: SleepRecorder) -> None:
    x.add_mentions(ROADS_ID, "MidshireRoads", count=250)
    whole = source_for(x, sleeps, max_pages=5).mentions_of(ROADS_ID, None)
    assert len({m.id for m in whole.mentions}) == whole.posts_read >= 250 and not whole.gap
    assert len(x.calls_to(f"/2/users/{ROADS_ID}/mentions")) == 3

    short = source_for(x, sleeps, max_pages=2).mentions_of(ROADS_ID, None)
    assert short.posts_read == 200 and short.gap
    assert short.newest_id == whole.newest_id


def test_gap_when_a_backlog_exceeds_what_the_timeline_reaches(x: XSandbox, sleeps: SleepRecorder) -> None:
    since = source_for(x, sleeps).mentions_of(ROADS_ID, None).newest_id
    x.add_mentions(ROADS_ID, "MidshireRoads", count=850)
    batch = source_for(x, sleeps, max_pages=20).mentions_of(ROADS_ID, since)
    assert batch.posts_read == 800 and batch.gap


def test_search_splits_long_queries_and_flags_a_cursor_older_than_seven_days(
    x: XSandbox, sleeps: SleepRecorder
) -> None:
    dev_set_day_after = datetime(2026, 11, 17, 12, tzinfo=UTC).timestamp()  # the fixed data's week, not today's
    source = source_for(x, sleeps, clock=lambda: dev_set_day_after)
    handles = ["MPNorthtown", "MPRiverside"] + [f"SomeOtherAccount{n:02d}" for n in range(40)]
    batch = source.search_mentions(handles, None)
    queries = [c.query["query"] for c in x.calls_to("/2/tweets/search/recent")]
    assert len(queries) > 1 and all(len(q) <= 512 for q in queries)
    assert batch.mentions and all({"MPNorthtown", "MPRiverside"} & set(m.mentioned) for m in batch.mentions)
    old_cursor = str(1 << 22)  # a snowflake from 2010
    assert source.search_mentions(["MPNorthtown"], old_cursor).gap
    assert not source.search_mentions(["MPNorthtown"], batch.newest_id).gap


def test_own_posts_and_existing_and_user_ids(x: XSandbox, sleeps: SleepRecorder) -> None:
    source = source_for(x, sleeps)
    mention = source.mentions_of(FORCE_ID, None).mentions[0]
    reply_id = x.add_own_post(
        FORCE_ID, "Please call 101", in_reply_to_tweet_id=mention.id, public_metrics={"like_count": 4}
    )
    posts, newest, read = source.own_posts(FORCE_ID, None)
    assert [p.id for p in posts] == [reply_id] and newest == reply_id and read == 1
    assert posts[0].in_reply_to_tweet_id == mention.id and posts[0].metrics.likes == 4
    assert source.own_posts(FORCE_ID, reply_id) == ([], None, 0)

    x.delete(mention.id)
    assert source.existing([mention.id, reply_id]) == {reply_id}
    assert source.user_ids(["@MidshirePolice", "mpnorthtown", "ghost"]) == {
        "MidshirePolice": FORCE_ID,
        "mpnorthtown": "1400000000000000003",
    }


def test_429_with_reset_header_waits_until_reset_bounded(x: XSandbox, sleeps: SleepRecorder) -> None:
    x.rate_limit_next(MENTIONS_PATH, times=2, reset_in=3)
    batch = source_for(x, sleeps, max_wait=60).mentions_of(FORCE_ID, None)
    assert batch.mentions
    assert len(sleeps.waits) == 2 and all(2 <= w <= 5 for w in sleeps.waits)

    capped = SleepRecorder()
    x.rate_limit_next(MENTIONS_PATH, reset_in=900)
    source_for(x, capped, max_wait=10).mentions_of(FORCE_ID, None)
    assert capped.waits == [10]


def test_429_without_reset_header_backs_off_exponentially_then_raises(x: XSandbox, sleeps: SleepRecorder) -> None:
    x.rate_limit_next(MENTIONS_PATH, times=10, reset_header=False)
    seen: list[int] = []
    source = TweepyMentionSource(
        build_x_client("test-bearer", x.url, timeout=5),
        max_retries=3,
        sleep=sleeps,
        on_rate_limited=lambda: seen.append(1),
    )
    with pytest.raises(RateLimited) as limited:
        source.mentions_of(FORCE_ID, None)
    assert len(seen) == 4
    assert sleeps.waits == [1.0, 2.0, 4.0]
    assert limited.value.retry_after == 8.0
    assert len(x.calls_to(MENTIONS_PATH)) == 4


def test_hang_times_out_and_becomes_upstream_error_after_bounded_retries(x: XSandbox, sleeps: SleepRecorder) -> None:
    x.hang_next(MENTIONS_PATH, seconds=5, times=3)
    started = time.monotonic()
    with pytest.raises(UpstreamError) as failed:
        source_for(x, sleeps, timeout=0.2, max_retries=1).mentions_of(FORCE_ID, None)
    assert not isinstance(failed.value, RateLimited)
    assert time.monotonic() - started < 2
    assert sleeps.waits == [1.0]


def test_5xx_is_retried_and_4xx_is_not(x: XSandbox, sleeps: SleepRecorder) -> None:
    x.fail_next(MENTIONS_PATH, status=503)
    assert source_for(x, sleeps).mentions_of(FORCE_ID, None).mentions
    assert sleeps.waits == [1.0]
    x.fail_next(MENTIONS_PATH, status=403, times=5)
    with pytest.raises(UpstreamError, match="403"):
        source_for(x, sleeps).mentions_of(FORCE_ID, None)
    assert sleeps.waits == [1.0]
    assert [c.status for c in x.calls_to(MENTIONS_PATH)] == [503, 200, 403]


def test_errors_in_a_200_are_returned_not_raised(x: XSandbox, sleeps: SleepRecorder) -> None:
    x.errors_next(MENTIONS_PATH, errors=[{"title": "Not Found Error", "detail": "Could not find tweet with ids: [1]."}])
    batch = source_for(x, sleeps).mentions_of(FORCE_ID, None)
    assert batch.mentions and batch.errors == ("Could not find tweet with ids: [1].",)
