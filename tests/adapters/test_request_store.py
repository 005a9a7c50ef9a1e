"""The Redis request repository: indexes, duplicate guard and compare-and-set under real concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import redis

from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.store import PENDING_REQUESTS, AuditLog, Keys
from bot.core.errors import Conflict
from bot.core.platform_requests import Answers, PlatformRequest, RequestState
from bot.core.request_flow import PlatformRequests, RequestPolicy
from bot.sandbox.redis_server import RedisServer
from tests.support.requests import ShownRequests

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
POLICY = RequestPolicy(
    platforms=("Nextdoor", "TikTok"),
    teams=(("northtown", "Northtown Neighbourhood Team"),),
    min_words=3,
    audience_min_words=2,
    approvers=frozenset({"U0APPR00001", "U0APPR00002"}),
)


def make_request(request_id: str, platform: str = "Nextdoor", requester: str = "U0NORTH0001") -> PlatformRequest:
    text = "enough words to pass every rule here"
    answers = Answers(
        platform=platform,
        team="northtown",
        audience=text,
        evidence=text,
        current_channels=text,
        content_plan=text,
        people=text,
        risks=text,
        success=text,
        review_date=date(2026, 9, 1),
    )
    return PlatformRequest(
        id=request_id, requester=requester, answers=answers, state=RequestState.SUBMITTED, created_at=NOW
    )


@pytest.fixture
def repo(redis_client: redis.Redis) -> RedisRequestRepository:
    return RedisRequestRepository(redis_client)


def test_create_indexes_the_request(repo: RedisRequestRepository, redis_client: redis.Redis) -> None:
    request = make_request("PR-1")
    assert repo.create(request) is None
    assert repo.get("PR-1") == request
    assert repo.by_user("U0NORTH0001") == [request] and repo.pending() == [request]
    assert redis_client.get(Keys.active_request("northtown", "NEXTDOOR")) == "PR-1"
    assert list(repo.every()) == [request]


def test_second_request_for_the_pair_gets_the_holder(repo: RedisRequestRepository) -> None:
    repo.create(make_request("PR-1"))
    assert repo.create(make_request("PR-2", requester="U0NORTH0002")) == "PR-1"
    assert repo.get("PR-2") is None and repo.by_user("U0NORTH0002") == []
    assert repo.create(make_request("PR-3", platform="TikTok")) is None


def test_replace_is_compare_and_set(repo: RedisRequestRepository, redis_client: redis.Redis) -> None:
    request = make_request("PR-1")
    repo.create(request)
    declined = request.moved(RequestState.DECLINED, "U0APPR00001", NOW, "no cover")
    assert repo.replace(declined, expected_version=1)
    assert not repo.replace(request.moved(RequestState.APPROVED, "U0APPR00002", NOW), expected_version=1)
    assert repo.get("PR-1") == declined
    assert redis_client.zscore(PENDING_REQUESTS, "PR-1") is None
    assert repo.active_id("northtown", "Nextdoor") is None
    assert repo.create(make_request("PR-2")) is None


def test_approval_keeps_the_pair_taken(repo: RedisRequestRepository) -> None:
    request = make_request("PR-1")
    repo.create(request)
    assert repo.replace(request.moved(RequestState.APPROVED, "U0APPR00001", NOW), expected_version=1)
    assert repo.pending() == [] and repo.create(make_request("PR-2")) == "PR-1"


def test_replace_of_a_missing_request_fails(repo: RedisRequestRepository) -> None:
    assert not repo.replace(make_request("PR-404"), expected_version=1)


@pytest.mark.parametrize("round_", range(5))
def test_concurrent_approve_and_decline_have_exactly_one_winner(redis_server: RedisServer, round_: int) -> None:
    url = redis_server.url
    setup = redis.Redis.from_url(url, decode_responses=True)
    setup.flushall()
    RedisRequestRepository(setup).create(make_request("PR-1"))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(actor: str, verdict: str) -> None:
        client = redis.Redis.from_url(url, decode_responses=True)
        flow = PlatformRequests(
            RedisRequestRepository(client), AuditLog(client).record, POLICY, ShownRequests(), clock=lambda: NOW
        )
        barrier.wait()
        try:
            if verdict == "approve":
                flow.approve("PR-1", actor)
            else:
                flow.decline("PR-1", actor, "Not enough cover for leave.")
            outcomes[actor] = "won"
        except Conflict:
            outcomes[actor] = "lost"

    threads = [
        threading.Thread(target=decide, args=("U0APPR00001", "approve")),
        threading.Thread(target=decide, args=("U0APPR00002", "decline")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes.values()) == ["lost", "won"]
    stored = RedisRequestRepository(setup).get("PR-1")
    assert stored is not None and stored.version == 2 and len(stored.history) == 1
    winner = next(actor for actor, outcome in outcomes.items() if outcome == "won")
    assert stored.decided_by == winner
    actions = [e["action"] for e in AuditLog(setup).entries("PR-1")]
    assert sorted(actions) in (
        ["request.approved", "request.declined.refused"],
        ["request.approved.refused", "request.declined"],
    )


def test_concurrent_filings_for_one_pair_store_one(redis_server: RedisServer) -> None:
    url = redis_server.url
    redis.Redis.from_url(url).flushall()
    barrier = threading.Barrier(8)
    holders: list[str | None] = []

    def file(n: int) -> None:
        repo = RedisRequestRepository(redis.Redis.from_url(url, decode_responses=True))
        barrier.wait()
        holders.append(repo.create(make_request(f"PR-{n}", requester=f"U0NORTH000{n}")))

    threads = [threading.Thread(target=file, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert holders.count(None) == 1
    assert len(RedisRequestRepository(redis.Redis.from_url(url, decode_responses=True)).pending()) == 1
