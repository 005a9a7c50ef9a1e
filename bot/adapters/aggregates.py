"""Per-team, per-day digest aggregates in Redis, kept as mentions and posts flow so a digest costs O(teams).

Mention outcomes are filed under the calendar day (desk time zone) the mention arrived. Every `record_*` takes an
optional pipeline: pass the one that makes the matching state change, so the counter moves in the same
transaction; without one the commands run at once. Call each `record_*` once per transition.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import redis

from bot.adapters.store import AGGREGATE_TTL, OPEN_QUEUE, Keys
from bot.core.content import ContentKind, classify_post
from bot.core.digest import BacklogItem, DayAggregate, PostSummary, ResponseTime
from bot.core.models import DESK, OwnPost, TriageDecision

_COUNTERS = ("received", "needs_reply", "urgent", "replied", "closed_without_reply", "closed_needing_reply")
_BACKLOG_FIELDS = ("team", "url", "received_at", "category", "text")


class RedisAggregates:
    """Record and read the digest's per-day counters, response times and own-post metrics."""

    def __init__(self, client: redis.Redis, zone: ZoneInfo) -> None:
        self._client = client
        self._zone = zone

    def local_day(self, at: datetime) -> str:
        """Return the desk-zone calendar date of `at` as YYYY-MM-DD (naive times are taken as UTC)."""
        aware = at if at.tzinfo else at.replace(tzinfo=UTC)
        return aware.astimezone(self._zone).date().isoformat()

    def record_received(
        self, team: str, at: datetime, decision: TriageDecision, pipe: redis.client.Pipeline | None = None
    ) -> None:
        """Count a newly recorded mention under its owning team (`desk` when no team owns it)."""
        key = Keys.aggregate(self.local_day(at), team or DESK)
        p = pipe if pipe is not None else self._client.pipeline(transaction=True)
        p.hincrby(key, "received", 1)
        p.hincrby(key, f"cat:{decision.category.value}", 1)
        if decision.needs_reply:
            p.hincrby(key, "needs_reply", 1)
        if decision.urgent:
            p.hincrby(key, "urgent", 1)
        p.expire(key, AGGREGATE_TTL)
        if pipe is None:
            p.execute()

    def record_first_response(
        self,
        team: str,
        mention_received_at: datetime,
        responded_at: datetime,
        staffed: bool,
        sla_met: bool,
        pipe: redis.client.Pipeline | None = None,
    ) -> None:
        """Store a mention's first-response time (once per mention) under the day it arrived."""
        key = Keys.response_times(self.local_day(mention_received_at), team or DESK)
        seconds = max(0.0, (responded_at - mention_received_at).total_seconds())
        p = pipe if pipe is not None else self._client.pipeline(transaction=True)
        p.rpush(key, f"{seconds:.0f}:{int(staffed)}:{int(sla_met)}")
        p.expire(key, AGGREGATE_TTL)
        if pipe is None:
            p.execute()

    def record_closed(
        self,
        team: str,
        mention_received_at: datetime,
        replied: bool,
        needed_reply: bool = True,
        pipe: redis.client.Pipeline | None = None,
    ) -> None:
        """Count a mention leaving the queue: replied, or closed without reply."""
        key = Keys.aggregate(self.local_day(mention_received_at), team or DESK)
        p = pipe if pipe is not None else self._client.pipeline(transaction=True)
        p.hincrby(key, "replied" if replied else "closed_without_reply", 1)
        if needed_reply:
            p.hincrby(key, "closed_needing_reply", 1)
        p.expire(key, AGGREGATE_TTL)
        if pipe is None:
            p.execute()

    def record_own_post(
        self,
        team: str,
        post: OwnPost,
        content_kind: str | None = None,
        pipe: redis.client.Pipeline | None = None,
    ) -> None:
        """Store (or refresh the metrics of) an own post under the day it was posted; idempotent per post."""
        key = Keys.own_posts(self.local_day(post.created_at), team or DESK)
        kind = ContentKind(content_kind) if content_kind else classify_post(post.text, post.is_reply)
        summary = PostSummary(id=post.id, text=post.text, is_reply=post.is_reply, kind=kind, metrics=post.metrics)
        p = pipe if pipe is not None else self._client.pipeline(transaction=True)
        p.hset(key, post.id, summary.model_dump_json(exclude={"id"}))
        p.expire(key, AGGREGATE_TTL)
        if pipe is None:
            p.execute()

    def day(self, team: str, day: date) -> DayAggregate:
        return self.days(team, [day])[0]

    def days(self, team: str, days: Sequence[date]) -> list[DayAggregate]:
        """Read one team's aggregates for `days` in one round trip."""
        return self.many([team], days)[team]

    def many(self, teams: Sequence[str], days: Sequence[date]) -> dict[str, list[DayAggregate]]:
        """Read every team's aggregates for `days` (in that order) in one pipelined round trip."""
        pipe = self._client.pipeline(transaction=False)
        for team in teams:
            for day in days:
                iso = day.isoformat()
                pipe.hgetall(Keys.aggregate(iso, team))
                pipe.lrange(Keys.response_times(iso, team), 0, -1)
                pipe.hgetall(Keys.own_posts(iso, team))
        replies = iter(pipe.execute())
        return {
            team: [_aggregate(team, day, next(replies), next(replies), next(replies)) for day in days] for team in teams
        }

    def backlog(self) -> list[BacklogItem]:
        """Read every mention still waiting for a reply, oldest first, from the open queue."""
        ids = [str(i) for i in self._client.zrange(OPEN_QUEUE, 0, -1)]
        pipe = self._client.pipeline(transaction=False)
        for tweet_id in ids:
            pipe.hmget(Keys.mention(tweet_id), list(_BACKLOG_FIELDS))
        items = [_backlog_item(tweet_id, row, self._zone) for tweet_id, row in zip(ids, pipe.execute(), strict=True)]
        return sorted((i for i in items if i is not None), key=lambda i: i.received_at)


def _aggregate(
    team: str, day: date, counters: dict[str, str], times: Iterable[str], posts: dict[str, str]
) -> DayAggregate:
    return DayAggregate(
        team=team,
        day=day,
        **{name: int(counters.get(name, 0)) for name in _COUNTERS},
        categories={k[4:]: int(v) for k, v in counters.items() if k.startswith("cat:")},
        responses=tuple(_response(entry) for entry in times),
        posts=tuple(sorted((_post(pid, body) for pid, body in posts.items()), key=lambda p: p.id)),
    )


def _response(entry: str) -> ResponseTime:
    seconds, staffed, sla_met = entry.split(":")
    return ResponseTime(seconds=float(seconds), staffed=staffed == "1", sla_met=sla_met == "1")


def _post(post_id: str, body: str) -> PostSummary:
    return PostSummary.model_validate({**json.loads(body), "id": post_id})


def _backlog_item(tweet_id: str, row: Sequence[str | None], zone: ZoneInfo) -> BacklogItem | None:
    team, url, received_at, category, text = row
    if received_at is None:
        return None  # the mention hash expired or was redacted; nothing useful to show
    return BacklogItem(
        tweet_id=tweet_id,
        team=team or DESK,
        url=url or f"https://x.com/i/status/{tweet_id}",
        received_at=_parse_time(received_at).astimezone(zone),
        category=category or "",
        text=text or "",
    )


def _parse_time(value: str) -> datetime:
    """Accept ISO 8601 or epoch seconds; naive times are UTC."""
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except ValueError:
        parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
