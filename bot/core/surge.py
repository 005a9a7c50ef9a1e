"""Surge mode: when to roll no-reply mentions up into summaries so Slack's per-channel pace serves the rest.

Slack posts about one message a second per channel. When a channel's queue would take longer than
`backlog_seconds` to post at that pace, its no-reply cards are gathered per period of `summary_seconds`
into one summary message; urgent and needs-reply cards keep their own cards, in priority order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.core.models import Category


@dataclass(frozen=True)
class SurgeRule:
    """The surge threshold and summary period for one pacing rate."""

    backlog_seconds: float
    pace_seconds: float
    summary_seconds: int

    def drain_seconds(self, queued: int) -> float:
        """Estimate how long `queued` posts to one channel take at the pacing rate."""
        return queued * self.pace_seconds

    def in_surge(self, queued: int) -> bool:
        """Tell whether a channel with `queued` posts waiting is past what the pace posts promptly."""
        return self.drain_seconds(queued) > self.backlog_seconds

    def window(self, at: datetime) -> int:
        """Number the summary period `at` falls in (periods are aligned to the epoch, the same on every worker)."""
        return int(at.timestamp() // self.summary_seconds)

    def window_end(self, window: int) -> float:
        """Return when period `window` closes, as a POSIX timestamp."""
        return float((window + 1) * self.summary_seconds)


def tally(categories: Iterable[Category]) -> list[tuple[Category, int]]:
    """Count mentions per category, largest first (ties in the triage guide's order)."""
    order = list(Category)
    counts = Counter(categories)
    return sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
