"""Print decisions per second of the shipped triage (rules and model) on one core: `python -m bench.decide_bench`.

It decides the dev mentions a page (100) at a time, as the worker does, and one at a time, as a single click
would. Shared machines are noisy, so it times several repeats and prints the total, the CPU seconds and the best.
Give other artefacts as arguments (`python -m bench.decide_bench /tmp/other.json.gz`) to time them in the same
run, repeats interleaved, each printed as a ratio to the shipped model.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.dev_set import dev_desk, dev_mentions
from bot.core.models import Mention
from bot.core.triage.decide import Triage
from bot.learning.model import load_model

REPEATS = 5
ROUNDS = 10  # per repeat: passes over the dev mentions
PAGE = 100

Decide = Callable[[list[Mention]], object]


def by_page(triage: Triage) -> Decide:
    def decide(batch: list[Mention]) -> None:
        for start in range(0, len(batch), PAGE):
            triage.decide_many(batch[start : start + PAGE])

    return decide


def one_by_one(triage: Triage) -> Decide:
    def decide(batch: list[Mention]) -> None:
        for mention in batch:
            triage.decide(mention)

    return decide


def timed(label: str, rounds: int, contenders: dict[str, Decide], mentions: list[Mention]) -> None:
    """Time every contender REPEATS times, interleaved, and print each one's rate and its ratio to the first."""
    per_repeat = rounds * len(mentions)
    walls: dict[str, list[float]] = {name: [] for name in contenders}
    cpus: dict[str, float] = dict.fromkeys(contenders, 0.0)
    for _ in range(REPEATS):
        for name, decide_all in contenders.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(rounds):
                decide_all(mentions)
            walls[name].append(time.perf_counter() - started)
            cpus[name] += time.process_time() - cpu_started
    count = REPEATS * per_repeat
    first = next(iter(contenders))
    for name in contenders:
        elapsed = sum(walls[name])
        ratio = "" if name == first else f"; {sum(walls[first]) / elapsed:.2f}x the shipped model's rate"
        print(f"{label}, {name}: {count} decisions in {elapsed:.2f}s = {count / elapsed:,.0f} decisions/s{ratio}")
        best = per_repeat / min(walls[name])
        print(f"    best of {REPEATS} repeats: {best:,.0f}/s; {count / cpus[name]:,.0f} per CPU-second")


def main() -> None:
    desk, mentions = dev_desk(), dev_mentions()
    triages = {"shipped": Triage(desk, load_model())}
    triages.update({Path(path).name: Triage(desk, load_model(Path(path))) for path in sys.argv[1:]})
    for triage in triages.values():
        triage.decide_many(mentions)  # warm the model and the compiled desk rules
    timed("triage, pages of 100", ROUNDS, {name: by_page(t) for name, t in triages.items()}, mentions)
    timed("triage, one at a time", 1, {name: one_by_one(t) for name, t in triages.items()}, mentions)


if __name__ == "__main__":
    main()
