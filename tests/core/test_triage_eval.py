"""The evaluator computes the figures the quality goals are stated in."""

from __future__ import annotations

import pytest

from bot.core.triage.evaluation import Labels, evaluate, format_report, read_labels

GOLD = {
    "1": Labels("emergency", True, True, "control_room"),
    "2": Labels("praise", False, False, "desk"),
    "3": Labels("question", False, True, "roads"),
    "4": Labels("crime_report", True, True, "control_room"),
}
PRED = {
    "1": Labels("emergency", True, True, "control_room"),
    "2": Labels("praise", False, True, "desk"),
    "3": Labels("complaint", False, True, "desk"),
    "4": Labels("crime_report", False, True, "oldfield"),
}


def test_evaluate_scores_each_goal() -> None:
    result = evaluate(GOLD, PRED)
    assert result.count == 4
    assert result.category_accuracy == 0.75
    assert result.route_accuracy == 0.5
    assert (result.urgent.recall, result.urgent.precision) == (0.5, 1.0)
    assert result.needs_reply.precision == 0.75 and result.needs_reply.recall == 1.0
    assert result.needs_reply.f1 == pytest.approx(6 / 7)
    assert result.confusion["question"]["complaint"] == 1
    assert result.per_category["question"].recall == 0.0
    assert result.per_category["complaint"].precision == 0.0


def test_evaluate_lists_gold_without_prediction() -> None:
    result = evaluate(GOLD, {"1": PRED["1"]})
    assert result.count == 1 and result.missing == ("2", "3", "4")


def test_report_names_every_figure() -> None:
    report = format_report(evaluate(GOLD, PRED))
    for words in ("urgent recall", "needs_reply F1", "route accuracy", "category accuracy", "confusion"):
        assert words in report


def test_read_labels_parses_and_rejects() -> None:
    rows = ['{"id": "9", "category": "abuse", "urgent": false, "needs_reply": false, "route": "desk"}', ""]
    assert read_labels(rows) == {"9": Labels("abuse", False, False, "desk")}
    with pytest.raises(ValueError, match="line 1"):
        read_labels(['{"id": "9"}'])
