"""The digest splits a day by platform once the desk hears from more than X, and reads as before when it does not."""

from __future__ import annotations

from datetime import date

from bot.blocks.digest import build_digest
from bot.blocks.digest_text import render_digest_text
from bot.core.content import ContentKind
from bot.core.digest import DayAggregate, PostSummary, ResponseTime, combine, compute_digest
from bot.core.models import Platform, PostMetrics

DAY = date(2026, 11, 28)


def post(post_id: str, platform: Platform, likes: int, reposts: int = 0, replies: int = 0) -> PostSummary:
    metrics = PostMetrics(likes=likes, reposts=reposts, replies=replies)
    return PostSummary(
        id=post_id, text="Street surgery", is_reply=False, kind=ContentKind.OTHER, metrics=metrics, platform=platform
    )


def test_counts_response_times_and_engagement_per_platform() -> None:
    north = DayAggregate(
        team="northtown",
        day=DAY,
        received=5,
        platforms={"x": 2, "facebook": 3},
        responses=(
            ResponseTime(600, True, True),
            ResponseTime(1200, True, True, "facebook"),
            ResponseTime(1800, True, False, "facebook"),
        ),
        posts=(post("1", Platform.X, 4, 1), post("1500_9", Platform.FACEBOOK, 30, 5, 12)),
    )
    roads = DayAggregate(team="roads", day=DAY, received=1, platforms={"instagram": 1})
    digest = compute_digest("desk", "Comms desk", combine("desk", DAY, [north, roads]), [], [])
    assert [
        (s.platform, s.received, s.answered, s.median_seconds, s.posts, s.engagements) for s in digest.platforms
    ] == [
        (Platform.X, 2, 1, 600, 1, 5),
        (Platform.FACEBOOK, 3, 2, 1500, 1, 47),
        (Platform.INSTAGRAM, 1, 0, None, 0, 0),
    ]
    shown = str(build_digest(digest))
    assert "*By platform* X: 2 mentions, 1 answered (median 10 min), 1 own posts, 5 engagements" in shown
    assert "Facebook: 3 mentions, 2 answered (median 25 min), 1 own posts, 47 engagements" in shown
    assert "By platform" in render_digest_text(digest)


def test_an_x_only_day_has_no_platform_line() -> None:
    x_only = DayAggregate(
        team="roads", day=DAY, received=2, platforms={"x": 2}, responses=(ResponseTime(60, True, True),)
    )
    digest = compute_digest("roads", "Roads", x_only, [], [])
    assert digest.platforms == () and "By platform" not in str(build_digest(digest))
