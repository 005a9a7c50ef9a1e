"""Load the dev set (mentions and gold labels) for the triage benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.models import Mention
from bot.core.pages import mentions_from_page
from bot.core.triage.evaluation import Labels, read_labels
from config.desk import Desk, load_desk

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "data" / "mentions" / "dev"


def dev_mentions() -> list[Mention]:
    with (DEV / "mentions.jsonl").open(encoding="utf-8") as pages:
        return [m for line in pages if line.strip() for m in mentions_from_page(json.loads(line))]


def dev_labels() -> dict[str, Labels]:
    with (DEV / "labels.jsonl").open(encoding="utf-8") as rows:
        return read_labels(rows)


def dev_desk() -> Desk:
    return load_desk(REPO / "config" / "desk.example.toml")
