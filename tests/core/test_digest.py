"""The digest's arithmetic over a scripted day: counts, response times, SLA, comparison and content mix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.content import ContentKind, classify_post
from bot.core.digest import (
    BacklogItem,
    DayAggregate,
    PendingRequest,
    PostSummary,
    ResponseTime,
    combine,
    compute_digest,
)
from bot.core.models import PostMetrics

DAY = date(2026, 3, 10)


def scripted_day() -> DayAggregate:
    """Ten mentions, seven needing reply; five answered (one out of hours, one over SLA), one closed."""
    responses = (
        ResponseTime(seconds=300, staffed=True, sla_met=True),
        ResponseTime(seconds=600, staffed=True, sla_met=True),
        ResponseTime(seconds=900, staffed=True, sla_met=True),
        ResponseTime(seconds=1800, staffed=True, sla_met=True),
        ResponseTime(seconds=7200, staffed=False, sla_met=False),
    )
    return DayAggregate(
        team="northtown",
        day=DAY,
        received=10,
        needs_reply=7,
        urgent=1,
        categories={"question": 4, "crime_report": 2, "praise": 3, "emergency": 1},
        replied=5,
        closed_without_reply=1,
        closed_needing_reply=6,
        responses=responses,
    )


def post(pid: str, kind: ContentKind, impressions: int, likes: int, is_reply: bool = False) -> PostSummary:
    return PostSummary(
        id=pid,
        text=f"post {pid}",
        is_reply=is_reply,
        kind=kind,
        metrics=PostMetrics(impressions=impressions, likes=likes),
    )


def test_counts_and_response_times_match_the_scripted_day() -> None:
    digest = compute_digest("northtown", "Northtown", scripted_day(), [], [])
    assert (digest.received, digest.needs_reply, digest.urgent) == (10, 7, 1)
    assert digest.categories[0] == ("question", 4)
    assert (digest.replied, digest.closed_without_reply, digest.still_open) == (5, 1, 1)
    assert digest.response_all.count == 5
    assert digest.response_all.median_seconds == 900
    assert digest.response_all.p90_seconds == 7200
    assert digest.response_staffed.count == 4
    assert digest.response_staffed.median_seconds == 750
    assert digest.response_staffed.p90_seconds == 1800
    assert digest.sla_met_pct == 80


def test_an_empty_day_has_no_times_and_no_rates() -> None:
    digest = compute_digest("riverside", "Riverside", DayAggregate(team="riverside", day=DAY), [], [])
    assert digest.received == 0 and digest.still_open == 0
    assert digest.response_all.median_seconds is None and digest.sla_met_pct is None
    assert digest.own.engagement_rate is None and digest.own.top_post is None and digest.own.nudge == ""
    assert digest.week.days == 0
    assert [p.day for p in digest.trend] == [DAY]


def test_seven_day_comparison_averages_the_days_before() -> None:
    week = [
        DayAggregate(
            team="northtown",
            day=DAY - timedelta(days=n),
            received=n,
            replied=1,
            responses=(ResponseTime(seconds=60 * n, staffed=True, sla_met=True),),
        )
        for n in range(7, 0, -1)
    ]
    digest = compute_digest("northtown", "Northtown", scripted_day(), week, [])
    assert digest.week.days == 7
    assert digest.week.received == 4.0
    assert digest.week.replied == 1.0
    assert digest.week.median_seconds == 240
    assert [p.day for p in digest.trend] == [DAY - timedelta(days=n) for n in range(6, -1, -1)]
    assert digest.trend[-1].median_seconds == 900


def test_own_posts_engagement_top_post_and_mix_nudge() -> None:
    posts = (
        post("1", ContentKind.APPEAL, 1000, 10),
        post("2", ContentKind.APPEAL, 2000, 50),
        post("3", ContentKind.APPEAL, 500, 5),
        post("4", ContentKind.APPEAL, 500, 5),
        post("5", ContentKind.CONVERSATION, 0, 0, is_reply=True),
    )
    digest = compute_digest("n", "N", DayAggregate(team="n", day=DAY, posts=posts), [], [])
    assert (digest.own.posts, digest.own.replies, digest.own.likes, digest.own.impressions) == (4, 1, 70, 4000)
    assert digest.own.engagement_rate == 70 / 4000
    assert digest.own.top_post is not None and digest.own.top_post.id == "2"
    assert digest.own.mix[0] == ("appeal", 4)
    assert "4 of 5 posts were appeals" in digest.own.nudge


def test_conversation_dominating_is_never_nudged() -> None:
    posts = tuple(post(str(n), ContentKind.CONVERSATION, 10, 1, is_reply=True) for n in range(6))
    digest = compute_digest("n", "N", DayAggregate(team="n", day=DAY, posts=posts), [], [])
    assert digest.own.nudge == ""


def test_backlog_is_oldest_first_and_pending_requests_only_on_the_desk() -> None:
    base = datetime(2026, 3, 10, 9, tzinfo=UTC)
    items = [
        BacklogItem(
            tweet_id=str(n),
            team="northtown",
            url=f"https://x.com/a/status/{n}",
            received_at=base + timedelta(minutes=n),
            category="question",
            text="?",
        )
        for n in (30, 5, 12)
    ]
    pending = [PendingRequest(request_id="r1", team="northtown", platform="TikTok", age=timedelta(days=2))]
    team = compute_digest("northtown", "Northtown", scripted_day(), [], items, pending)
    assert [i.tweet_id for i in team.backlog] == ["5", "12", "30"]
    assert team.pending_requests == ()
    desk = compute_digest("desk", "Desk", combine("desk", DAY, [scripted_day(), scripted_day()]), [], items, pending)
    assert desk.received == 20 and desk.response_all.count == 10
    assert [r.request_id for r in desk.pending_requests] == ["r1"]


def test_classify_post_by_wording() -> None:
    assert classify_post("Can you help? We're appealing for witnesses after a collision on Brook Road") == "appeal"
    assert classify_post("Join us for a drop-in beat surgery at Oldfield Market on Saturday") == "event"
    assert classify_post("Remember to lock your car and keep valuables out of sight") == "advice"
    assert classify_post("A man has been charged following the burglary on Mill Lane") == "update"
    assert classify_post("Thanks, glad we could help", is_reply=True) == "conversation"
    assert classify_post("Good morning Riverside!") == "other"
