"""The Graph API adapter against the stand-in: paging, usage-driven back-off, throttles, existence and replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from bot.adapters.meta import GRAPH_VERSION, GraphMetaSource, GraphRefused, usage_percent
from bot.core.errors import ConfigurationError, RateLimited, UpstreamError
from bot.core.meta import AccountReply, Comment
from bot.core.models import Platform
from bot.sandbox.graph_api import GraphSandbox
from bot.sandbox.meta_webhooks import APP_SECRET
from tests.support.meta import CITIZEN, NORTH_IG, NORTH_PAGE, TOKENS


def source_for(graph: GraphSandbox, sleeps: list[float] | None = None, **kwargs: object) -> GraphMetaSource:
    naps = sleeps if sleeps is not None else []
    return GraphMetaSource(graph.url, APP_SECRET, TOKENS.get, sleep=naps.append, **kwargs)  # type: ignore[arg-type]


def now() -> datetime:
    return datetime.now(UTC)


def test_comments_on_recent_posts_page_through_cursors_and_the_pages_own_replies_are_told_apart(
    graph: GraphSandbox,
) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday", reactions=12, shares=3)
    asked = [graph.add_comment(post.id, f"question {n}", CITIZEN) for n in range(60)]
    graph.add_comment(asked[0].id, "Yes, 10 till 12.")
    batch = source_for(graph).page_events(NORTH_PAGE, None, now())
    comments = [e for e in batch.events if isinstance(e, Comment)]
    assert [c.mention.id for c in comments] == [f"fb-{c.id}" for c in asked]
    assert len(graph.calls_to(f"/{post.id}/comments")) == 3  # 25 a page
    replies = [e for e in batch.events if isinstance(e, AccountReply)]
    assert [r.answered for r in replies] == [f"fb-{asked[0].id}"]
    assert [(p.id, p.metrics.likes, p.metrics.reposts, p.metrics.replies) for p in batch.own_posts] == [
        (post.id, 12, 3, 61)
    ]
    assert batch.newest is not None


def test_max_pages_bounds_a_poll(graph: GraphSandbox) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    for n in range(60):
        graph.add_comment(post.id, f"question {n}", CITIZEN)
    batch = source_for(graph, max_pages=2).page_events(NORTH_PAGE, None, now())
    assert len(batch.events) == 50


def test_rising_usage_slows_polling_before_graph_throttles(graph: GraphSandbox) -> None:
    graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    sleeps: list[float] = []
    source = source_for(graph, sleeps, backoff_at=80, max_wait=30.0)
    source.page_events(NORTH_PAGE, None, now())
    assert sleeps == []
    graph.usage_floor = 90
    source.page_events(NORTH_PAGE, None, now())
    assert sleeps and all(0 < s <= 30.0 for s in sleeps)
    assert source.usage == 90
    graph.usage_floor = 99
    later: list[float] = []
    source_for(graph, later, backoff_at=80, max_wait=30.0).page_events(NORTH_PAGE, None, now())
    assert min(later) > max(sleeps)  # nearer the limit, longer pauses
    assert all(c.status == 200 for c in graph.calls)


def test_a_throttle_raises_rate_limited_without_retrying_into_it(graph: GraphSandbox) -> None:
    graph.throttle_next(times=5)
    with pytest.raises(RateLimited) as raised:
        source_for(graph).page_events(NORTH_PAGE, None, now())
    assert raised.value.retry_after is not None and raised.value.retry_after >= 60
    assert len(graph.calls) == 1


def test_past_capacity_graph_throttles_and_names_the_wait(graph: GraphSandbox) -> None:
    graph.capacity = 2
    source = source_for(graph)
    graph.add_post(NORTH_PAGE, "a")
    with pytest.raises(RateLimited):
        for _ in range(5):
            source.account_name(NORTH_PAGE)


def test_usage_headers_are_read_from_both_headers() -> None:
    headers = {
        "X-App-Usage": '{"call_count": 12, "total_cputime": 40, "total_time": 7}',
        "X-Business-Use-Case-Usage": '{"150": [{"type": "pages", "call_count": 55, "total_cputime": 3, '
        '"total_time": 61, "estimated_time_to_regain_access": 4}]}',
    }
    assert usage_percent(headers) == (61, 4)
    assert usage_percent({"X-App-Usage": "not json"}) == (0, 0)


def test_outages_retry_then_give_up_and_refusals_do_not_retry(graph: GraphSandbox) -> None:
    graph.fail_next(times=1)
    assert source_for(graph).account_name(NORTH_PAGE) == "Northtown Neighbourhood Police"
    graph.down = True
    with pytest.raises(UpstreamError):
        source_for(graph).account_name(NORTH_PAGE)
    graph.down = False
    calls = len(graph.calls)
    wrong = GraphMetaSource(graph.url, APP_SECRET, lambda _: "stolen-token", sleep=lambda _: None)
    with pytest.raises(GraphRefused):
        wrong.account_name(NORTH_PAGE)
    assert len(graph.calls) == calls + 1


def test_an_account_without_a_linked_token_says_how_to_link_one(graph: GraphSandbox) -> None:
    with pytest.raises(ConfigurationError, match="commsdesk meta link"):
        GraphMetaSource(graph.url, APP_SECRET, lambda _: None).account_name(NORTH_PAGE)


def test_existing_tells_deleted_comments_apart(graph: GraphSandbox) -> None:
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    kept, gone = graph.add_comment(post.id, "kept", CITIZEN), graph.add_comment(post.id, "gone", CITIZEN)
    graph.delete(gone.id)
    assert source_for(graph).existing(NORTH_PAGE, [kept.id, gone.id]) == {kept.id}


def test_replies_post_as_the_page_and_as_the_instagram_account(graph: GraphSandbox) -> None:
    source = source_for(graph)
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, "Is it still on?", CITIZEN)
    reply_id = source.reply(Platform.FACEBOOK, NORTH_PAGE, comment.id, "Yes, see you there")
    reply = graph.store.get(reply_id)
    assert reply is not None and reply.parent == comment.id and reply.author["id"] == NORTH_PAGE
    assert graph.calls_to(f"/{comment.id}/comments")[-1].method == "POST"
    media = graph.add_media(NORTH_IG, "Meet the team")
    asked = graph.add_comment(media.id, "When's the next one?", {"id": "55", "username": "kat"})
    ig_reply = graph.store.get(source.reply(Platform.INSTAGRAM, NORTH_IG, asked.id, "Next Sunday!"))
    assert ig_reply is not None and ig_reply.parent == asked.id and ig_reply.author["id"] == NORTH_IG
    assert graph.calls_to(f"/{asked.id}/replies")[-1].method == "POST"


def test_a_reply_is_posted_once_and_found_again_only_when_the_account_itself_made_it(graph: GraphSandbox) -> None:
    source, since = source_for(graph), datetime.now(UTC) - timedelta(minutes=1)
    post = graph.add_post(NORTH_PAGE, "Street surgery on Saturday")
    comment = graph.add_comment(post.id, "Is it still on?", CITIZEN)
    graph.add_comment(comment.id, "I think so", {"id": "6100000000000099", "name": "A Neighbour"})
    assert source.find_reply(Platform.FACEBOOK, NORTH_PAGE, comment.id, since) is None
    graph.fail_next(f"/{GRAPH_VERSION}/{comment.id}/comments", times=1)
    with pytest.raises(UpstreamError, match="after 1 attempts"):  # not retried: the sender reconciles first
        source.reply(Platform.FACEBOOK, NORTH_PAGE, comment.id, "Yes, see you there")
    assert [c.method for c in graph.calls_to(f"/{comment.id}/comments")] == ["GET", "POST"]
    reply_id = source.reply(Platform.FACEBOOK, NORTH_PAGE, comment.id, "Yes, see you there")
    assert source.find_reply(Platform.FACEBOOK, NORTH_PAGE, comment.id, since) == reply_id
    assert (
        source.find_reply(Platform.FACEBOOK, NORTH_PAGE, comment.id, datetime.now(UTC) + timedelta(minutes=1)) is None
    )
    media = graph.add_media(NORTH_IG, "Meet the team")
    asked = graph.add_comment(media.id, "When's the next one?", {"id": "55", "username": "kat"})
    assert source.find_reply(Platform.INSTAGRAM, NORTH_IG, asked.id, since) is None
    ig_reply = source.reply(Platform.INSTAGRAM, NORTH_IG, asked.id, "Next Sunday!")
    assert source.find_reply(Platform.INSTAGRAM, NORTH_IG, asked.id, since) == ig_reply


def test_instagram_comments_and_replies_since_the_cursor(graph: GraphSandbox) -> None:
    media = graph.add_media(NORTH_IG, "Meet the team", likes=40)
    asked = graph.add_comment(media.id, "When's the next one?", {"id": "55", "username": "kat"})
    graph.add_comment(asked.id, "Next Sunday!")
    batch = source_for(graph).instagram_events(NORTH_IG, None, now())
    assert [type(e).__name__ for e in batch.events] == ["Comment", "AccountReply"]
    comment = batch.events[0]
    assert isinstance(comment, Comment) and comment.mention.author.username == "kat"
    assert comment.mention.link == f"https://www.instagram.com/p/{media.id}/"
    [own] = batch.own_posts
    assert (own.platform, own.metrics.likes, own.metrics.replies) == (Platform.INSTAGRAM, 40, 2)
    later = source_for(graph).instagram_events(NORTH_IG, now() + timedelta(minutes=1), now())
    assert later.events == []


def test_requests_carry_the_token_and_its_appsecret_proof(graph: GraphSandbox) -> None:
    seen: list[requests.PreparedRequest] = []
    source = source_for(graph)
    source._session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    source.account_name(NORTH_PAGE)
    assert "appsecret_proof=" in str(seen[0].url) and f"access_token={TOKENS[NORTH_PAGE]}" in str(seen[0].url)
