"""Print decisions per second of `decide` on one core over the dev mentions: `python -m bench.decide_bench`."""

from __future__ import annotations

import time

from bench.dev_set import dev_desk, dev_mentions
from bot.core.triage import decide

ROUNDS = 100


def main() -> None:
    desk = dev_desk()
    mentions = dev_mentions()
    for mention in mentions:  # warm the compiled desk rules
        decide(mention, desk)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(ROUNDS):
        for mention in mentions:
            decide(mention, desk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    count = ROUNDS * len(mentions)
    print(f"decide: {count} decisions in {elapsed:.2f}s = {count / elapsed:,.0f} decisions/s (one core, wall clock)")
    print(f"        {cpu:.2f}s of CPU = {count / cpu:,.0f} decisions per CPU-second (less sensitive to other load)")


if __name__ == "__main__":
    main()
