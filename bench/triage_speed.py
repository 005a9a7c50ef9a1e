"""Time the learned triage model: load time, memory it adds, decisions/s on one warm core, and the CLI end to end.

Run from the repo root: `.venv/bin/python -m bench.triage_speed`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load_probe import ONE_CORE, probe_load

REPO = Path(__file__).resolve().parents[1]
TRAIN = REPO / "data" / "mentions" / "train" / "mentions.jsonl"


def load_figures() -> None:
    """Measure import and load in fresh processes (the best of three, since this machine is shared)."""
    probe = probe_load("bot.learning.model", "load_model")
    print(f"import bot.learning.model (numpy, scipy, scikit-learn): {probe.import_s:.2f} s")
    loads = ", ".join(f"{seconds:.2f}" for seconds in probe.loads)
    print(f"load_model(): {probe.load_s:.2f} s (best of 3; all {loads})")
    print(
        f"RSS: start {probe.rss_start_mb:.0f} MB, +{probe.libraries_mb:.0f} MB for the libraries, "
        f"+{probe.model_mb:.0f} MB for the model"
    )


def throughput() -> None:
    """Decisions per second on one pinned core: one batch of 960 x 5, and one mention at a time."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from bot.core.pages import mentions_from_page
    from bot.learning.model import load_model

    model = load_model()
    with TRAIN.open(encoding="utf-8") as lines:
        mentions = [m for line in lines for m in mentions_from_page(json.loads(line))]
    model.opinions(mentions[:50])  # warm
    batch = mentions * 5
    for label, calls in (("batch of 4,800", [batch]), ("one at a time", [[m] for m in mentions])):
        rates = []
        for _ in range(3):
            started, cpu = time.perf_counter(), time.process_time()
            for call in calls:
                model.opinions(call)
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            rates.append((sum(map(len, calls)) / wall, sum(map(len, calls)) / used))
        best = max(rates)
        print(
            f"decisions/s, {label}: best {best[0]:,.0f} wall, {best[1]:,.0f} per CPU-second "
            f"(runs {', '.join(f'{r[0]:,.0f}' for r in rates)})"
        )


def synthesise(path: Path, count: int = 8000) -> None:
    """Write `count` mentions as X pages: the training pages repeated with fresh ids and a varied tail."""
    pages = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    written, copy = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < count:
            for page in pages:
                tweets = []
                for tweet in page["data"][: count - written]:
                    tweets.append({**tweet, "id": f"{copy:02d}{tweet['id']}", "text": f"{tweet['text']} #{copy}"})
                written += len(tweets)
                out.write(json.dumps({**page, "data": tweets}) + "\n")
                if written >= count:
                    break
            copy += 1


def end_to_end() -> None:
    """Run `commsdesk triage --json` on 8,000 mentions, and the model's opinions on the same file."""
    with tempfile.TemporaryDirectory() as folder:
        pages = Path(folder) / "mentions.jsonl"
        synthesise(pages)
        command = [
            str(Path(sys.executable).parent / "commsdesk"),
            "triage",
            str(pages),
            "--json",
            "--config",
            str(REPO / "config" / "desk.example.toml"),
        ]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **ONE_CORE})
        elapsed = time.perf_counter() - started
        rows = len(result.stdout.splitlines())
        print(f"commsdesk triage --json, 8,000 mentions: {elapsed:.1f} s wall, {rows} rows, exit {result.returncode}")
        from bot.core.pages import mentions_from_page
        from bot.learning.model import load_model

        started = time.perf_counter()
        model = load_model()
        with pages.open(encoding="utf-8") as lines:
            mentions = [m for line in lines for m in mentions_from_page(json.loads(line))]
        opinions = model.opinions(mentions)
        print(f"load + parse + model opinions, same 8,000: {time.perf_counter() - started:.1f} s, {len(opinions)}")


def main() -> None:
    load_figures()
    throughput()
    end_to_end()


if __name__ == "__main__":
    main()
