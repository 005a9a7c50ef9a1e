"""The shipped triage (rules and trained model) on the dev set: a test set, scored, never tuned against.

The floors are loose regression guards well under the figures docs/triage.md reports; they catch a broken
artefact or a wiring fault, not a small change in quality.
"""

from __future__ import annotations

import json

from bot.core.pages import mentions_from_page
from bot.core.triage.evaluation import evaluate, labels_of, read_labels
from bot.services import build_triage
from config.desk import load_desk
from tests.conftest import DEV, EXAMPLE_DESK


def test_dev_set_stays_above_regression_floors() -> None:
    triage = build_triage(load_desk(EXAMPLE_DESK))
    with (DEV / "mentions.jsonl").open(encoding="utf-8") as pages:
        mentions = [m for line in pages for m in mentions_from_page(json.loads(line))]
    with (DEV / "labels.jsonl").open(encoding="utf-8") as rows:
        gold = read_labels(rows)
    decisions = triage.decide_many(mentions)
    result = evaluate(gold, {m.id: labels_of(d) for m, d in zip(mentions, decisions, strict=True)})
    assert result.count == len(gold) == 160
    assert result.urgent.recall >= 0.85
    assert result.needs_reply.f1 >= 0.85
    assert result.category_accuracy >= 0.65
    assert result.route_accuracy >= 0.65
