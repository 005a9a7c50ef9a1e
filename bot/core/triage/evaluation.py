"""Score triage decisions against gold labels, so quality is measured, not guessed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.models import Category, TriageDecision


@dataclass(frozen=True)
class Labels:
    """One mention's four labels (gold or predicted)."""

    category: str
    urgent: bool
    needs_reply: bool
    route: str


def labels_of(decision: TriageDecision) -> Labels:
    return Labels(decision.category.value, decision.urgent, decision.needs_reply, decision.route)


def read_labels(lines: Iterable[str]) -> dict[str, Labels]:
    """Parse a labels JSONL (one {"id", "category", "urgent", "needs_reply", "route"} per line) by id."""
    out = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out[str(row["id"])] = Labels(
                str(row["category"]), bool(row["urgent"]), bool(row["needs_reply"]), str(row["route"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: not a label row ({exc})") from None
    return out


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    """Every figure the labelling guide's quality goals are stated in."""

    count: int
    missing: tuple[str, ...]  # gold ids without a prediction
    per_category: dict[str, Score]
    confusion: dict[str, dict[str, int]]  # gold category -> predicted category -> count
    category_accuracy: float
    urgent: Score
    needs_reply: Score
    route_accuracy: float


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _score(tp: int, fp: int, fn: int) -> Score:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision=precision, recall=recall, f1=f1, support=tp + fn)


def _binary(pairs: list[tuple[bool, bool]]) -> Score:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    return _score(tp, fp, fn)


def evaluate(gold: Mapping[str, Labels], predicted: Mapping[str, Labels]) -> Evaluation:
    """Compare predictions with gold labels over the ids both have; list gold ids never predicted."""
    ids = [i for i in gold if i in predicted]
    pairs = [(gold[i], predicted[i]) for i in ids]
    names = [c.value for c in Category]
    confusion = {g: dict.fromkeys(names, 0) for g in names}
    for g, p in pairs:
        confusion.setdefault(g.category, dict.fromkeys(names, 0))
        confusion[g.category][p.category] = confusion[g.category].get(p.category, 0) + 1
    per_category = {}
    for name in names:
        tp = sum(g.category == name and p.category == name for g, p in pairs)
        fp = sum(g.category != name and p.category == name for g, p in pairs)
        fn = sum(g.category == name and p.category != name for g, p in pairs)
        per_category[name] = _score(tp, fp, fn)
    return Evaluation(
        count=len(pairs),
        missing=tuple(i for i in gold if i not in predicted),
        per_category=per_category,
        confusion=confusion,
        category_accuracy=_ratio(sum(g.category == p.category for g, p in pairs), len(pairs)),
        urgent=_binary([(g.urgent, p.urgent) for g, p in pairs]),
        needs_reply=_binary([(g.needs_reply, p.needs_reply) for g, p in pairs]),
        route_accuracy=_ratio(sum(g.route == p.route for g, p in pairs), len(pairs)),
    )


def format_report(result: Evaluation) -> str:
    """Render an Evaluation as a plain-text report for a terminal."""
    short = {name: name[:6] for name in result.confusion}
    lines = [
        f"mentions scored: {result.count}" + (f" (no prediction for {len(result.missing)})" if result.missing else "")
    ]
    lines.append("")
    lines.append(f"{'category':<14}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}")
    for name, s in result.per_category.items():
        lines.append(f"{name:<14}{s.precision:>10.2f}{s.recall:>8.2f}{s.f1:>7.2f}{s.support:>9}")
    lines += ["", "confusion (rows gold, columns predicted)", " " * 14 + "".join(f"{short[n]:>7}" for n in short)]
    for gold_name, row in result.confusion.items():
        lines.append(f"{gold_name:<14}" + "".join(f"{row.get(n, 0):>7}" for n in short))
    u, r = result.urgent, result.needs_reply
    lines += [
        "",
        f"category accuracy   {result.category_accuracy:.3f}",
        f"urgent recall       {u.recall:.3f}   precision {u.precision:.3f}   (support {u.support})",
        f"needs_reply F1      {r.f1:.3f}   precision {r.precision:.3f}   recall {r.recall:.3f}",
        f"route accuracy      {result.route_accuracy:.3f}",
    ]
    return "\n".join(lines)
