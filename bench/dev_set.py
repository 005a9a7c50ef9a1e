"""Load the shared dev set (mentions and gold labels) for the triage benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.models import Mention
from bot.core.pages import mentions_from_page
from bot.core.triage_eval import Labels, read_labels
from config.desk import Desk, load_desk

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def dev_mentions() -> list[Mention]:
    with (SHARED / "mentions_dev.jsonl").open(encoding="utf-8") as pages:
        return [m for line in pages if line.strip() for m in mentions_from_page(json.loads(line))]


def dev_labels() -> dict[str, Labels]:
    with (SHARED / "labels_dev.jsonl").open(encoding="utf-8") as rows:
        return read_labels(rows)


def dev_desk() -> Desk:
    return load_desk(SHARED / "desk.toml")
