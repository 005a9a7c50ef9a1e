"""Print decisions per second of the shipped triage (rules and model) on one core: `python -m bench.decide_bench`.

It decides the dev mentions a page (100) at a time, as the worker does, and one at a time, as a single click
would. Shared machines are noisy, so it times several repeats and prints the total, the CPU seconds and the best.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.dev_set import dev_desk, dev_mentions
from bot.core.models import Mention
from bot.services import build_triage

REPEATS = 5
ROUNDS = 10  # per repeat: passes over the dev mentions
PAGE = 100


def timed(label: str, rounds: int, decide_all: Callable[[list[Mention]], object], mentions: list[Mention]) -> None:
    per_repeat = rounds * len(mentions)
    walls: list[float] = []
    cpu_started = time.process_time()
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(rounds):
            decide_all(mentions)
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    count, elapsed = REPEATS * per_repeat, sum(walls)
    print(f"{label}: {count} decisions in {elapsed:.2f}s = {count / elapsed:,.0f} decisions/s (wall clock)")
    print(f"    best of {REPEATS} repeats: {per_repeat / min(walls):,.0f}/s; {count / cpu:,.0f} per CPU-second")


def main() -> None:
    triage = build_triage(dev_desk())
    mentions = dev_mentions()
    triage.decide_many(mentions)  # warm the model and the compiled desk rules

    def by_page(batch: list[Mention]) -> None:
        for start in range(0, len(batch), PAGE):
            triage.decide_many(batch[start : start + PAGE])

    def one_by_one(batch: list[Mention]) -> None:
        for mention in batch:
            triage.decide(mention)

    timed("triage, pages of 100", ROUNDS, by_page, mentions)
    timed("triage, one at a time", 1, one_by_one, mentions)


if __name__ == "__main__":
    main()
