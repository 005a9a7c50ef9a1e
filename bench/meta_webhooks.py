"""Print Meta webhook figures: end-to-end webhook to Slack card at normal load, then ack times at 50 deliveries/s.

Usage: .venv/bin/python -m bench.meta_webhooks [seconds-at-50/s]   (default 10, so 500 deliveries)

Runs `commsdesk web` (gunicorn) and `commsdesk worker` as real processes against a throwaway redis-server and
the Slack, X and Graph API stand-ins. Every delivery is a distinct Facebook comment, signed for real with
X-Hub-Signature-256. Phase 1 (normal load): one comment every 1.5 s; each is timed from the POST until its
card is in the team's Slack channel. Phase 2: deliveries at 50/s from a thread pool; each is timed from the POST
to the 200 (the door verifies, de-duplicates and queues; workers turn the queue into cards after the ack).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
import requests
from cryptography.fernet import Fernet

from bench.ack_latency import percentile
from bot.adapters.meta_inbox import RedisMetaInbox
from bot.adapters.meta_tokens import RedisMetaTokens
from bot.blocks.mention_card import read_card_metadata
from bot.demo.walkthrough import example_desk_path
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import APP_SECRET, VERIFY_TOKEN, MetaDeliveries
from bot.sandbox.redis_server import RedisServer, free_port
from bot.sandbox.signed import SIGNING_SECRET

PAGE, PAGE_TOKEN, CHANNEL = "1500000000000003", "bench-page-token", "C0NORTH0001"
RESIDENT = {"id": "6100000000000077", "name": "Ann Example"}
NORMAL_COUNT, NORMAL_GAP = 20, 1.5


def start(command: str, workdir: Path, env: dict[str, str], ready: str | None) -> subprocess.Popen[bytes]:
    log = open(workdir / f"{command}.log", "wb")  # noqa: SIM115 - kept open for the process's lifetime
    process = subprocess.Popen([sys.executable, "-m", "bot", command], env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while ready is not None:
        try:
            requests.get(ready, timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"commsdesk {command} did not start; see {workdir / f'{command}.log'}") from None
            time.sleep(0.1)
    return process


def card_ids(slack: SlackSandbox) -> set[str]:
    return {meta[0] for m in slack.messages(CHANNEL) if (meta := read_card_metadata(m.get("metadata"))) is not None}


def normal_load(graph: GraphSandbox, door: MetaDeliveries, slack: SlackSandbox) -> list[float]:
    """Send one comment every NORMAL_GAP s; return each one's seconds from POST to its card in Slack."""
    post = graph.add_post(PAGE, "Street surgery on Saturday, 10 till 12 at the library")
    times = []
    for n in range(NORMAL_COUNT):
        comment = graph.add_comment(post.id, f"Will you be there if it rains? My mum wants to come ({n})", RESIDENT)
        sent = time.perf_counter()
        door.send(graph.feed_change(comment))
        while f"fb-{comment.id}" not in card_ids(slack):
            if time.perf_counter() - sent > 30:
                raise SystemExit(f"no card for comment {n} after 30 s")
            time.sleep(0.01)
        times.append(time.perf_counter() - sent)
        time.sleep(max(0.0, NORMAL_GAP - times[-1]))
    return times


def burst(graph: GraphSandbox, door: MetaDeliveries, rate: int, count: int) -> tuple[list[float], int]:
    """Send `count` distinct deliveries at `rate`/s; return ack times (s) and non-200 answers."""
    post = graph.add_post(PAGE, "Road closure on Canal Street tonight")
    payloads = [graph.feed_change(graph.add_comment(post.id, f"How long for? ({n})", RESIDENT)) for n in range(count)]
    times: list[float] = []
    failures = 0
    lock = threading.Lock()
    begin = time.perf_counter() + 0.2

    def deliver(n: int) -> None:
        nonlocal failures
        time.sleep(max(0.0, begin + n / rate - time.perf_counter()))
        sent = time.perf_counter()
        answer = door.send(payloads[n])
        with lock:
            times.append(time.perf_counter() - sent)
            failures += answer.status_code != 200

    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(deliver, range(count)))
    return times, failures


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    key = Fernet.generate_key().decode()
    with tempfile.TemporaryDirectory() as tmp, SlackSandbox() as slack, XSandbox() as x, GraphSandbox() as graph:
        workdir = Path(tmp)
        server = RedisServer(workdir / "redis").start()
        graph.capacity = 1_000_000
        graph.add_page(PAGE, "Northtown Neighbourhood Police", PAGE_TOKEN)
        client = redis.Redis.from_url(server.url, decode_responses=True)
        RedisMetaTokens(client, key).link(PAGE, PAGE_TOKEN)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "COMMSDESK_", "META_"))} | {
            "SLACK_BOT_TOKEN": "xoxb-bench-token",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.url,
            "X_BEARER_TOKEN": "bench-bearer",
            "X_API_URL": x.url,
            "META_APP_SECRET": APP_SECRET,
            "META_VERIFY_TOKEN": VERIFY_TOKEN,
            "META_API_URL": graph.url,
            "COMMSDESK_SECRET_KEY": key,
            "REDIS_URL": server.url,
            "COMMSDESK_CONFIG": str(example_desk_path()),
            "PORT": str(port),
            "METRICS_PORT": str(free_port()),
            "WORKER_METRICS_PORT": str(free_port()),
            "LOG_LEVEL": "WARNING",
        }
        processes = []
        try:
            processes.append(start("web", workdir, env, f"http://127.0.0.1:{port}/healthz"))
            processes.append(start("worker", workdir, env, None))
            door = MetaDeliveries(f"http://127.0.0.1:{port}")
            time.sleep(3)  # the worker's first poll of X and Graph
            e2e = normal_load(graph, door, slack)
            print(f"webhook -> card, one comment every {NORMAL_GAP} s, {len(e2e)} comments:")
            print(
                f"  p50 {percentile(e2e, 50) * 1000:.0f} ms  p95 {percentile(e2e, 95) * 1000:.0f} ms  "
                f"max {max(e2e) * 1000:.0f} ms"
            )
            count = int(50 * seconds)
            acks, failures = burst(graph, door, 50, count)
            print(f"ack at 50 deliveries/s, {len(acks)} sent, {failures} non-200:")
            print(
                f"  p50 {percentile(acks, 50) * 1000:.1f} ms  p99 {percentile(acks, 99) * 1000:.1f} ms  "
                f"max {max(acks) * 1000:.1f} ms"
            )
            deadline = time.monotonic() + 60
            while RedisMetaInbox(client).depth() and time.monotonic() < deadline:
                time.sleep(0.2)
            print(f"deliveries left in the inbox 60 s later: {RedisMetaInbox(client).depth()}")
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=20)
            server.stop()


if __name__ == "__main__":
    main()
