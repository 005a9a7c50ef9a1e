"""Print the reply modal's ack latency at 20 req/s through `commsdesk web`, and the disclosure check's speed.

Usage: .venv/bin/python -m bench.reply_bench [seconds]   (default 10 s of clicks, then 5 s of drafts)

1. Reply clicks: each signed click on a seeded card's Reply button is verified, deduplicated and acked; the
   access check, the linked-account lookup and `views.open` run after the ack, as in production. Prints p50/p99
   of the HTTP answer (the ack) and how many modals the Slack stand-in received. Goal: p99 < 100 ms at 20 req/s.
2. Disclosure check: single thread, realistic drafts (saved replies, flagged drafts, 280-character drafts),
   counted against process CPU time, so the figure is per core. Goal: >= 5,000 drafts/s. X's weighted count is
   timed the same way.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from cryptography.fernet import Fernet

from bench.ack_latency import CHANNEL, percentile, seed, start_web
from bot.adapters.token_vault import RedisTokenVault
from bot.adapters.x_oauth import Tokens
from bot.blocks.ids import MentionAction
from bot.core.replies.count import measure
from bot.core.replies.disclosure import check
from bot.core.replies.saved import DEFAULT_REPLIES
from bot.sandbox import SlackSandbox
from bot.sandbox.redis_server import RedisServer
from bot.sandbox.signed import SlackRequests

RATE = 20
DRAFTS = [
    *(r.fill("nina_rowe", "Northtown Neighbourhood Team", "MPNorthtown") for r in DEFAULT_REPLIES),
    "@nina_rowe We know it was Mr Jones at 34 Canal Street; he has been arrested, crime ref 14/123456/26.",
    "@nina_rowe Thanks, the car AB12 CDE has been reported; call 07700 900123 or email pc.shah@midshire.police.uk.",
    "@sam_p There has been an incident at an address up the road; officers are there and enquiries are ongoing. " * 2,
    "@a61_commuter Road closed on the A61 southbound after a collision 🚧 see https://www.midshire.police.uk/roads",
    "@st_annes_sue 谢谢 — please DM us so we can help 🙏🏽, and don't share personal details publicly.",
]


def clicks(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, SlackSandbox() as sandbox:
        workdir = Path(tmp)
        server = RedisServer(workdir / "redis").start()
        process = None
        try:
            client = redis.Redis.from_url(server.url, decode_responses=True)
            seeded = seed(client, sandbox.url, int(RATE * seconds))
            key = Fernet.generate_key().decode()
            expires = datetime.now(UTC) + timedelta(hours=2)
            RedisTokenVault(client, key, None).save("MPNorthtown", "1400000000000000003", Tokens("a", "r", expires))
            users = [f"U0BENCH{n:04d}" for n in range(97)]
            sandbox.set_members(CHANNEL, users)
            for channel in ("C0DESK00001", "C0CTRL00001"):
                sandbox.set_members(channel, [])
            process, url = start_web(workdir, server.url, sandbox.url, extra={"COMMSDESK_SECRET_KEY": key})
            slack = SlackRequests(url)
            times = send(slack, seeded, users)
            time.sleep(1.0)
            modals = len(sandbox.calls_to("views.open"))
            print(f"reply clicks at {RATE} req/s for {seconds:.0f} s through `commsdesk web`:")
            print(f"{'sent':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'modals opened':>14}")
            print(
                f"{len(times):>6} {percentile(times, 50) * 1000:>8.1f} {percentile(times, 99) * 1000:>8.1f} "
                f"{max(times) * 1000:>8.1f} {modals:>14}"
            )
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
            server.stop()


def send(slack: SlackRequests, seeded: list[tuple[str, str]], users: list[str]) -> list[float]:
    """Click Reply on each seeded card at RATE per second, one thread per click; return the answer times."""
    times: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def click(n: int, tweet_id: str, ts: str) -> None:
        time.sleep(max(0.0, start + n / RATE - time.perf_counter()))
        sent = time.perf_counter()
        answer = slack.block_action(
            MentionAction.REPLY, tweet_id, user_id=users[n % len(users)], channel=CHANNEL, message_ts=ts
        )
        with lock:
            times.append(time.perf_counter() - sent if answer.status_code == 200 else float("inf"))

    threads = [threading.Thread(target=click, args=(n, t, ts)) for n, (t, ts) in enumerate(seeded)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def per_cpu_second(work: Callable[[str], object], seconds: float) -> float:
    """Run `work` over the drafts for `seconds` of CPU time on this one thread; return drafts per CPU second."""
    done, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        for draft in DRAFTS:
            work(draft)
        done += len(DRAFTS)
    return done / (time.process_time() - started)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    clicks(seconds)
    flagged = sum(bool(check(d)) for d in DRAFTS)
    print(f"\ndrafts: {len(DRAFTS)} kinds, {flagged} flagged, mean {sum(map(len, DRAFTS)) // len(DRAFTS)} characters")
    print(f"disclosure check: {per_cpu_second(check, 5.0):>9,.0f} drafts per CPU second (one core)")
    print(f"X weighted count: {per_cpu_second(measure, 2.0):>9,.0f} drafts per CPU second (one core)")


if __name__ == "__main__":
    main()
