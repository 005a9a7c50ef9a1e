"""Print p50/p99 HTTP response times of signed Claim clicks to `commsdesk web` (gunicorn) at rising request rates.

Usage: .venv/bin/python -m bench.ack_latency [seconds-per-rate]   (default 10; rates 10, 25, 50, 100 req/s)
Each click claims a different seeded mention, so every request does the real work: verify, dedupe, claim in
Redis, audit, ack; the card redraw in the Slack stand-in happens after the ack, as in production.
Beside each rate the same clicks go to a bare Bolt app that only acks (`bench.bare_bolt`, same gunicorn
settings, started by this run), and the ratio ours/bare says what our work costs on this machine right now.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import redis
import requests
from slack_sdk import WebClient

from bench.records import tracked
from bot.adapters.mention_store import RedisMentionStore
from bot.blocks.ids import MentionAction
from bot.core.tracking import CardRef
from bot.demo.walkthrough import example_desk_path
from bot.sandbox import SlackSandbox
from bot.sandbox.redis_server import RedisServer, free_port
from bot.sandbox.signed import SIGNING_SECRET, SlackRequests

RATES = (10, 25, 50, 100)
CHANNEL = "C0NORTH0001"
BOT_TOKEN = "xoxb-bench-token"


def seed(client: redis.Redis, slack_url: str, count: int) -> list[tuple[str, str]]:
    """Post `count` cards in the sandbox and track a mention for each; return (tweet id, card ts) pairs."""
    slack, store, now = WebClient(token=BOT_TOKEN, base_url=slack_url), RedisMentionStore(client, 30), datetime.now(UTC)
    seeded = []
    for n in range(count):
        tweet_id = str(2_200_000_000_000_000_000 + n)
        ts = str(slack.chat_postMessage(channel=CHANNEL, text="card")["ts"])
        store.record_new(tracked(tweet_id, now, [CardRef(channel=CHANNEL, ts=ts)]))
        seeded.append((tweet_id, ts))
    return seeded


def start_web(
    workdir: Path, redis_url: str, slack_url: str, module: str = "bot", extra: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `commsdesk web` (or the bare `bench.bare_bolt`) with `extra` variables; wait until it answers."""
    port = free_port()
    env = (
        {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "COMMSDESK_", "REDIS_"))}
        | {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_url,
            "REDIS_URL": redis_url,
            "COMMSDESK_CONFIG": str(example_desk_path()),
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
        | (extra or {})
    )
    log_path = workdir / f"{module}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - kept open for the process's lifetime
    command = [sys.executable, "-m", module] + (["web"] if module == "bot" else [])
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{url}/healthz", timeout=1)
            return process, url
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{module} did not start; see {log_path}") from None
            time.sleep(0.1)


def run_rate(slack: SlackRequests, clicks: list[tuple[str, str]], rate: int) -> tuple[list[float], int]:
    """Send one click every 1/rate s from a thread pool; return response times (s) and non-200 answers."""
    times: list[float] = []
    failures = 0
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def click(n: int, tweet_id: str, ts: str) -> None:
        nonlocal failures
        time.sleep(max(0.0, start + n / rate - time.perf_counter()))
        sent = time.perf_counter()
        answer = slack.block_action(
            MentionAction.CLAIM, tweet_id, user_id=f"U0BENCH{n % 97:04d}", channel=CHANNEL, message_ts=ts
        )
        with lock:
            times.append(time.perf_counter() - sent)
            failures += answer.status_code != 200

    with ThreadPoolExecutor(max_workers=64) as pool:
        for n, (tweet_id, ts) in enumerate(clicks):
            pool.submit(click, n, tweet_id, ts)
    return times, failures


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process `pid` and its children (gunicorn's workers), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    counts = [int(rate * seconds) for rate in RATES]
    with tempfile.TemporaryDirectory() as tmp, SlackSandbox() as sandbox:
        workdir = Path(tmp)
        server = RedisServer(workdir / "redis").start()
        processes: list[subprocess.Popen[bytes]] = []
        try:
            client = redis.Redis.from_url(server.url, decode_responses=True)
            seeded = seed(client, sandbox.url, sum(counts))
            sandbox.set_members(CHANNEL, [f"U0BENCH{n:04d}" for n in range(97)])  # the clickers are on the team
            apps = []
            for module in ("bot", "bench.bare_bolt"):
                process, url = start_web(workdir, server.url, sandbox.url, module)
                processes.append(process)
                apps.append(SlackRequests(url))
                run_rate(apps[-1], [(str(n), "1.1") for n in range(20)], 10)  # warm up: unknown mentions
            ours, bare = apps
            print(
                f"{'rate req/s':>10} {'sent':>6} {'non-200':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
                f" {'bare p50':>9} {'bare p99':>9} {'p50 x':>6} {'p99 x':>6}"
            )
            offset = bare_failures = 0
            cpu = [0.0, 0.0]  # web CPU seconds spent on the timed clicks: ours, bare
            for rate, count in zip(RATES, counts, strict=True):
                clicks = seeded[offset : offset + count]
                started = cpu_seconds(processes[0].pid)
                times, failures = run_rate(ours, clicks, rate)
                time.sleep(1.0)  # let the redraws after the acks finish: they are part of a click's cost
                cpu[0] += cpu_seconds(processes[0].pid) - started
                started = cpu_seconds(processes[1].pid)
                base, refused = run_rate(bare, clicks, rate)
                cpu[1] += cpu_seconds(processes[1].pid) - started
                bare_failures += refused
                offset += count
                p50, p99, bare50, bare99 = (percentile(t, q) * 1000 for t in (times, base) for q in (50, 99))
                print(
                    f"{rate:>10} {len(times):>6} {failures:>8} {p50:>8.1f} {p99:>8.1f} {max(times) * 1000:>8.1f}"
                    f" {bare50:>9.1f} {bare99:>9.1f} {p50 / bare50:>6.2f} {p99 / bare99:>6.2f}"
                )
            claimed = sum(
                1 for tweet_id, _ in seeded if (r := RedisMentionStore(client, 30).get(tweet_id)) and r.claimed_by
            )
            print(f"claims recorded in Redis: {claimed} of {len(seeded)}; bare Bolt non-200 answers: {bare_failures}")
            ours_ms, bare_ms = (spent / sum(counts) * 1000 for spent in cpu)
            print(f"web CPU per click: ours {ours_ms:.2f} ms, bare Bolt {bare_ms:.2f} ms ({ours_ms / bare_ms:.2f}x)")
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=20)
            server.stop()


if __name__ == "__main__":
    main()
