"""Several real replicas against one Redis: one card per mention, one claimant, one digest per date and channel."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
import redis
from slack_sdk import WebClient

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog
from bot.blocks.ids import MentionAction, MetadataType
from bot.core.tracking import CardRef
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.signed import SlackRequests, eventually
from tests.conftest import DEV
from tests.faults.conftest import assert_no_secrets, mention_cards
from tests.support.factories import tracked
from tests.support.processes import BOT_TOKEN, Deployment

DEV_PAGES = DEV / "mentions.jsonl"
TWEET, TEAM_CHANNEL = "2122000000000000001", "C0NORTH0001"

pytestmark = pytest.mark.slow


def dev_tweet_ids(path: Path = DEV_PAGES) -> set[str]:
    pages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(tweet["id"]) for page in pages for tweet in page.get("data") or []}


def assert_cards_match_redis(slack: SlackSandbox, client: redis.Redis, tweet_ids: set[str]) -> None:
    """Every mention has exactly one card per channel in Slack, and Redis records exactly those cards."""
    cards = mention_cards(slack)
    assert cards and max(cards.values()) == 1
    assert {tweet for tweet, _ in cards} == tweet_ids
    store = RedisMentionStore(client, 30)
    for tweet_id in tweet_ids:
        record = store.get(tweet_id)
        assert record is not None
        shown = sorted(c.channel for c in record.cards if c.role.is_card)
        assert shown == sorted(ch for t, ch in cards if t == tweet_id)
        notices = [c.role for c in record.cards if not c.role.is_card]
        assert len(notices) == len(set(notices))  # an SLA notice is posted once, however many workers chase


def test_three_workers_at_once_post_one_card_per_mention_and_channel(
    deploy: Deployment, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, redis_client: redis.Redis
) -> None:
    x_sandbox.load_pages(DEV_PAGES)
    codes = deploy.run_all({f"worker-{n}": ["worker", "--once"] for n in range(3)})
    assert codes == {"worker-0": 0, "worker-1": 0, "worker-2": 0}
    assert_cards_match_redis(slack_sandbox, redis_client, dev_tweet_ids())
    posts = Counter(c.outcome for c in slack_sandbox.calls_to("chat.postMessage"))
    assert sum(mention_cards(slack_sandbox).values()) <= posts["ok"]
    assert_no_secrets(deploy.all_logs())


def test_concurrent_claims_across_two_web_processes_have_one_winner(
    deploy: Deployment, slack_sandbox: SlackSandbox, redis_client: redis.Redis
) -> None:
    ts = str(
        WebClient(token=BOT_TOKEN, base_url=slack_sandbox.url).chat_postMessage(channel=TEAM_CHANNEL, text="card")["ts"]
    )
    store = RedisMentionStore(redis_client, 30)
    assert store.record_new(tracked(TWEET, cards=(CardRef(channel=TEAM_CHANNEL, ts=ts),)))
    users = [f"U0RACE{n:05d}" for n in range(24)]
    slack_sandbox.set_members(TEAM_CHANNEL, users)  # all may claim: this is about one winner, not access
    with deploy.web() as first, deploy.web() as second:
        fronts = [SlackRequests(first), SlackRequests(second)]
        start = threading.Barrier(len(users))
        answers: list[int] = []

        def race(n: int, user: str) -> None:
            start.wait()
            answer = fronts[n % 2].block_action(
                MentionAction.CLAIM, TWEET, user_id=user, channel=TEAM_CHANNEL, message_ts=ts
            )
            answers.append(answer.status_code)

        threads = [threading.Thread(target=race, args=(n, u)) for n, u in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [200] * len(users)
        audit = AuditLog(redis_client)
        eventually(
            lambda: len([r for r in audit.entries(TWEET) if r["action"].startswith("mention.claimed")]) == len(users),
            timeout=15,
        )
        winners = [r["actor"] for r in audit.entries(TWEET) if r["action"] == "mention.claimed"]
        assert len(winners) == 1
        record = store.get(TWEET)
        assert record is not None and record.claimed_by == winners[0]

        def card() -> str:
            return json.dumps(next(m for m in slack_sandbox.messages(TEAM_CHANNEL) if m["ts"] == ts))

        eventually(lambda: f"Claimed by <@{winners[0]}>" in card(), timeout=10)
        assert sum(f"<@{u}>" in card() for u in users) == 1
    assert_no_secrets(deploy.all_logs())


def test_two_digest_runs_at_once_post_one_digest_per_channel(deploy: Deployment, slack_sandbox: SlackSandbox) -> None:
    codes = deploy.run_all(
        {"digest-a": ["digest", "--date", "2026-11-20"], "digest-b": ["digest", "--date", "2026-11-20"]}
    )
    assert 0 in codes.values() and set(codes.values()) <= {0, 1}
    digests = Counter(
        str(m["channel"])
        for m in slack_sandbox.messages()
        if (m.get("metadata") or {}).get("event_type") == MetadataType.DIGEST.value
    )
    assert digests and set(digests.values()) == {1}
