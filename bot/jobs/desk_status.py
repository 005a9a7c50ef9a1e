"""Answer `/commsdesk status` and `/commsdesk digest` from Redis: the composition behind the core's ports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.store import Heartbeats, StateReader
from bot.core.clock import utc_now
from bot.core.desk_status import DeskState
from bot.core.digest import Digest
from bot.jobs.build_digest import DigestBuilder, local_yesterday
from bot.jobs.x_reads import desk_read_forecast
from config.desk import Desk

OPEN_SHOWN = 15


class RedisDeskStatus:
    """Read the outbox, the open queue, the X budget and forecast, leases and workers, as `/commsdesk status` shows."""

    def __init__(
        self,
        reader: StateReader,
        heartbeats: Heartbeats,
        aggregates: RedisAggregates,
        desk: Desk,
        clock: Callable[[], datetime] = utc_now,
        shown: int = OPEN_SHOWN,
    ) -> None:
        self._reader = reader
        self._heartbeats = heartbeats
        self._aggregates = aggregates
        self._desk = desk
        self._clock = clock
        self._shown = shown

    def current(self, teams: frozenset[str] | None = None) -> DeskState:
        now = self._clock()
        snapshot = self._reader.snapshot(now.timestamp())
        backlog = self._aggregates.backlog()
        open_count, overdue = snapshot.open_mentions, snapshot.overdue_mentions
        if teams is not None:
            backlog = [item for item in backlog if item.team in teams]
            open_count = len(backlog)
            overdue = sum(1 for item in backlog if item.sla_due is not None and item.sla_due < now)
        return DeskState(
            at=now.astimezone(self._desk.zone),
            outbox_depth=snapshot.outbox_depth,
            outbox_oldest_age_seconds=snapshot.outbox_oldest_age,
            open_mentions=open_count,
            overdue_mentions=overdue,
            x_reads_month=snapshot.x_reads_month,
            x_read_budget=self._desk.x.monthly_read_budget,
            leases_held=tuple(name for name, held in snapshot.leases.items() if held),
            oldest_open=tuple(backlog[: self._shown]),
            teams=tuple(t.key for t in self._desk.teams if teams is not None and t.key in teams),
            workers=tuple(self._heartbeats.workers()),
            x_forecast=desk_read_forecast(self._desk),
        )


class YesterdaysDigest:
    """Build yesterday's digests (desk time zone) for one person to read; nothing is posted or marked."""

    def __init__(self, builder: DigestBuilder, desk: Desk, clock: Callable[[], datetime] = utc_now) -> None:
        self._builder = builder
        self._desk = desk
        self._clock = clock

    def yesterday(self) -> list[Digest]:
        return self._builder.build(local_yesterday(self._clock(), self._desk.zone))
