"""Build every digest for a date (desk roll-up first, then each team) from aggregates, plus its chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.chart import render_chart
from bot.adapters.request_store import RedisRequestRepository
from bot.core.clock import utc_now
from bot.core.corrections import Agreement, CorrectionLog, agreement
from bot.core.digest import DayAggregate, Digest, PendingRequest, combine, compute_digest
from bot.core.models import DESK
from config.desk import Desk

WEEK = 7


def local_yesterday(now: datetime, zone: ZoneInfo) -> date:
    """The day a digest at `now` reports on: the calendar day before, on the desk's wall clock."""
    return now.astimezone(zone).date() - timedelta(days=1)


def _no_requests(now: datetime) -> Sequence[PendingRequest]:
    return ()


def pending_requests_from(repository: RedisRequestRepository) -> Callable[[datetime], list[PendingRequest]]:
    """Adapt the request store's open requests to what the desk digest lists."""

    def pending(now: datetime) -> list[PendingRequest]:
        return [
            PendingRequest(
                request_id=r.id, team=r.answers.team, platform=r.answers.platform_name, age=now - r.created_at
            )
            for r in repository.pending()
        ]

    return pending


class DigestBuilder:
    """Turn per-day aggregates into one digest per team plus the desk roll-up, reading O(teams) keys."""

    def __init__(
        self,
        aggregates: RedisAggregates,
        desk: Desk,
        pending_requests: Callable[[datetime], Sequence[PendingRequest]] = _no_requests,
        clock: Callable[[], datetime] = utc_now,
        corrections: CorrectionLog | None = None,
    ) -> None:
        self._corrections = corrections
        self._aggregates = aggregates
        self._desk = desk
        self._pending_requests = pending_requests
        self._clock = clock

    def build(self, day: date) -> list[Digest]:
        """Return the desk digest first, then one per team in config order."""
        keys = [t.key for t in self._desk.teams] + [DESK]
        days = [day - timedelta(days=n) for n in range(WEEK, -1, -1)]
        by_team = self._aggregates.many(keys, days)
        rollup = [combine(DESK, d, [by_team[k][i] for k in keys]) for i, d in enumerate(days)]
        backlog = self._aggregates.backlog()
        desk = compute_digest(
            DESK, self._desk.desk.name, rollup[-1], rollup[:-1], backlog, self._pending_requests(self._clock())
        ).model_copy(update={"triage": self._agreement(day, rollup[-1])})
        teams = [
            compute_digest(
                t.key, t.name, by_team[t.key][-1], by_team[t.key][:-1], [b for b in backlog if b.team == t.key]
            )
            for t in self._desk.teams
        ]
        return [desk, *teams]

    def _agreement(self, day: date, counts: DayAggregate) -> Agreement | None:
        """Compare the day's triage decisions with the corrections the desk made that day."""
        if self._corrections is None:
            return None
        start = datetime.combine(day, time(), self._desk.zone)
        fixes = self._corrections.between(start, start + timedelta(days=1))
        return agreement(Counter(dict(counts.categories)), counts.urgent, fixes)

    def chart(self, digest: Digest) -> bytes:
        return render_chart(digest.trend, f"{digest.name} · 7 days to {digest.day:%a %d %b}")
