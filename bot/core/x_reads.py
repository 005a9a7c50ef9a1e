"""X reads: the budget alert rule and the forecast of a month's reads and cost for a desk's plan.

X charges (and caps) reads per post returned, by every endpoint the bot uses: mentions timelines, recent
search, own-post timelines and post lookup (`GET /2/tweets`). A post returned again within the same UTC day is
charged once, so the forecast counts each post once per day it is read; requests that return nothing cost
nothing but still count against the rate limits, which is why requests per 15 minutes are forecast too.

What the bot reads in a month, for `accounts` accounts each mentioned `mentions_per_account_day` times and
posting `own_posts_per_account_day` times a day:

- new mentions: each once, when polled (the search strategy reads a post mentioning two accounts once);
- own posts: each once, when polled (reply detection and digest metrics);
- compliance: every post still shown or stored (open, or received within `compliance_days`) once per UTC day
  it is checked; checks run every `compliance_every_hours`, at least daily, so one UTC day's checks of the
  same post are charged once.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BUDGET_LEVELS = (80, 100)  # percent of the monthly budget at which the desk is told, once each
DAYS_PER_MONTH = 30.44
SEARCH_HANDLES_PER_QUERY = 25  # handles that fit one 512-character recent-search query
LOOKUP_IDS_PER_REQUEST = 100  # GET /2/tweets takes up to 100 ids


def levels_reached(total: int, budget: int) -> tuple[int, ...]:
    """Return the budget levels (percent) that `total` reads have reached, lowest first."""
    return tuple(level for level in BUDGET_LEVELS if budget > 0 and total * 100 >= budget * level)


class ReadPlan(BaseModel):
    """What drives a month's X reads: the accounts, the strategy, poll intervals, volumes and compliance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accounts: int = Field(ge=0)
    strategy: Literal["mentions_timeline", "recent_search"]
    poll_seconds: int = Field(gt=0)
    own_posts_poll_seconds: int = Field(gt=0)
    mentions_per_account_day: float = Field(ge=0)
    own_posts_per_account_day: float = Field(ge=0)
    compliance_every_hours: int = Field(gt=0, le=24)
    compliance_days: int = Field(ge=0)
    usd_per_read: float = Field(ge=0)
    monthly_read_budget: int = Field(ge=1)


class ReadForecast(BaseModel):
    """A month's expected X reads (charged posts) by purpose, requests per 15 minutes, and what that costs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mention_reads: int
    own_post_reads: int
    compliance_reads: int
    requests_per_15_minutes: float
    usd_per_month: float
    monthly_read_budget: int

    @property
    def total_reads(self) -> int:
        return self.mention_reads + self.own_post_reads + self.compliance_reads

    @property
    def fits_budget(self) -> bool:
        return self.total_reads <= self.monthly_read_budget


def forecast_monthly_reads(plan: ReadPlan) -> ReadForecast:
    """Forecast a month's X reads, request rate and cost for `plan` (see the module docstring for the model)."""
    days = DAYS_PER_MONTH
    mentions_day = plan.accounts * plan.mentions_per_account_day
    checked_per_run = mentions_day * plan.compliance_days
    runs_per_15_minutes = 0.25 / plan.compliance_every_hours
    per_poll = (
        plan.accounts if plan.strategy == "mentions_timeline" else math.ceil(plan.accounts / SEARCH_HANDLES_PER_QUERY)
    )
    requests = (
        per_poll * 900 / plan.poll_seconds
        + plan.accounts * 900 / plan.own_posts_poll_seconds
        + runs_per_15_minutes * math.ceil(checked_per_run / LOOKUP_IDS_PER_REQUEST)
    )
    mention_reads = round(mentions_day * days)
    own_reads = round(plan.accounts * plan.own_posts_per_account_day * days)
    compliance_reads = round(checked_per_run * days)
    total = mention_reads + own_reads + compliance_reads
    return ReadForecast(
        mention_reads=mention_reads,
        own_post_reads=own_reads,
        compliance_reads=compliance_reads,
        requests_per_15_minutes=round(requests, 1),
        usd_per_month=round(total * plan.usd_per_read, 2),
        monthly_read_budget=plan.monthly_read_budget,
    )
