"""Print the triage evaluation report on the shared dev set: `python -m bench.triage_eval`."""

from __future__ import annotations

from bench.dev_set import dev_desk, dev_labels, dev_mentions
from bot.core.triage import decide
from bot.core.triage_eval import evaluate, format_report, labels_of


def main() -> None:
    desk = dev_desk()
    predicted = {m.id: labels_of(decide(m, desk)) for m in dev_mentions()}
    print(format_report(evaluate(dev_labels(), predicted)))


if __name__ == "__main__":
    main()
