"""Count every post read from X in one place and forecast a month's reads for the desk's configuration.

`TweepyMentionSource` reports the posts each X request returned to `XReadMeter.add` (mentions, own posts and
compliance lookups alike); the meter adds them to the month's count in Redis and tells the desk channel once
at each budget level. `desk_read_forecast` is what `commsdesk check` and `/commsdesk status` print.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.adapters.outbox import OutboxEntry, OutboxKind, RedisOutbox
from bot.adapters.store import XReadLedger
from bot.blocks.x_reads import build_budget_alert_text
from bot.core.relay import Priority
from bot.core.x_reads import ReadForecast, ReadPlan, forecast_monthly_reads, levels_reached
from config.desk import Desk


def read_plan(desk: Desk) -> ReadPlan:
    """Describe the desk's X reading (accounts, strategy, intervals, volumes, compliance) for the forecast."""
    x = desk.x
    return ReadPlan(
        accounts=sum(1 for _ in desk.accounts()),
        strategy=x.strategy,
        poll_seconds=x.poll_seconds,
        own_posts_poll_seconds=x.own_posts_poll_seconds,
        mentions_per_account_day=x.mentions_per_account_day,
        own_posts_per_account_day=x.own_posts_per_account_day,
        compliance_every_hours=x.compliance_every_hours,
        compliance_days=min(x.compliance_days, desk.retention.mention_days),
        usd_per_read=x.usd_per_read,
        monthly_read_budget=x.monthly_read_budget,
    )


def desk_read_forecast(desk: Desk) -> ReadForecast:
    """Forecast a month's X reads and cost for the desk config as configured."""
    return forecast_monthly_reads(read_plan(desk))


class XReadMeter:
    """Add posts read from X to the month's count and warn the desk once at 80% and once at 100% of budget."""

    def __init__(
        self,
        ledger: XReadLedger,
        outbox: RedisOutbox,
        desk: Desk,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._ledger = ledger
        self._outbox = outbox
        self._desk = desk
        self._clock = clock

    def add(self, posts: int) -> None:
        if posts <= 0:
            return
        month = self._clock().strftime("%Y-%m")
        total = self._ledger.add(month, posts)
        budget = self._desk.x.monthly_read_budget
        for level in levels_reached(total, budget):
            if self._ledger.first_alert(month, level):
                self._outbox.add(
                    OutboxEntry(
                        lane=int(Priority.REPLY),
                        channel=self._desk.desk.channel,
                        kind=OutboxKind.MESSAGE,
                        key=f"budget:{month}:{level}",
                        payload={"text": build_budget_alert_text(total, budget, level)},
                    )
                )
