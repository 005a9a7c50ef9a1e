"""What the desk's corrections teach: labelled examples for retraining, and the agreement report.

An example exists only while its mention's text does: a mention deleted on X or past retention is redacted
in its record, so its corrections stop being training examples and remain only as labels in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.core.corrections import Agreement, Correction, agreement, corrected_labels
from bot.core.models import DESK, Mention, Platform
from bot.core.tracking import MentionState
from bot.core.triage.evaluation import Labels
from config.desk import Desk


class DeskLessons:
    """Read the desk's corrections beside the mentions they correct and the day counts of what triage decided."""

    def __init__(
        self,
        corrections: RedisCorrectionLog,
        mentions: RedisMentionStore,
        aggregates: RedisAggregates,
        desk: Desk,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._corrections = corrections
        self._mentions = mentions
        self._aggregates = aggregates
        self._desk = desk
        self._clock = clock

    def examples(self) -> list[tuple[Mention, Labels]]:
        """Return every corrected mention whose text is still held, labelled as the desk left it."""
        by_mention: dict[str, list[Correction]] = {}
        for fix in self._corrections.between(datetime.fromtimestamp(0, UTC)):
            by_mention.setdefault(fix.tweet_id, []).append(fix)
        out = []
        for tracked in self._mentions.get_many(list(by_mention)):
            if tracked.state is not MentionState.REDACTED:
                out.append((tracked.mention, corrected_labels(tracked.decision, by_mention[tracked.mention.id])))
        return out

    def agreement(self, days: int) -> Agreement:
        """Compare triage with the desk over the last `days` local days, today included.

        Days counted before the aggregates split a count by platform carry it only in total: whatever the Meta
        platforms do not account for, received mentions and urgent decisions alike, is counted as X's (so until
        those days leave the window, a Meta urgent decision from one of them counts towards X's urgent recall).
        """
        today = self._clock().astimezone(self._desk.zone).date()
        dates = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
        teams = [t.key for t in self._desk.teams] + [DESK]
        decided: Counter[str] = Counter()
        platforms: Counter[Platform] = Counter()
        urgent_platforms: Counter[Platform] = Counter()
        urgent = 0
        for per_day in self._aggregates.many(teams, dates).values():
            for day in per_day:
                decided.update(day.categories)
                urgent += day.urgent
                meta, urgent_meta = _on_meta(day.platforms), _on_meta(day.urgent_platforms)
                platforms.update(meta)
                platforms[Platform.X] += day.received - sum(meta.values())
                urgent_platforms.update(urgent_meta)
                urgent_platforms[Platform.X] += day.urgent - sum(urgent_meta.values())
        start = datetime.combine(dates[0], datetime.min.time(), self._desk.zone)
        return agreement(decided, urgent, self._corrections.between(start), platforms, urgent_platforms)


def _on_meta(counts: dict[str, int]) -> dict[Platform, int]:
    """Pick a day's Facebook and Instagram counts out of a count keyed by platform name."""
    return {p: counts.get(p.value, 0) for p in (Platform.FACEBOOK, Platform.INSTAGRAM)}
