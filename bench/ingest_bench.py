"""Print end-to-end ingest throughput: X stand-in → tweepy → triage → Redis record + outbox, mentions/s."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import RedisOutbox
from bot.adapters.x import TweepyMentionSource, build_x_client
from bot.demo.walkthrough import example_desk_path
from bot.jobs.poll_mentions import MentionPoller
from bot.logs import configure_logging
from bot.sandbox import XSandbox
from bot.sandbox.redis_server import RedisServer
from bot.services import build_triage
from config.desk import load_desk

PER_ACCOUNT = 400
TEXTS = (
    "@{username} my car was broken into on Mill Lane last night, window smashed {n}",
    "@{username} is the front counter open on Sundays? {n}",
    "@{username} thank you for the help yesterday {n}",
    "@{username} man with a knife outside the shop right now {n}",
)


def main() -> None:
    configure_logging("WARNING", "console")  # a log line per mention would measure the terminal, not ingest
    desk = load_desk(example_desk_path())
    with tempfile.TemporaryDirectory() as workdir, XSandbox() as x:
        server = RedisServer(Path(workdir)).start()
        try:
            client = redis.Redis.from_url(server.url, decode_responses=True)
            for n, (_, account) in enumerate(desk.accounts()):
                x.add_mentions(account.id, account.handle, count=PER_ACCOUNT, text=TEXTS[n % len(TEXTS)])
            source = TweepyMentionSource(build_x_client("bench", x.url, 10), max_pages=10)
            poller = MentionPoller(
                source,
                build_triage(desk),
                RedisMentionStore(client, 30),
                RedisOutbox(client, "bench"),
                RedisAggregates(client, desk.zone),
                desk,
            )
            started = time.perf_counter()
            report = poller.poll()
            elapsed = time.perf_counter() - started
            queued = sum(int(client.xlen(f"cd:outbox:{lane}")) for lane in (0, 1, 2))
            used = int(client.info("memory")["used_memory"])
            print(
                f"ingested {report.new} mentions ({report.read} posts read) in {elapsed:.2f} s: "
                f"{report.new / elapsed:,.0f} mentions/s end to end; {queued} outbox entries queued; "
                f"Redis used_memory {used / max(report.new, 1):,.0f} bytes per mention (all keys)"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
