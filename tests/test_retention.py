"""Retention and compliance against real Redis and the Slack and X stand-ins: erasures leave no text behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from slack_sdk import WebClient

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import DEAD_LETTER_DAYS, OutboxEntry, OutboxKind, RedisOutbox
from bot.adapters.slack_cards import SlackCardPublisher
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import OPEN_QUEUE, AuditLog, Keys, XReadLedger
from bot.adapters.x import TweepyMentionSource, build_x_client
from bot.blocks.surge import build_surge_summary
from bot.core.models import OwnPost, PostMetrics
from bot.core.tracking import CardRef, CardRole, MentionState, TrackedMention, with_card
from bot.jobs.retention import RetentionSweeper
from bot.jobs.x_reads import XReadMeter
from bot.sandbox import SlackSandbox, XSandbox
from bot.services import Services, build_retention_sweeper
from bot.worker import build_worker
from config.desk import Desk
from tests.support.factories import decision, mention

FORCE_ID = "1400000000000000001"
NOW = datetime.now(UTC).replace(microsecond=0)
SECRET = "Nina Rowe lives at 12 Canal St and her phone is 07700 900123"


@pytest.fixture
def slack(slack_sandbox: SlackSandbox) -> Iterator[WebClient]:
    yield WebClient(token="xoxb-test", base_url=slack_sandbox.url)


@pytest.fixture
def store(redis_client: redis.Redis, desk: Desk) -> RedisMentionStore:
    return RedisMentionStore(redis_client, desk.retention.mention_days)


def sweeper_for(
    redis_client: redis.Redis, store: RedisMentionStore, x: XSandbox, slack: WebClient, desk: Desk, now: datetime = NOW
) -> RetentionSweeper:
    meter = XReadMeter(XReadLedger(redis_client), RedisOutbox(redis_client, "test"), desk)
    source = TweepyMentionSource(build_x_client("test-bearer", x.url, 5), sleep=lambda _: None, on_posts_read=meter.add)
    return build_retention_sweeper(redis_client, store, source, slack, desk, clock=lambda: now)


def track_with_card(
    store: RedisMentionStore, slack: WebClient, desk: Desk, tweet_id: str, received: datetime, text: str = SECRET
) -> TrackedMention:
    """Record a mention as ingest would, post its real card, and add the card as the outbox does."""
    m = mention(tweet_id, text=text, created_at=received).model_copy(update={"conversation_id": "77" + tweet_id[2:]})
    tracked = TrackedMention(
        mention=m,
        decision=decision(),
        team="northtown",
        route="northtown",
        received_at=received,
        sla_due=received + timedelta(hours=1),
    )
    assert store.record_new(tracked)
    card = SlackCardPublisher(SlackMessages(slack), desk, now=lambda: received).post_team_card(tracked)
    assert card is not None
    return store.update(tweet_id, lambda t: t.model_copy(update={"cards": (*t.cards, card)}))


def everything_in(client: redis.Redis) -> str:
    """Dump every value of every key, so a test can prove a text is nowhere in Redis."""
    dumped: dict[str, Any] = {}
    for key in client.scan_iter("*"):
        kind = client.type(key)
        readers = {
            "string": client.get,
            "hash": client.hgetall,
            "set": client.smembers,
            "stream": client.xrange,
            "list": lambda k: client.lrange(k, 0, -1),
            "zset": lambda k: client.zrange(k, 0, -1),
        }
        dumped[key] = readers[kind](key)
    return json.dumps(dumped, default=sorted)


def aggregates_of(client: redis.Redis) -> dict[str, Any]:
    return {key: client.hgetall(key) for key in client.scan_iter(Keys.aggregate("*", "*"))}


def test_a_post_deleted_on_x_is_redacted_in_redis_and_slack_and_audited_without_content(
    redis_client: redis.Redis,
    store: RedisMentionStore,
    x_sandbox: XSandbox,
    slack: WebClient,
    slack_sandbox: SlackSandbox,
    desk: Desk,
) -> None:
    deleted_id, kept_id = x_sandbox.add_mentions(FORCE_ID, "MPNorthtown", count=2)
    track_with_card(store, slack, desk, deleted_id, NOW)
    track_with_card(store, slack, desk, kept_id, NOW, text="@MPNorthtown thanks for the help today")
    RedisAggregates(redis_client, desk.zone).record_received("northtown", NOW, decision())
    counts = aggregates_of(redis_client)
    x_sandbox.delete(deleted_id)

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()

    assert (report.checked, report.redacted, report.cards_failed, report.reads) == (2, 1, 0, 1)
    record = store.get(deleted_id)
    assert record is not None and record.state is MentionState.REDACTED
    assert record.mention.text == "" and record.mention.author.username == "" and record.mention.author.id == ""
    assert (record.team, record.route, record.decision.category) == ("northtown", "northtown", decision().category)
    assert SECRET not in everything_in(redis_client)
    assert deleted_id not in redis_client.zrange(OPEN_QUEUE, 0, -1) and kept_id in redis_client.zrange(
        OPEN_QUEUE, 0, -1
    )
    card = slack_sandbox.messages("C0NORTH0001")[0]
    assert card["text"] == "Mention removed" and "deleted on X" in json.dumps(card["blocks"])
    assert SECRET not in json.dumps(card)
    assert "thanks for the help" in json.dumps(slack_sandbox.messages("C0NORTH0001")[1])
    (entry,) = AuditLog(redis_client).entries(subject=deleted_id)
    assert entry["action"] == "mention.redacted" and json.loads(entry["detail"])["reason"] == "deleted on X"
    assert "Canal" not in json.dumps(entry) and "nina" not in json.dumps(entry).casefold()
    assert redis_client.get(Keys.x_reads(NOW.strftime("%Y-%m"))) == "1"
    assert aggregates_of(redis_client) == counts

    again = sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()
    assert (again.checked, again.redacted) == (1, 0)


def test_the_author_handle_and_text_are_gone_from_every_redis_value(
    redis_client: redis.Redis, store: RedisMentionStore, x_sandbox: XSandbox, slack: WebClient, desk: Desk
) -> None:
    (deleted_id,) = x_sandbox.add_mentions(FORCE_ID, "MPNorthtown", count=1)
    track_with_card(store, slack, desk, deleted_id, NOW)
    assert SECRET in everything_in(redis_client) and "nina_rowe" in everything_in(redis_client)
    x_sandbox.delete(deleted_id)
    sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()
    dumped = everything_in(redis_client)
    assert SECRET not in dumped and "nina_rowe" not in dumped and "Nina Rowe" not in dumped


def test_a_card_slack_would_not_redraw_is_retried_on_the_next_run(
    redis_client: redis.Redis,
    store: RedisMentionStore,
    x_sandbox: XSandbox,
    slack_sandbox: SlackSandbox,
    slack: WebClient,
    desk: Desk,
) -> None:
    (deleted_id,) = x_sandbox.add_mentions(FORCE_ID, "MPNorthtown", count=1)
    track_with_card(store, slack, desk, deleted_id, NOW)
    x_sandbox.delete(deleted_id)
    no_retry = WebClient(token="xoxb-test", base_url=slack_sandbox.url, retry_handlers=[])
    slack_sandbox.fail_next("chat.update", status=500)
    first = sweeper_for(redis_client, store, x_sandbox, no_retry, desk).check_deleted()
    assert (first.redacted, first.cards_failed) == (1, 1)
    assert SECRET in json.dumps(slack_sandbox.messages("C0NORTH0001")[0])
    second = sweeper_for(redis_client, store, x_sandbox, no_retry, desk).check_deleted()
    assert (second.checked, second.redacted, second.cards_failed) == (0, 0, 0)
    assert slack_sandbox.messages("C0NORTH0001")[0]["text"] == "Mention removed"
    assert len(AuditLog(redis_client).entries(subject=deleted_id)) == 1


def test_the_sweep_redacts_cards_of_expired_mentions_and_trims_every_index(
    redis_client: redis.Redis,
    store: RedisMentionStore,
    x_sandbox: XSandbox,
    slack: WebClient,
    slack_sandbox: SlackSandbox,
    desk: Desk,
) -> None:
    old, still_there, fresh = "2122000000000000001", "2122000000000000002", "2122000000000000003"
    received = NOW - timedelta(days=desk.retention.mention_days + 1)
    track_with_card(store, slack, desk, old, received)
    track_with_card(store, slack, desk, still_there, received)
    track_with_card(store, slack, desk, fresh, NOW - timedelta(days=1), text="@MPNorthtown a recent question")
    RedisAggregates(redis_client, desk.zone).record_received("northtown", received, decision())
    counts = aggregates_of(redis_client)
    redis_client.delete(Keys.mention(old))  # its TTL ran out; the card in Slack still shows the text

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).sweep(NOW)

    assert (report.expired, report.cards_redacted, report.cards_failed) == (2, 2, 0)
    old_card, still_card, fresh_card = slack_sandbox.messages("C0NORTH0001")
    for card in (old_card, still_card):
        assert card["text"] == "Mention removed" and f"past the {desk.retention.mention_days}-day retention" in (
            json.dumps(card["blocks"])
        )
    assert "a recent question" in json.dumps(fresh_card)
    assert redis_client.zrange(Keys.tracked(), 0, -1) == [fresh]
    assert redis_client.zrange(OPEN_QUEUE, 0, -1) == [fresh]
    assert store.get(still_there) is None and store.get(fresh) is not None
    assert not redis_client.exists(Keys.cards_index(received.strftime("%Y-%m-%d")))
    assert store.in_conversation("77" + old[2:]) == [] and store.in_conversation("77" + fresh[2:]) == [fresh]
    dumped = everything_in(redis_client)
    assert SECRET not in dumped and "nina_rowe" in dumped  # only the fresh mention's author is kept
    for tweet_id in (old, still_there):
        (entry,) = AuditLog(redis_client).entries(subject=tweet_id)
        assert entry["action"] == "mention.expired" and "Canal" not in json.dumps(entry)
    assert aggregates_of(redis_client) == counts
    assert sweeper_for(redis_client, store, x_sandbox, slack, desk).sweep(NOW).expired == 0


def test_periodic_jobs_run_once_per_period_across_replicas_and_retry_after_a_failure(services: Services) -> None:
    worker, other_replica = build_worker(services), build_worker(services)
    runs: list[str] = []
    worker.periodic("retention", 3600, lambda: runs.append("first"))()
    other_replica.periodic("retention", 3600, lambda: runs.append("second"))()
    assert runs == ["first"]

    def failing() -> None:
        runs.append("failed")
        raise RuntimeError("X is down")

    worker.periodic("compliance", 3600, failing)()
    other_replica.periodic("compliance", 3600, lambda: runs.append("retried"))()
    assert runs == ["first", "failed", "retried"]


def roll_up(store: RedisMentionStore, slack: WebClient, tweet_ids: list[str], received: list[datetime]) -> str:
    """Record no-reply mentions and post their surge summary as the outbox does; return the summary's ts."""
    records = []
    for n, (tweet_id, at) in enumerate(zip(tweet_ids, received, strict=True)):
        m = mention(tweet_id, text=f"lovely day at the park {n} {SECRET}", created_at=at, username=f"walker{n}")
        quiet = TrackedMention(
            mention=m, decision=decision(needs_reply=False), team="northtown", route="northtown", received_at=at
        )
        assert store.record_new(quiet)
        records.append(quiet)
    summary = build_surge_summary("C0NORTH0001", records, 60)
    ts = str(slack.chat_postMessage(channel="C0NORTH0001", **summary)["ts"])
    ref = CardRef(channel="C0NORTH0001", ts=ts, role=CardRole.SUMMARY)
    for tweet_id in tweet_ids:
        store.update(tweet_id, lambda t: with_card(t, ref))
    return ts


def summary_lines(slack_sandbox: SlackSandbox, ts: str) -> dict[str, str]:
    [message] = [m for m in slack_sandbox.messages("C0NORTH0001") if m["ts"] == ts]
    assert message["blocks"][0]["text"]["text"].startswith(":ocean: *Surge:* 3 more mentions")
    assert "in the last 1 min:" in message["blocks"][0]["text"]["text"]
    return {b["block_id"].removeprefix("mention:"): json.dumps(b) for b in message["blocks"] if "block_id" in b}


def test_a_post_deleted_on_x_leaves_a_surge_summary_listing_the_others(
    redis_client: redis.Redis,
    store: RedisMentionStore,
    x_sandbox: XSandbox,
    slack: WebClient,
    slack_sandbox: SlackSandbox,
    desk: Desk,
) -> None:
    ids = x_sandbox.add_mentions(FORCE_ID, "MPNorthtown", count=3)
    ts = roll_up(store, slack, ids, [NOW] * 3)
    x_sandbox.delete(ids[1])

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).check_deleted()

    assert (report.redacted, report.cards_failed) == (1, 0)
    lines = summary_lines(slack_sandbox, ts)
    assert "(removed)" in lines[ids[1]] and "walker1" not in lines[ids[1]] and "park 1" not in lines[ids[1]]
    assert "walker0" in lines[ids[0]] and "park 0" in lines[ids[0]] and "park 2" in lines[ids[2]]
    assert not redis_client.hexists(Keys.cards_index(NOW.strftime("%Y-%m-%d")), ids[1])


def test_the_sweep_removes_only_the_expired_mentions_line_from_a_surge_summary(
    redis_client: redis.Redis,
    store: RedisMentionStore,
    x_sandbox: XSandbox,
    slack: WebClient,
    slack_sandbox: SlackSandbox,
    desk: Desk,
) -> None:
    ids = ["2122000000000000011", "2122000000000000012", "2122000000000000013"]
    old = NOW - timedelta(days=desk.retention.mention_days, hours=1)
    ts = roll_up(store, slack, ids, [old, NOW - timedelta(days=desk.retention.mention_days - 1), NOW])

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).sweep(NOW)

    assert (report.expired, report.cards_redacted, report.cards_failed) == (1, 1, 0)
    lines = summary_lines(slack_sandbox, ts)
    assert "(removed)" in lines[ids[0]] and "walker0" not in lines[ids[0]]
    assert "walker1" in lines[ids[1]] and "walker2" in lines[ids[2]]
    assert store.get(ids[0]) is None and store.get(ids[1]) is not None


def test_own_posts_keep_counts_and_ids_but_lose_their_text_after_the_mention_period(
    redis_client: redis.Redis, store: RedisMentionStore, x_sandbox: XSandbox, slack: WebClient, desk: Desk
) -> None:
    aggregates = RedisAggregates(redis_client, desk.zone)
    old_day = NOW - timedelta(days=desk.retention.mention_days + 1)
    replies = {"91": old_day, "92": NOW - timedelta(days=1)}
    text = "@nina_rowe thanks Nina, officers are on the way"
    for post_id, at in replies.items():
        post = OwnPost(
            id=post_id,
            account_id="1400000000000000003",
            text=text,
            created_at=at,
            in_reply_to_tweet_id="2122000000000000001",
            metrics=PostMetrics(impressions=50, likes=3),
        )
        aggregates.record_own_post("northtown", post)
    old_key = Keys.own_posts(aggregates.local_day(old_day), "northtown")
    ttl = redis_client.ttl(old_key)

    report = sweeper_for(redis_client, store, x_sandbox, slack, desk).sweep(NOW)

    assert report.own_posts_stripped == 1
    [old] = aggregates.day("northtown", old_day.astimezone(desk.zone).date()).posts
    [recent] = aggregates.day("northtown", (NOW - timedelta(days=1)).astimezone(desk.zone).date()).posts
    assert (old.id, old.text, old.is_reply, old.metrics.impressions, old.metrics.likes) == ("91", "", True, 50, 3)
    assert recent.text.startswith("@nina_rowe")
    assert 0 < redis_client.ttl(old_key) <= ttl
    assert sweeper_for(redis_client, store, x_sandbox, slack, desk).sweep(NOW).own_posts_stripped == 0


def test_dead_letters_keep_ids_and_slacks_error_not_the_post_and_go_after_thirty_days(
    redis_client: redis.Redis, store: RedisMentionStore, x_sandbox: XSandbox, slack: WebClient, desk: Desk
) -> None:
    outbox = RedisOutbox(redis_client, "test")
    outbox.ensure_groups()
    payload = {"text": SECRET, "blocks": [{"type": "section", "text": SECRET}]}
    entry = OutboxEntry(
        lane=1, channel="C0GONE", kind=OutboxKind.MESSAGE, tweet_id="2122000000000000001", key="sla:1", payload=payload
    )
    outbox.add(entry)
    [taken] = outbox.read(10)
    outbox.dead_letter(taken, "channel_not_found")

    [parked] = outbox.dead_letters()
    ids = {"channel": "C0GONE", "kind": "message", "tweet_id": "2122000000000000001", "role": "", "route": ""}
    assert parked == ids | {"key": "sla:1", "error": "channel_not_found"}
    assert SECRET not in everything_in(redis_client)
    assert sweeper_for(redis_client, store, x_sandbox, slack, desk).sweep(NOW).dead_letters_trimmed == 0
    later = NOW + timedelta(days=DEAD_LETTER_DAYS + 1)
    assert sweeper_for(redis_client, store, x_sandbox, slack, desk, now=later).sweep(later).dead_letters_trimmed == 1
    assert outbox.dead_letters() == []
