"""Words and numbers of the digest, shared by the Block Kit layout and the plain-text rendering for `--dry-run`."""

from __future__ import annotations

from datetime import date, timedelta

from bot.blocks.durations import duration
from bot.blocks.safe import inert, plain
from bot.core.digest import Digest, PendingRequest, ResponseStats

POST_TEXT_LIMIT = 280
BACKLOG_TEXT_LIMIT = 120


def day_label(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def versus(value: float, average: float, days: int) -> str:
    """Compare a figure with its 7-day average, as '(7-day avg 9.3, +29%)'."""
    if not days:
        return ""
    change = f", {100 * (value - average) / average:+.0f}%" if average else ""
    return f" (7-day avg {average:.1f}{change})"


def mentions_line(digest: Digest) -> str:
    return (
        f"{digest.received} received{versus(digest.received, digest.week.received, digest.week.days)} · "
        f"{digest.needs_reply} needed a reply · {digest.urgent} urgent"
    )


def categories_line(digest: Digest) -> str:
    return " · ".join(f"{name.replace('_', ' ')} {count}" for name, count in digest.categories) or "none"


def outcomes_line(digest: Digest) -> str:
    return (
        f"{digest.replied} replied{versus(digest.replied, digest.week.replied, digest.week.days)} · "
        f"{digest.closed_without_reply} closed without reply · {digest.still_open} still open"
    )


def _stats(stats: ResponseStats) -> str:
    if not stats.count:
        return "no replies"
    return f"median {duration(stats.median_seconds)}, p90 {duration(stats.p90_seconds)} ({stats.count})"


def response_line(digest: Digest) -> str:
    sla = "–" if digest.sla_met_pct is None else f"{digest.sla_met_pct:.0f}%"
    week = f" (7-day avg median {duration(digest.week.median_seconds)})" if digest.week.median_seconds else ""
    return (
        f"all hours {_stats(digest.response_all)}{week} · staffed hours {_stats(digest.response_staffed)} · "
        f"SLA met {sla}"
    )


def posts_line(digest: Digest) -> str:
    own = digest.own
    rate = "–" if own.engagement_rate is None else f"{100 * own.engagement_rate:.1f}%"
    week = digest.week.engagement_rate
    week_rate = f" (7-day avg {100 * week:.1f}%)" if week is not None else ""
    return (
        f"{own.posts} posts · {own.replies} replies to the public · {own.likes:,} likes · {own.reposts:,} reposts · "
        f"{own.quotes:,} quotes · {own.impressions:,} impressions · engagement rate {rate}{week_rate}"
    )


def platforms_line(digest: Digest) -> str:
    """One clause per platform: mentions, answers with their median time, and our posts' engagement there."""
    parts = []
    for stats in digest.platforms:
        answered = f"{stats.answered} answered" + (
            f" (median {duration(stats.median_seconds)})" if stats.median_seconds is not None else ""
        )
        posts = f"{stats.posts} own posts, {stats.engagements} engagements" if stats.posts else "no own posts"
        parts.append(f"{stats.platform.label}: {stats.received} mentions, {answered}, {posts}")
    return " · ".join(parts)


def request_line(request: PendingRequest) -> str:
    return (
        f"{inert(request.request_id, 40)}: {inert(request.team, 40)} asks for {inert(request.platform, 40)}, "
        f"waiting {_age(request.age)}"
    )


def _age(age: timedelta) -> str:
    days = age.days
    return f"{days} day{'s' if days != 1 else ''}" if days else f"{max(1, age.seconds // 3600)} h"


def render_digest_text(digest: Digest) -> str:
    """Render a digest as readable plain text (dry runs and logs); untrusted text is cleaned and shortened."""
    lines = [
        f"Morning digest · {plain(digest.name, 80)} · {day_label(digest.day)}",
        f"  Mentions        {mentions_line(digest)}",
        f"  By category     {categories_line(digest)}",
        f"  Outcomes        {outcomes_line(digest)}",
        f"  First response  {response_line(digest)}",
    ]
    if digest.platforms:
        lines.append(f"  By platform     {platforms_line(digest)}")
    if digest.backlog_total:
        lines.append(f"  Waiting now     {digest.backlog_total}, oldest first:")
        lines += [
            f"    {b.received_at:%d %b %H:%M} {b.category} {b.url} {plain(b.text, BACKLOG_TEXT_LIMIT)!r}"
            for b in digest.backlog
        ]
    lines.append(f"  Our posts       {posts_line(digest)}")
    if digest.own.top_post is not None:
        top = digest.own.top_post
        lines.append(f"  Top post        {top.url} {plain(top.text, POST_TEXT_LIMIT)!r}")
    if digest.own.mix:
        lines.append("  Content mix     " + " · ".join(f"{kind} {count}" for kind, count in digest.own.mix))
    if digest.own.nudge:
        lines.append(f"  Tip             {digest.own.nudge}")
    if digest.is_desk and digest.pending_requests:
        lines.append("  Platform requests awaiting a decision:")
        lines += [
            f"    {plain(r.request_id, 40)}: {plain(r.team, 40)} asks for {plain(r.platform, 40)}, "
            f"waiting {_age(r.age)}"
            for r in digest.pending_requests
        ]
    return "\n".join(lines)
