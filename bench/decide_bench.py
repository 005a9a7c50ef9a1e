"""Print decisions per second of `decide` on one core over the dev mentions: `python -m bench.decide_bench`.

Shared machines are noisy, so it times several repeats and prints the total, the CPU seconds and the best repeat.
"""

from __future__ import annotations

import time

from bench.dev_set import dev_desk, dev_mentions
from bot.core.triage import decide

REPEATS = 5
ROUNDS = 20  # per repeat: passes over the dev mentions


def main() -> None:
    desk = dev_desk()
    mentions = dev_mentions()
    for mention in mentions:  # warm the compiled desk rules
        decide(mention, desk)
    per_repeat = ROUNDS * len(mentions)
    walls: list[float] = []
    cpu_started = time.process_time()
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(ROUNDS):
            for mention in mentions:
                decide(mention, desk)
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    count, elapsed = REPEATS * per_repeat, sum(walls)
    print(f"decide: {count} decisions in {elapsed:.2f}s = {count / elapsed:,.0f} decisions/s (one core, wall clock)")
    print(f"        best of {REPEATS} repeats: {per_repeat / min(walls):,.0f} decisions/s")
    print(f"        {cpu:.2f}s of CPU = {count / cpu:,.0f} decisions per CPU-second (less sensitive to other load)")


if __name__ == "__main__":
    main()
