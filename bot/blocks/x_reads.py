"""The words about X reads: the desk's budget alerts and the one-line monthly forecast."""

from __future__ import annotations

from bot.core.x_reads import ReadForecast


def build_budget_alert_text(total: int, budget: int, level: int) -> str:
    """Tell the desk channel this month's X reads reached `level`% of the budget, and what to do."""
    advice = (
        "Polling continues so no emergency is missed; review the plan or the poll interval now."
        if level >= 100
        else "Plan ahead for the rest of the month."
    )
    return f":chart_with_upwards_trend: X reads this month: {total:,} of the {budget:,} budgeted ({level}%). {advice}"


def build_forecast_line(forecast: ReadForecast) -> str:
    """Say in one line what a month of X reads is expected to be, where they go, and what they cost."""
    fit = "within" if forecast.fits_budget else "OVER"
    return (
        f"expected X reads a month: {forecast.total_reads:,} ({forecast.mention_reads:,} mentions, "
        f"{forecast.own_post_reads:,} own posts, {forecast.compliance_reads:,} compliance), {fit} the "
        f"{forecast.monthly_read_budget:,} budget; about ${forecast.usd_per_month:,.2f} at pay-per-use prices "
        f"(check current pricing); {forecast.requests_per_15_minutes:g} requests per 15 minutes"
    )
