"""/commsdesk Block Kit: help names every command, status shows the figures and keeps mention text inert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.blocks.commsdesk import (
    BLOCK_LIMIT,
    build_digest_preview,
    build_digest_preview_text,
    build_help,
    build_home_queue,
    build_status,
)
from bot.core.desk_status import DeskState, WorkerBeat
from bot.core.digest import BacklogItem, DayAggregate, compute_digest
from bot.core.x_reads import ReadForecast

HOSTILE = "<!channel> see <https://evil.example|x.com> & <@U0BOSS> \u202e```x```"
LONDON = ZoneInfo("Europe/London")


def item(n: int, text: str = "bike stolen from Canal St", tweet_id: str = "") -> BacklogItem:
    return BacklogItem(
        tweet_id=tweet_id or f"21220000000000000{n:02d}",
        team="northtown",
        url="https://evil.example/|<!here>",
        category="crime_report",
        received_at=datetime(2026, 11, 16, 9, n, tzinfo=UTC).astimezone(LONDON),
        text=text,
    )


def state(items: tuple[BacklogItem, ...] = (), open_mentions: int = 0, **changes: object) -> DeskState:
    values: dict[str, object] = dict(
        at=datetime(2026, 11, 21, 10, 30, tzinfo=UTC).astimezone(LONDON),
        outbox_depth=3,
        outbox_oldest_age_seconds=125.0,
        open_mentions=open_mentions or len(items),
        overdue_mentions=1,
        x_reads_month=8_200,
        x_read_budget=10_000,
        leases_held=("outbox",),
        oldest_open=items,
    )
    return DeskState.model_validate({**values, **changes})


def test_help_names_every_command_and_the_card_buttons() -> None:
    text = str(build_help())
    for words in (
        "/commsdesk status",
        "/commsdesk digest",
        "/commsdesk help",
        "/request-platform list",
        "Claim",
        "Reply on X",
        "Escalate",
        "Reassign",
    ):
        assert words in text


def test_status_shows_queue_backlog_budget_and_running_jobs() -> None:
    blocks = build_status(state((item(1),)))
    figures = [f["text"] for f in blocks[2]["fields"]]
    assert figures == [
        "*Outbox*\n3 waiting, oldest 2 min",
        "*Waiting for a reply*\n1 open, 1 overdue",
        "*X reads this month*\n8,200 of 10,000 (82%)",
        "*Worker jobs running*\noutbox",
        "*Workers*\nnone seen today",
    ]
    assert "As of 21 Nov 10:30 GMT" in str(blocks[1])


def test_status_shows_each_worker_and_its_last_beat_in_desk_time() -> None:
    beats = (
        WorkerBeat(consumer="web-1-4242", last_beat=datetime(2026, 11, 21, 10, 29, 55, tzinfo=UTC), alive=True),
        WorkerBeat(consumer="<!here>-7", last_beat=datetime(2026, 11, 21, 9, 2, 0, tzinfo=UTC), alive=False),
    )
    workers = build_status(state(workers=beats))[2]["fields"][4]["text"]
    assert workers.splitlines()[:2] == ["*Workers*", "1 alive"]
    assert "web-1-4242: alive, last beat 10:29:55" in workers
    assert "&lt;!here&gt;-7: not beating, last beat 09:02:00" in workers and "<!here>" not in workers


def test_status_shows_the_months_read_forecast_under_the_figures() -> None:
    forecast = ReadForecast(
        mention_reads=3_044,
        own_post_reads=761,
        compliance_reads=6_088,
        requests_per_15_minutes=90.1,
        usd_per_month=49.47,
        monthly_read_budget=10_000,
    )
    context = build_status(state(x_forecast=forecast))[3]
    assert context["type"] == "context"
    assert context["elements"][0]["text"] == (
        "Expected X reads a month: 9,893 (3,044 mentions, 761 own posts, 6,088 compliance), within the 10,000 "
        "budget; about $49.47 at pay-per-use prices (check current pricing); 90.1 requests per 15 minutes"
    )


def test_open_mentions_link_by_tweet_id_and_render_inert() -> None:
    text = str(build_status(state((item(1, HOSTILE), item(2, tweet_id="12|<!here>")))))
    assert "<https://x.com/i/status/2122000000000000001|16 Nov 09:01>" in text
    for dangerous in ("<!channel>", "<@U0BOSS>", "<https://evil", "<!here>", "\u202e", "```", "evil.example/|"):
        assert dangerous not in text
    assert "&lt;!channel&gt;" in text and "16 Nov 09:02 northtown" in text  # no link for a malformed id


def test_a_long_backlog_says_how_many_are_shown_and_fits_slack_limits() -> None:
    items = tuple(item(n, "x" * 3000) for n in range(15))
    blocks = build_status(state(items, open_mentions=240))
    assert "*Open mentions*, oldest first (15 of 240)" in str(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert all(len(s) <= 3000 for s in sections) and len(blocks) <= 50
    assert sum(s.count("\n• ") + s.startswith("• ") for s in sections) == 15


def test_an_empty_backlog_and_idle_worker_say_so() -> None:
    blocks = build_status(state(outbox_depth=0, leases_held=()))
    figures = [f["text"] for f in blocks[2]["fields"]]
    assert figures[0] == "*Outbox*\n0 waiting" and figures[3] == "*Worker jobs running*\nnone right now"
    assert blocks[-1]["text"]["text"] == "Nothing is waiting for a reply."


def test_digest_preview_is_the_digest_plus_a_private_note() -> None:
    day = date(2026, 11, 20)
    week = [DayAggregate(team="desk", day=day - timedelta(days=n)) for n in range(7, 0, -1)]
    digest = compute_digest("desk", "Midshire Comms Desk", DayAggregate(team="desk", day=day, received=4), week, [])
    blocks = build_digest_preview([digest])
    assert blocks[0]["text"]["text"] == "Morning digest · Midshire Comms Desk"
    assert "Only you can see this" in str(blocks[-1]) and "4 received" in str(blocks)


def test_several_team_digests_share_one_message_up_to_slacks_block_limit() -> None:
    day = date(2026, 11, 20)
    week = [DayAggregate(team="roads", day=day - timedelta(days=n)) for n in range(7, 0, -1)]
    digests = [
        compute_digest("roads", f"Team {n}", DayAggregate(team="roads", day=day, received=n), week, [])
        for n in range(1, 11)
    ]
    blocks = build_digest_preview(digests)
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert headers[:2] == ["Morning digest · Team 1", "Morning digest · Team 2"] and len(headers) < 10
    assert len(blocks) <= BLOCK_LIMIT and "did not fit" in str(blocks[-1])
    assert build_digest_preview_text(digests[:2]).count("Morning digest for") == 2


def test_home_queue_lists_what_the_person_may_see_or_says_who_may() -> None:
    scoped = build_home_queue(state((item(1, HOSTILE),), teams=("northtown",)))
    assert "*Open mentions* (northtown): 1 waiting for a reply, 1 overdue" in str(scoped)
    assert "<!channel>" not in str(scoped) and "i/status/2122000000000000001" in str(scoped)
    refused = build_home_queue(None)
    assert "2122" not in str(refused) and "members of the desk, control-room and team channels" in str(refused)
