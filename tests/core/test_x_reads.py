"""The read forecast and the budget alert rule: pure arithmetic a desk can check by hand."""

from __future__ import annotations

from bot.core.x_reads import ReadPlan, forecast_monthly_reads, levels_reached

ISSUE_EXAMPLE = ReadPlan(
    accounts=5,
    strategy="mentions_timeline",
    poll_seconds=60,
    own_posts_poll_seconds=300,
    mentions_per_account_day=20,
    own_posts_per_account_day=5,
    compliance_every_hours=12,
    compliance_days=2,
    usd_per_read=0.005,
    monthly_read_budget=10_000,
)


def test_five_accounts_at_twenty_mentions_a_day_fit_the_default_budget() -> None:
    forecast = forecast_monthly_reads(ISSUE_EXAMPLE)
    assert (forecast.mention_reads, forecast.own_post_reads, forecast.compliance_reads) == (3_044, 761, 6_088)
    assert forecast.total_reads == 9_893 and forecast.fits_budget
    assert forecast.usd_per_month == 49.47
    # 5 timelines a minute and 5 own timelines every 5 minutes, plus 2 lookups of 200 ids a day
    assert forecast.requests_per_15_minutes == 90.0


def test_checking_the_whole_retention_period_costs_fifteen_times_more() -> None:
    old = forecast_monthly_reads(ISSUE_EXAMPLE.model_copy(update={"compliance_days": 30}))
    assert old.compliance_reads == 91_320 and not old.fits_budget
    assert old.compliance_reads == 15 * forecast_monthly_reads(ISSUE_EXAMPLE).compliance_reads


def test_recent_search_saves_requests_not_reads() -> None:
    timeline = forecast_monthly_reads(ISSUE_EXAMPLE.model_copy(update={"accounts": 60}))
    search = forecast_monthly_reads(ISSUE_EXAMPLE.model_copy(update={"accounts": 60, "strategy": "recent_search"}))
    assert search.total_reads == timeline.total_reads
    assert search.requests_per_15_minutes < timeline.requests_per_15_minutes / 4


def test_budget_levels_are_reached_at_eighty_and_a_hundred_percent() -> None:
    assert levels_reached(7_999, 10_000) == ()
    assert levels_reached(8_000, 10_000) == (80,)
    assert levels_reached(12_000, 10_000) == (80, 100)
