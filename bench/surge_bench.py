"""Print how a surge drains under Slack's one-message-a-second-per-channel pace: urgent latency, drain, losses.

Mentions are recorded at `--rate` per second (triage, Redis record and outbox, as ingest does) while one drainer
thread posts to the Slack stand-in, which answers 429 to a second post to a channel within `--slack-pace` s.
Everything is checked afterwards from the stand-in's messages and Redis: lost = 0 and duplicates = 0 or it says so.

    .venv/bin/python -m bench.surge_bench --mentions 3000 --rate 10
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from slack_sdk import WebClient

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import RedisOutbox
from bot.adapters.pacer import ChannelPacer
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.x import TweepyMentionSource, build_x_client
from bot.blocks.ids import MetadataType
from bot.blocks.mention_card import read_card_metadata
from bot.core.models import Author, Mention
from bot.core.tracking import CardRole
from bot.demo.walkthrough import example_desk_path
from bot.jobs.deliver_cards import OutboxDrainer
from bot.jobs.poll_mentions import MentionPoller
from bot.logs import configure_logging
from bot.sandbox import SlackSandbox
from bot.sandbox.redis_server import RedisServer
from bot.services import build_triage
from config.desk import Desk, SurgeTable, load_desk

URGENT = "@{handle} man with a knife outside the shop right now {n}"
NEEDS_REPLY = "@{handle} my car was broken into on Mill Lane last night {n}"
NO_REPLY = (
    "@{handle} lovely sunny day at the park {n}",
    "@{handle} thank you for the help yesterday, brilliant officers {n}",
    "@{handle} you lot are useless pigs {n}",
)


def text_for(n: int, handle: str) -> tuple[str, str]:
    """Pick the n-th mention's kind and text: 1 in 20 urgent, 8 in 20 needing a reply, the rest no reply."""
    slot = n % 20
    if slot == 0:
        return "urgent", URGENT.format(handle=handle, n=n)
    if slot <= 8:
        return "reply", NEEDS_REPLY.format(handle=handle, n=n)
    return "info", NO_REPLY[n % 3].format(handle=handle, n=n)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def feed(poller: MentionPoller, desk: Desk, args: argparse.Namespace) -> tuple[dict[str, float], dict[str, str]]:
    """Record `--mentions` mentions at `--rate`/s, round-robin over the accounts; return arrival times and kinds."""
    accounts = [account for _, account in desk.accounts()][: args.channels]
    arrived: dict[str, float] = {}
    kinds: dict[str, str] = {}
    start = time.monotonic()
    for n in range(args.mentions):
        account = accounts[n % len(accounts)]
        kind, text = text_for(n, account.handle)
        tweet_id = str(1_900_000_000_000_000_000 + n)
        mention = Mention(
            id=tweet_id,
            text=text,
            author=Author(id=f"9{n % 1000:03d}", username=f"citizen{n % 1000}"),
            created_at=datetime.now(UTC),
            mentioned=(account.handle,),
        )
        arrived[tweet_id] = time.time()
        kinds[tweet_id] = kind
        poller.record(mention)
        delay = start + (n + 1) / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return arrived, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=3000)
    parser.add_argument("--channels", type=int, default=5, help="desk accounts mentioned, one team channel each")
    parser.add_argument("--rate", type=float, default=10.0, help="mentions arriving per second")
    parser.add_argument("--slack-pace", type=float, default=1.0, help="Slack stand-in: seconds between posts")
    parser.add_argument("--summary-seconds", type=int, default=60, help="surge summary period")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop draining after this long")
    args = parser.parse_args()
    configure_logging("WARNING")
    base = load_desk(example_desk_path())
    desk = base.model_copy(
        update={"surge": SurgeTable(backlog_seconds=base.surge.backlog_seconds, summary_seconds=args.summary_seconds)}
    )
    with tempfile.TemporaryDirectory() as workdir, SlackSandbox() as slack:
        server = RedisServer(Path(workdir)).start()
        try:
            run(server.url, slack, desk, args)
        finally:
            server.stop()


def run(url: str, slack: SlackSandbox, desk: Desk, args: argparse.Namespace) -> None:
    client = redis.Redis.from_url(url, decode_responses=True)
    slack.pace_per_channel(args.slack_pace)
    mentions = RedisMentionStore(client, 30)
    feeder_outbox = RedisOutbox(client, "bench-feeder")
    feeder_outbox.ensure_groups()
    unused_source = TweepyMentionSource(build_x_client("bench", "http://127.0.0.1:9/", 1))
    poller = MentionPoller(
        unused_source, build_triage(desk), mentions, feeder_outbox, RedisAggregates(client, desk.zone), desk
    )
    outbox = RedisOutbox(client, "bench-drainer")
    poster = SlackMessages(WebClient(token="xoxb-bench", base_url=slack.url, timeout=10))
    drainer = OutboxDrainer(outbox, mentions, poster, ChannelPacer(client, desk.outbox.pace_ms), desk)
    stop = threading.Event()

    def drain_forever() -> None:
        while not stop.is_set():
            drainer.step(block_ms=100)

    thread = threading.Thread(target=drain_forever, daemon=True)
    started = time.time()
    thread.start()
    arrived, kinds = feed(poller, desk, args)
    fed = time.time()
    deadline = started + args.max_seconds
    while time.time() < deadline and (outbox.depth() or drainer.buffered or outbox.pending_summaries()):
        time.sleep(0.5)
    stop.set()
    thread.join(timeout=5)
    report(client, slack, desk, args, arrived, kinds, started, fed, drainer.surge.pace_seconds)


def report(
    client: redis.Redis,
    slack: SlackSandbox,
    desk: Desk,
    args: argparse.Namespace,
    arrived: dict[str, float],
    kinds: dict[str, str],
    started: float,
    fed: float,
    pace: float,
) -> None:
    posts = [c for c in slack.calls_to("chat.postMessage") if c.outcome == "ok"]
    card_posts: dict[tuple[str, str], list[float]] = {}
    summary_keys: Counter[str] = Counter()
    for call in posts:
        meta: dict[str, Any] = call.params.get("metadata") or {}
        payload = meta.get("event_payload") or {}
        if read_card_metadata(meta) is not None:
            card_posts.setdefault((payload["tweet_id"], str(call.params["channel"])), []).append(call.time)
        elif meta.get("event_type") == MetadataType.SURGE_SUMMARY:
            summary_keys[payload["key"]] += 1
    control = desk.desk.control_room_channel
    urgent = [
        card_posts[(t, control)][0] - arrived[t]
        for t, k in kinds.items()
        if k == "urgent" and (t, control) in card_posts
    ]
    first_seen = {
        t: min(min(v) for (tid, _), v in card_posts.items() if tid == t) - arrived[t]
        for t, k in kinds.items()
        if k == "urgent" and any(tid == t for tid, _ in card_posts)
    }
    room_posts = sum(1 for c in posts if c.params["channel"] == control)
    replies = {
        t: min(min(v) for (tid, _), v in card_posts.items() if tid == t)
        for t, k in kinds.items()
        if k == "reply" and any(tid == t for tid, _ in card_posts)
    }
    entries: Any = [e for lane in (0, 1, 2) for e in client.xrange(f"cd:outbox:{lane}") or []]
    pending = {str(fields["tweet_id"]) for _, fields in entries if fields["tweet_id"]}
    for bucket in client.scan_iter("cd:surge:*:*"):
        pending |= {str(m) for m in client.smembers(bucket)}
    records = RedisMentionStore(client, 30).get_many(list(arrived))
    shown = {t.mention.id for t in records if t.cards}
    still_queued = len(pending - shown)
    lost = len(set(arrived) - shown - pending)
    summarised = sum(any(c.role == CardRole.SUMMARY for c in t.cards) for t in records)
    info_cards = sum(kinds[t.mention.id] == "info" and any(c.role.is_card for c in t.cards) for t in records)
    duplicates = sum(len(v) - 1 for v in card_posts.values()) + sum(n - 1 for n in summary_keys.values())
    n_reply = sum(k == "reply" for k in kinds.values())
    last_reply = max(replies.values(), default=started)
    per_channel = 0.4 * 10_000 / args.channels
    surge = desk.surge
    print(
        f"surge: {len(arrived)} mentions at {args.rate:g}/s over {fed - started:.0f} s to {args.channels} accounts' "
        f"channels + control room; Slack stand-in {args.slack_pace:g} s/post/channel, drainer pace {pace:.2f} s, "
        f"surge past {surge.backlog_seconds} s of queue, summaries every {surge.summary_seconds} s"
    )
    print(
        f"urgent arrival→control-room card: n={len(urgent)} p50 {pct(urgent, 0.5):.2f} s, "
        f"p95 {pct(urgent, 0.95):.2f} s, max {max(urgent, default=float('nan')):.2f} s (goal p95 < 5 s)"
    )
    print(
        f"urgent arrival→first card anywhere (team or control room): p50 {pct(list(first_seen.values()), 0.5):.2f} s,"
        f" p95 {pct(list(first_seen.values()), 0.95):.2f} s; control room took {room_posts} posts in "
        f"{fed - started:.0f} s of arrivals ({room_posts / max(fed - started, 1):.2f}/s)"
    )
    print(
        f"needs-reply cards: {len(replies)}/{n_reply} posted; last one {last_reply - started:.0f} s after the first "
        f"arrival ({last_reply - fed:.0f} s after the last); p50 wait "
        f"{pct([replies[t] - arrived[t] for t in replies], 0.5):.0f} s"
    )
    print(f"no-reply mentions: {summarised} rolled into {len(summary_keys)} summaries, {info_cards} given own cards")
    print(
        f"messages posted {len(posts)}; Slack 429s {slack.paced_429s}; still queued at stop {still_queued}; "
        f"lost {lost}; duplicates {duplicates}"
    )
    print(
        f"extrapolated: 10,000 mentions (4,000 needing reply) over {args.channels} channels need ≥ "
        f"{per_channel * pace:.0f} s to post every needs-reply card at {pace:.2f} s each "
        f"({per_channel:.0f} per channel)"
    )


if __name__ == "__main__":
    main()
