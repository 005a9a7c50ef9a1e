"""Print how long building the morning digests takes for 60 teams with 30 days of history (goal: < 200 ms).

Run: .venv/bin/python -m bench.digest_bench   (starts a throwaway redis-server; set REDIS_URL to use another)
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.store import OPEN_QUEUE, Keys
from bot.core.models import Category, OwnPost, PostMetrics, TriageDecision
from bot.jobs.build_digest import DigestBuilder
from bot.sandbox.redis_server import RedisServer
from config.desk import Desk

TEAMS = 60
HISTORY_DAYS = 30
MENTIONS_PER_DAY = 25
POSTS_PER_DAY = 4
OPEN_BACKLOG = 300
RUNS = 25
DAY = date(2026, 6, 30)


def make_desk() -> Desk:
    teams = [
        {
            "key": f"team{n:02d}",
            "name": f"Team {n}",
            "channel": f"C0TEAM{n:05d}",
            "accounts": [{"handle": f"Team{n:02d}", "id": str(1_500_000_000_000 + n)}],
        }
        for n in range(TEAMS)
    ]
    desk = {
        "name": "Bench desk",
        "channel": "C0DESK00001",
        "control_room_channel": "C0CTRL00001",
        "requests_channel": "C0REQS00001",
    }
    return Desk.model_validate({"timezone": "Europe/London", "desk": desk, "teams": teams})


def seed(client: redis.Redis, desk: Desk) -> None:
    """Record 30 days of mentions, responses and own posts for every team, as the mention flow would."""
    aggs, rng = RedisAggregates(client, desk.zone), random.Random(5)
    categories = list(Category)
    for offset in range(HISTORY_DAYS):
        day_start = datetime.combine(DAY - timedelta(days=offset), datetime.min.time(), tzinfo=UTC)
        pipe = client.pipeline(transaction=False)
        for team in desk.teams:
            for n in range(MENTIONS_PER_DAY):
                at = day_start + timedelta(minutes=rng.randrange(60 * 23))
                decision = TriageDecision(
                    category=rng.choice(categories), urgent=n == 0, needs_reply=n % 3 != 0, route=team.key
                )
                aggs.record_received(team.key, at, decision, pipe=pipe)
                if decision.needs_reply and rng.random() < 0.8:
                    waited = timedelta(minutes=rng.expovariate(1 / 40))
                    aggs.record_first_response(
                        team.key,
                        at,
                        at + waited,
                        staffed=8 <= at.hour < 20,
                        sla_met=waited < timedelta(hours=1),
                        pipe=pipe,
                    )
                    aggs.record_closed(team.key, at, replied=True, pipe=pipe)
            for n in range(POSTS_PER_DAY):
                metrics = PostMetrics(
                    impressions=rng.randrange(100, 5000), likes=rng.randrange(50), reposts=rng.randrange(9)
                )
                text = "Appeal for witnesses" if n else "Drop-in surgery today"
                post = OwnPost(
                    id=f"{offset}{team.key}{n}",
                    account_id=team.accounts[0].id,
                    created_at=day_start,
                    text=text,
                    metrics=metrics,
                )
                aggs.record_own_post(team.key, post, pipe=pipe)
        pipe.execute()
    pipe = client.pipeline(transaction=False)
    for n in range(OPEN_BACKLOG):
        tweet_id = str(2_000_000 + n)
        received = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC) + timedelta(minutes=n)
        pipe.hset(
            Keys.mention(tweet_id),
            mapping={
                "team": desk.teams[n % TEAMS].key,
                "category": "question",
                "url": f"https://x.com/someone/status/{tweet_id}",
                "received_at": received.isoformat(),
                "text": "Is the road open yet?",
            },
        )
        pipe.zadd(OPEN_QUEUE, {tweet_id: received.timestamp() + 3600})
    pipe.execute()


def measure(client: redis.Redis, desk: Desk) -> None:
    builder = DigestBuilder(RedisAggregates(client, desk.zone), desk)
    builder.build(DAY)  # warm imports and connections
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        digests = builder.build(DAY)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    builder.chart(digests[0])
    start = time.perf_counter()
    builder.chart(digests[0])
    chart_ms = (time.perf_counter() - start) * 1000
    print(
        f"digest build: {len(digests)} digests ({TEAMS} teams + desk roll-up), {HISTORY_DAYS} days of history, "
        f"{MENTIONS_PER_DAY} mentions/team/day, {OPEN_BACKLOG} open (goal < 200 ms)"
    )
    print(
        f"  wall: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, max {max(times):.1f} ms "
        f"over {RUNS} runs; our process CPU: median {statistics.median(cpu):.1f} ms"
    )
    print(f"chart render: {chart_ms:.0f} ms per PNG (not part of the build; drawn while posting each channel)")


def main() -> None:
    desk = make_desk()
    url = os.environ.get("REDIS_URL")
    with tempfile.TemporaryDirectory() as tmp:
        server = None if url else RedisServer(Path(tmp)).start()
        client = redis.Redis.from_url(url or server.url, decode_responses=True)  # type: ignore[union-attr]
        try:
            client.flushdb()
            seed(client, desk)
            measure(client, desk)
        finally:
            client.close()
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
