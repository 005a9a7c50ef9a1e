"""The morning digest: yesterday's picture for a team (or the desk) from per-day aggregates, never raw mentions.

Mention outcomes are counted on the day the mention arrived (a cohort), so "replied", "closed without reply",
"still open" and response times all describe that day's mentions; late replies update the day afterwards.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from bot.core.content import ContentKind
from bot.core.corrections import Agreement
from bot.core.models import DESK, Platform, PostMetrics

BACKLOG_SHOWN = 10
NUDGE_SHARE = 0.6
NUDGE_MIN_POSTS = 4


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")  # a rollback reads newer records


class ResponseTime(NamedTuple):
    """A first response to one mention: how long it took, whether the desk was staffed, whether SLA held."""

    seconds: float
    staffed: bool
    sla_met: bool
    platform: str = Platform.X.value


class PostSummary(_Frozen):
    """An own post as the digest needs it: kind and latest metrics."""

    id: str
    text: str
    is_reply: bool
    kind: ContentKind
    metrics: PostMetrics = PostMetrics()
    platform: Platform = Platform.X

    @property
    def url(self) -> str:
        if self.platform is Platform.FACEBOOK:
            return f"https://www.facebook.com/{self.id}"
        return f"https://x.com/i/status/{self.id}" if self.platform is Platform.X else ""


class DayAggregate(_Frozen):
    """One team's counters for one calendar day in the desk time zone."""

    team: str
    day: date
    received: int = 0
    needs_reply: int = 0
    urgent: int = 0
    categories: dict[str, int] = {}
    platforms: dict[str, int] = {}  # mentions received per platform
    urgent_platforms: dict[str, int] = {}  # urgent decisions per platform; empty on days counted before they were
    replied: int = 0
    closed_without_reply: int = 0
    closed_needing_reply: int = 0
    responses: tuple[ResponseTime, ...] = ()
    posts: tuple[PostSummary, ...] = ()

    @property
    def still_open(self) -> int:
        return max(0, self.needs_reply - self.closed_needing_reply)


class BacklogItem(_Frozen):
    """A mention still waiting for a reply."""

    tweet_id: str
    team: str
    url: str
    received_at: datetime
    category: str
    text: str
    sla_due: datetime | None = None


class PlatformStats(_Frozen):
    """One platform's share of a day: mentions, first responses and how our own posts there engaged."""

    platform: Platform
    received: int = 0
    answered: int = 0
    median_seconds: float | None = None
    posts: int = 0
    engagements: int = 0


class PendingRequest(_Frozen):
    """A platform request awaiting a decision."""

    request_id: str
    team: str
    platform: str
    age: timedelta


class ResponseStats(_Frozen):
    count: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None


class TrendPoint(_Frozen):
    day: date
    received: int
    replied: int
    median_seconds: float | None


class Comparison(_Frozen):
    """Averages over the 7 days before the digest day."""

    days: int = 0
    received: float = 0.0
    replied: float = 0.0
    median_seconds: float | None = None
    engagement_rate: float | None = None


class OwnPosts(_Frozen):
    posts: int = 0
    replies: int = 0
    likes: int = 0
    reposts: int = 0
    quotes: int = 0
    impressions: int = 0
    engagements: int = 0
    engagement_rate: float | None = None
    top_post: PostSummary | None = None
    mix: tuple[tuple[str, int], ...] = ()
    nudge: str = ""


class Digest(_Frozen):
    team: str
    name: str
    day: date
    received: int
    needs_reply: int
    urgent: int
    categories: tuple[tuple[str, int], ...]
    replied: int
    closed_without_reply: int
    still_open: int
    response_all: ResponseStats
    response_staffed: ResponseStats
    sla_met_pct: float | None
    backlog: tuple[BacklogItem, ...]
    backlog_total: int
    week: Comparison
    trend: tuple[TrendPoint, ...]
    own: OwnPosts
    pending_requests: tuple[PendingRequest, ...] = ()
    platforms: tuple[PlatformStats, ...] = ()  # set once the desk hears from more than X
    triage: Agreement | None = None  # desk edition: how often the desk corrected triage that day

    @property
    def is_desk(self) -> bool:
        return self.team == DESK


def combine(team: str, day: date, parts: Sequence[DayAggregate]) -> DayAggregate:
    """Sum several teams' aggregates for one day into a roll-up."""
    categories: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    urgent_platforms: Counter[str] = Counter()
    for part in parts:
        categories.update(part.categories)
        platforms.update(part.platforms)
        urgent_platforms.update(part.urgent_platforms)
    return DayAggregate.model_construct(  # every part is already validated; the roll-up is on the hot path
        team=team,
        day=day,
        received=sum(p.received for p in parts),
        needs_reply=sum(p.needs_reply for p in parts),
        urgent=sum(p.urgent for p in parts),
        categories=dict(categories),
        platforms=dict(platforms),
        urgent_platforms=dict(urgent_platforms),
        replied=sum(p.replied for p in parts),
        closed_without_reply=sum(p.closed_without_reply for p in parts),
        closed_needing_reply=sum(p.closed_needing_reply for p in parts),
        responses=tuple(r for p in parts for r in p.responses),
        posts=tuple(post for p in parts for post in p.posts),
    )


def by_platform(today: DayAggregate) -> tuple[PlatformStats, ...]:
    """Split the day by platform, X first; nothing when everything was on X (the digest reads as before)."""
    seen = set(today.platforms) | {r.platform for r in today.responses} | {p.platform.value for p in today.posts}
    if seen <= {Platform.X.value}:
        return ()
    out = []
    for platform in (p for p in Platform if p.value in seen):
        responses = [r for r in today.responses if r.platform == platform.value]
        posts = [p for p in today.posts if p.platform is platform]
        out.append(
            PlatformStats(
                platform=platform,
                received=today.platforms.get(platform.value, 0),
                answered=len(responses),
                median_seconds=_median(responses),
                posts=len(posts),
                engagements=sum(p.metrics.engagements for p in posts),
            )
        )
    return tuple(out)


def response_stats(responses: Sequence[ResponseTime]) -> ResponseStats:
    """Median and nearest-rank 90th percentile of first-response times."""
    if not responses:
        return ResponseStats()
    seconds = sorted(r.seconds for r in responses)
    p90 = seconds[max(0, math.ceil(0.9 * len(seconds)) - 1)]
    return ResponseStats(count=len(seconds), median_seconds=statistics.median(seconds), p90_seconds=p90)


def summarise_posts(posts: Sequence[PostSummary]) -> OwnPosts:
    """Totals, engagement rate, top post and content mix of a day's own posts."""
    if not posts:
        return OwnPosts()
    impressions = sum(p.metrics.impressions for p in posts)
    engagements = sum(p.metrics.engagements for p in posts)
    mix = Counter(p.kind.value for p in posts)
    return OwnPosts(
        posts=sum(not p.is_reply for p in posts),
        replies=sum(p.is_reply for p in posts),
        likes=sum(p.metrics.likes for p in posts),
        reposts=sum(p.metrics.reposts for p in posts),
        quotes=sum(p.metrics.quotes for p in posts),
        impressions=impressions,
        engagements=engagements,
        engagement_rate=_engagement_rate(posts),
        top_post=max(posts, key=lambda p: (p.metrics.engagements, p.metrics.impressions)),
        mix=tuple(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
        nudge=content_nudge(mix),
    )


def content_nudge(mix: Counter[str]) -> str:
    """Suggest variety when one broadcast kind dominates; conversation with local people never needs a nudge."""
    total = sum(mix.values())
    if total < NUDGE_MIN_POSTS:
        return ""
    kind, count = max(mix.items(), key=lambda kv: (kv[1], kv[0]))
    if kind == ContentKind.CONVERSATION or count / total < NUDGE_SHARE:
        return ""
    others = ", ".join(k.value for k in ContentKind if k.value not in (kind, ContentKind.OTHER))
    return f"{count} of {total} posts were {kind}s: mix in {others} with local people."


def _median(responses: Sequence[ResponseTime]) -> float | None:
    return statistics.median(r.seconds for r in responses) if responses else None


def _engagement_rate(posts: Sequence[PostSummary]) -> float | None:
    impressions = sum(p.metrics.impressions for p in posts)
    return sum(p.metrics.engagements for p in posts) / impressions if impressions else None


def compare(week: Sequence[DayAggregate]) -> Comparison:
    """Average the days before the digest day (days with no data count as zero)."""
    if not week:
        return Comparison()
    medians = [m for d in week if (m := _median(d.responses)) is not None]
    rates = [r for d in week if (r := _engagement_rate(d.posts)) is not None]
    return Comparison(
        days=len(week),
        received=sum(d.received for d in week) / len(week),
        replied=sum(d.replied for d in week) / len(week),
        median_seconds=statistics.mean(medians) if medians else None,
        engagement_rate=statistics.mean(rates) if rates else None,
    )


def compute_digest(
    team: str,
    name: str,
    today: DayAggregate,
    week: Sequence[DayAggregate],
    backlog: Sequence[BacklogItem],
    pending_requests: Sequence[PendingRequest] = (),
) -> Digest:
    """Build one digest: `week` is the 7 days before `today`, oldest first; backlog is waiting now."""
    staffed = [r for r in today.responses if r.staffed]
    ordered = sorted(backlog, key=lambda item: item.received_at)
    trend = [*week[-6:], today]
    return Digest(
        team=team,
        name=name,
        day=today.day,
        received=today.received,
        needs_reply=today.needs_reply,
        urgent=today.urgent,
        categories=tuple(sorted(today.categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        replied=today.replied,
        closed_without_reply=today.closed_without_reply,
        still_open=today.still_open,
        response_all=response_stats(today.responses),
        response_staffed=response_stats(staffed),
        sla_met_pct=100 * sum(r.sla_met for r in today.responses) / len(today.responses) if today.responses else None,
        backlog=tuple(ordered[:BACKLOG_SHOWN]),
        backlog_total=len(ordered),
        week=compare(week),
        trend=tuple(
            TrendPoint(
                day=d.day,
                received=d.received,
                replied=d.replied,
                median_seconds=_median(d.responses),
            )
            for d in trend
        ),
        own=summarise_posts(today.posts),
        pending_requests=tuple(sorted(pending_requests, key=lambda r: r.age, reverse=True)) if team == DESK else (),
        platforms=by_platform(today),
    )
