"""Print the shipped triage's report on the dev set, a test set never tuned against: `python -m bench.triage_eval`."""

from __future__ import annotations

from bench.dev_set import dev_desk, dev_labels, dev_mentions
from bot.core.triage.evaluation import evaluate, format_report, labels_of
from bot.services import build_triage


def main() -> None:
    mentions = dev_mentions()
    decisions = build_triage(dev_desk()).decide_many(mentions)
    print(format_report(evaluate(dev_labels(), {m.id: labels_of(d) for m, d in zip(mentions, decisions, strict=True)})))
    sure, possible = sum(d.urgent and not d.possible for d in decisions), sum(d.possible for d in decisions)
    print(f"control-room cards: {sure} urgent and {possible} possible emergencies of {len(decisions)} mentions")


if __name__ == "__main__":
    main()
