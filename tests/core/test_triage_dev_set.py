"""decide meets the issue's quality goals on the dev set (a test set: never tuned against)."""

from __future__ import annotations

import json

from bot.core.pages import mentions_from_page
from bot.core.triage import decide
from bot.core.triage_eval import evaluate, labels_of, read_labels
from config.desk import load_desk
from tests.conftest import DEV, EXAMPLE_DESK


def test_dev_set_quality_goals() -> None:
    desk = load_desk(EXAMPLE_DESK)
    with (DEV / "mentions.jsonl").open(encoding="utf-8") as pages:
        mentions = [m for line in pages for m in mentions_from_page(json.loads(line))]
    with (DEV / "labels.jsonl").open(encoding="utf-8") as rows:
        gold = read_labels(rows)
    result = evaluate(gold, {m.id: labels_of(decide(m, desk)) for m in mentions})
    assert result.count == len(gold) == 160
    assert result.urgent.recall >= 0.95 and result.urgent.precision >= 0.75
    assert result.needs_reply.f1 >= 0.90
    assert result.category_accuracy >= 0.85
    assert result.route_accuracy >= 0.90
