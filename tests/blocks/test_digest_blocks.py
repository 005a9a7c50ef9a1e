"""Digest Block Kit: untrusted post and mention text stays inert; metadata round-trips; alt text describes the chart."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bot.blocks.digest import (
    build_chart_alt_text,
    build_digest,
    build_digest_metadata,
    build_digest_summary,
    read_digest_metadata,
)
from bot.blocks.digest_text import render_digest_text
from bot.core.content import ContentKind
from bot.core.corrections import Correction, Label, agreement
from bot.core.digest import BacklogItem, DayAggregate, Digest, PendingRequest, PostSummary, ResponseTime, compute_digest
from bot.core.models import Category, PostMetrics

DAY = date(2026, 3, 10)
HOSTILE = "<!channel> see <https://evil.example|x.com> & <@U0BOSS>"


def hostile_digest(team: str = "desk") -> Digest:
    post = PostSummary(
        id="5", text=HOSTILE, is_reply=False, kind=ContentKind.APPEAL, metrics=PostMetrics(impressions=100, likes=4)
    )
    today = DayAggregate(
        team=team,
        day=DAY,
        received=3,
        needs_reply=2,
        replied=1,
        closed_needing_reply=1,
        categories={"question": 2, "praise": 1},
        posts=(post,),
        responses=(ResponseTime(seconds=1500, staffed=True, sla_met=True),),
    )
    backlog = [
        BacklogItem(
            tweet_id="99",
            team="northtown",
            url="https://evil.example/|<!here>",
            category="question",
            received_at=datetime(2026, 3, 10, 9, tzinfo=UTC),
            text=HOSTILE,
        )
    ]
    pending = [PendingRequest(request_id="R-1", team="roads", platform="<!here>", age=timedelta(days=2))]
    return compute_digest(team, "Midshire <Desk>", today, [today] * 7, backlog, pending)


def test_untrusted_text_cannot_ping_or_fake_a_link() -> None:
    text = str(build_digest(hostile_digest()))
    assert "<!channel>" not in text and "<!here>" not in text and "<@U0BOSS>" not in text
    assert "<https://evil.example" not in text and "evil.example/|" not in text
    assert "<https://x.com/i/status/99|10 Mar 09:00>" in text
    assert "&lt;!channel&gt;" in text


def test_blocks_stay_within_slack_limits_and_show_the_figures() -> None:
    blocks = build_digest(hostile_digest())
    assert len(blocks) <= 50
    assert blocks[0]["type"] == "header"
    text = str(blocks)
    assert "3 received (7-day avg 3.0, +0%)" in text
    assert "median 25 min" in text and "SLA met 100%" in text
    assert "Platform requests awaiting a decision" in text


def test_team_digests_leave_out_platform_requests() -> None:
    assert "Platform requests" not in str(build_digest(hostile_digest("northtown")))


def test_metadata_round_trips_and_other_messages_are_not_digests() -> None:
    digest = hostile_digest("roads")
    assert read_digest_metadata({"metadata": build_digest_metadata(digest)}) == (DAY, "roads")
    assert read_digest_metadata({"metadata": {"event_type": "commsdesk_mention", "event_payload": {}}}) is None
    assert read_digest_metadata({"text": "hi"}) is None


def test_fallback_text_and_alt_text_carry_no_untrusted_text() -> None:
    digest = hostile_digest()
    assert "<!" not in build_digest_summary(digest)
    alt = build_chart_alt_text(digest)
    assert alt.startswith("Mentions received and replied") and "median first response 25 min" in alt


def test_plain_text_rendering_is_readable() -> None:
    text = render_digest_text(hostile_digest())
    assert text.splitlines()[0] == "Morning digest · Midshire <Desk> · Tuesday 10 March 2026"
    assert "Waiting now     1, oldest first:" in text
    assert "R-1: roads asks for" in text


def test_the_desk_edition_carries_one_line_of_triage_agreement() -> None:
    at = datetime(2026, 3, 10, 9, tzinfo=UTC)
    missed = Correction(
        tweet_id="1",
        at=at,
        actor="U0DESK00001",
        label=Label.URGENT,
        model="false",
        desk="true",
        model_category=Category.QUESTION,
    )
    fixes = [missed]
    desk = hostile_digest().model_copy(update={"triage": agreement(Counter({"question": 2, "praise": 1}), 0, fixes)})
    lines = [b for b in build_digest(desk) if "Triage" in str(b)]
    assert len(lines) == 1 and lines[0]["type"] == "context"
    assert "corrected 1 of 3 decisions (67% agreement); urgent recall as the desk judged it 0% (0 of 1)" in str(lines)
    assert "Triage" not in str(build_digest(hostile_digest()))
