"""Per-team, per-day digest aggregates in Redis, kept as mentions and posts flow so a digest costs O(teams).

Mention outcomes are filed under the calendar day (desk time zone) the mention arrived. Every `record_*` takes an
optional pipeline: pass the one that makes the matching state change, so the counter moves in the same
transaction; without one the commands run at once. Call each `record_*` once per transition.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis

from bot.adapters.store import AGGREGATE_TTL, OPEN_QUEUE, Keys
from bot.core.content import ContentKind, classify_post
from bot.core.digest import BacklogItem, DayAggregate, PostSummary, ResponseTime
from bot.core.models import DESK, OwnPost, Platform, TriageDecision
from bot.core.tracking import TrackedMention

_COUNTERS = ("received", "needs_reply", "urgent", "replied", "closed_without_reply", "closed_needing_reply")
# One JSON string instead of thousands of reply items: parsing RESP item by item dominated the digest build.
_READ_MANY = """
local out = {}
for i = 1, #KEYS, 3 do
  out[#out + 1] = redis.call('HGETALL', KEYS[i])
  out[#out + 1] = redis.call('GET', KEYS[i + 1]) or ''
  out[#out + 1] = redis.call('HGETALL', KEYS[i + 2])
end
return cjson.encode(out)
"""
# The open queue with each mention's display fields, as [[id, team, url, received_at, category, text], ...].


class RedisAggregates:
    """Record and read the digest's per-day counters, response times and own-post metrics."""

    def __init__(self, client: redis.Redis, zone: ZoneInfo) -> None:
        self._client = client
        self._zone = zone
        self._read_many = client.register_script(_READ_MANY)

    @contextmanager
    def _writing(self, pipe: redis.client.Pipeline | None) -> Iterator[redis.client.Pipeline]:
        """Yield the caller's pipeline, or a transaction of our own that runs when the block ends."""
        if pipe is not None:
            yield pipe
            return
        own = self._client.pipeline(transaction=True)
        yield own
        own.execute()

    def local_day(self, at: datetime) -> str:
        """Return the desk-zone calendar date of `at` as YYYY-MM-DD (naive times are taken as UTC)."""
        aware = at if at.tzinfo else at.replace(tzinfo=UTC)
        return aware.astimezone(self._zone).date().isoformat()

    def record_received(
        self,
        team: str,
        at: datetime,
        decision: TriageDecision,
        pipe: redis.client.Pipeline | None = None,
        platform: Platform = Platform.X,
    ) -> None:
        """Count a newly recorded mention under its owning team (`desk` when no team owns it)."""
        key = Keys.aggregate(self.local_day(at), team or DESK)
        with self._writing(pipe) as p:
            p.hincrby(key, "received", 1)
            p.hincrby(key, f"platform:{platform.value}", 1)
            p.hincrby(key, f"cat:{decision.category.value}", 1)
            if decision.needs_reply:
                p.hincrby(key, "needs_reply", 1)
            if decision.urgent:
                p.hincrby(key, "urgent", 1)
                p.hincrby(key, f"urgent:{platform.value}", 1)
            p.expire(key, AGGREGATE_TTL)

    def record_first_response(
        self,
        team: str,
        mention_received_at: datetime,
        responded_at: datetime,
        staffed: bool,
        sla_met: bool,
        pipe: redis.client.Pipeline | None = None,
        platform: Platform = Platform.X,
    ) -> None:
        """Store a mention's first-response time (once per mention) under the day it arrived."""
        key = Keys.response_times(self.local_day(mention_received_at), team or DESK)
        seconds = max(0.0, (responded_at - mention_received_at).total_seconds())
        with self._writing(pipe) as p:
            p.append(
                key, f"{seconds:.0f}:{int(staffed)}:{int(sla_met)}:{platform.value} "
            )  # one string per day: cheap to read back
            p.expire(key, AGGREGATE_TTL)

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
        with self._writing(pipe) as p:
            p.hincrby(key, "replied" if replied else "closed_without_reply", 1)
            if needed_reply:
                p.hincrby(key, "closed_needing_reply", 1)
            p.expire(key, AGGREGATE_TTL)

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
        summary = PostSummary(
            id=post.id, text=post.text, is_reply=post.is_reply, kind=kind, metrics=post.metrics, platform=post.platform
        )
        with self._writing(pipe) as p:
            p.hset(key, post.id, summary.model_dump_json())
            p.expire(key, AGGREGATE_TTL)

    def forget_post_text(self, before: datetime) -> int:
        """Drop own posts' text from days before `before` (desk zone); return how many posts lost theirs."""
        # a reply begins with a member of the public's handle: only ids, kinds and metrics stay for 400 days
        cutoff = self.local_day(before)
        changed = 0
        for key in self._client.scan_iter(Keys.own_posts("*", "*"), count=500):
            if str(key).split(":")[2] >= cutoff:
                continue
            posts = {str(pid): PostSummary.model_validate_json(raw) for pid, raw in self._client.hgetall(key).items()}
            blanked = {pid: post.model_copy(update={"text": ""}).model_dump_json() for pid, post in posts.items()}
            blanked = {pid: raw for pid, raw in blanked.items() if posts[pid].text}
            if blanked:
                self._client.hset(key, mapping=blanked)  # type: ignore[arg-type]  # HSET keeps the TTL
                changed += len(blanked)
        return changed

    def day(self, team: str, day: date) -> DayAggregate:
        return self.days(team, [day])[0]

    def days(self, team: str, days: Sequence[date]) -> list[DayAggregate]:
        """Read one team's aggregates for `days` in one round trip."""
        return self.many([team], days)[team]

    def many(self, teams: Sequence[str], days: Sequence[date]) -> dict[str, list[DayAggregate]]:
        """Read every team's aggregates for `days` (in that order) in one round trip, as one JSON reply."""
        keys = [
            key
            for team in teams
            for day in days
            for key in (
                Keys.aggregate(day.isoformat(), team),
                Keys.response_times(day.isoformat(), team),
                Keys.own_posts(day.isoformat(), team),
            )
        ]
        replies = iter(json.loads(str(self._read_many(keys=keys))))
        return {
            team: [_aggregate(team, day, next(replies), next(replies), next(replies)) for day in days] for team in teams
        }

    def backlog(self) -> list[BacklogItem]:
        """Read every mention still waiting for a reply, oldest first, from the open queue."""
        ids = [str(i) for i in self._client.zrange(OPEN_QUEUE, 0, -1)]
        raws = self._client.mget([Keys.mention(i) for i in ids]) if ids else []
        items = [_backlog_item(TrackedMention.model_validate_json(raw), self._zone) for raw in raws if raw]
        return sorted(items, key=lambda i: i.received_at)


def _pairs(flat: list[str] | dict[str, str]) -> dict[str, str]:
    """Turn HGETALL's flat [field, value, ...] (cjson encodes an empty one as {}) into a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True)) if isinstance(flat, list) else {}


def _aggregate(team: str, day: date, counters: list[str], times: str, posts: list[str]) -> DayAggregate:
    """Build a day from values this module wrote, skipping re-validation (the build is on a hot path)."""
    fields = _pairs(counters)
    values: dict[str, Any] = {name: int(fields.get(name, 0)) for name in _COUNTERS}
    return DayAggregate.model_construct(
        team=team,
        day=day,
        categories={k[4:]: int(v) for k, v in fields.items() if k.startswith("cat:")},
        platforms={k[9:]: int(v) for k, v in fields.items() if k.startswith("platform:")},
        urgent_platforms={k[7:]: int(v) for k, v in fields.items() if k.startswith("urgent:")},
        responses=tuple(_response(entry) for entry in times.split()),
        posts=tuple(PostSummary.model_validate_json(body) for _, body in sorted(_pairs(posts).items())),
        **values,
    )


def _response(entry: str) -> ResponseTime:
    seconds, staffed, sla_met, *platform = entry.split(":")  # entries written before platforms came in are X's
    return ResponseTime(float(seconds), staffed == "1", sla_met == "1", *platform)


def _backlog_item(tracked: TrackedMention, zone: ZoneInfo) -> BacklogItem:
    """Build a backlog line from a stored mention record."""
    return BacklogItem(
        tweet_id=tracked.mention.id,
        team=tracked.team or DESK,
        url=tracked.mention.url,
        received_at=tracked.received_at.astimezone(zone),
        category=tracked.decision.category.value,
        text=tracked.mention.text,
        sla_due=tracked.sla_due,
    )
