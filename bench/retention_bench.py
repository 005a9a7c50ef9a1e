"""Print retention sweep and compliance check times over 50,000 tracked mentions (Redis, Slack and X stand-ins)."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from slack_sdk import WebClient

from bench.records import tracked
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AUDIT_STREAM, Keys
from bot.adapters.x import TweepyMentionSource, build_x_client
from bot.core.tracking import CardRef
from bot.demo.walkthrough import example_desk_path
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer
from bot.services import build_retention_sweeper
from config.desk import load_desk

MENTIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
DELETED_EVERY = 100  # 1% of posts deleted on X before the compliance check
CHANNEL = "C0NORTH0001"


class TimedSlack(WebClient):
    """A WebClient that adds up the time spent in chat.update, to split Slack round trips from our own work."""

    spent = 0.0

    def chat_update(self, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().chat_update(**kwargs)
        finally:
            self.spent += time.perf_counter() - started


def populate(store: RedisMentionStore, ids: list[str], received: datetime) -> float:
    """Record each mention and add its card through the store's real paths; return seconds taken."""
    started = time.perf_counter()
    for n, tweet_id in enumerate(ids):
        store.record_new(tracked(tweet_id, received + timedelta(seconds=n)))
        card = CardRef(channel=CHANNEL, ts=f"{1_700_000_000 + n}.000100")
        store.update(tweet_id, lambda t, card=card: t.model_copy(update={"cards": (card,)}))
    return time.perf_counter() - started


def main() -> None:
    desk = load_desk(example_desk_path())
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as workdir, SlackSandbox() as slack_api, XSandbox() as x:
        server = RedisServer(Path(workdir)).start()
        try:
            client = redis.Redis.from_url(server.url, decode_responses=True)
            store = RedisMentionStore(client, desk.retention.mention_days)
            slack = TimedSlack(token="xoxb-bench", base_url=slack_api.url)
            source = TweepyMentionSource(build_x_client("bench", x.url, 10))
            sweeper = build_retention_sweeper(client, store, source, slack, desk, clock=lambda: now)

            live = x.add_mentions("1400000000000000003", "MPNorthtown", count=MENTIONS)
            seconds = populate(store, live, now - timedelta(days=1))
            print(f"populated {MENTIONS:,} live mentions with one card each in {seconds:.1f} s")
            for tweet_id in live[::DELETED_EVERY]:
                x.delete(tweet_id)
            started = time.perf_counter()
            report = sweeper.check_deleted()
            elapsed = time.perf_counter() - started
            print(
                f"compliance check: {report.checked:,} looked up in {len(x.calls_to('/2/tweets')):,} X requests, "
                f"{report.redacted:,} redacted with their cards, {report.reads:,} reads counted, in {elapsed:.2f} s "
                f"({report.checked / elapsed:,.0f} mentions/s)"
            )

            client.flushall()
            old = [str(3_000_000_000_000_000_000 + n) for n in range(MENTIONS)]
            seconds = populate(store, old, now - timedelta(days=desk.retention.mention_days + 1))
            for tweet_id in old[: MENTIONS // 2]:
                client.delete(Keys.mention(tweet_id))  # half already gone by TTL: cards found in the card index
            print(f"populated {MENTIONS:,} mentions past retention in {seconds:.1f} s (half with records expired)")
            calls_before, slack.spent = len(slack_api.calls_to("chat.update")), 0.0
            started = time.perf_counter()
            swept = sweeper.sweep(now)
            elapsed = time.perf_counter() - started
            updates = len(slack_api.calls_to("chat.update")) - calls_before
            print(
                f"retention sweep: {swept.expired:,} mentions erased, {updates:,} chat.update calls, "
                f"{swept.cards_failed} failed, in {elapsed:.2f} s ({swept.expired / elapsed:,.0f} mentions/s, "
                f"{elapsed / max(swept.expired, 1) * 1000:.2f} ms each; {slack.spent:.2f} s of it in chat.update); "
                f"left in cd:tracked: {client.zcard(Keys.tracked())}, "
                f"audit entries: {client.xlen(AUDIT_STREAM):,}"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
