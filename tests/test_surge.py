"""Surge mode against real Redis and the Slack stand-in pacing each channel: priority cards once, the rest summed up."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from typing import Any

import pytest

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import OutboxEntry, OutboxKind, RedisOutbox
from bot.adapters.store import Keys
from bot.blocks.ids import MetadataType
from bot.blocks.mention_card import read_card_metadata
from bot.core.tracking import CardRole
from bot.sandbox import SlackSandbox, XSandbox
from bot.services import Services
from bot.web.metrics import REGISTRY
from bot.worker import Worker, build_worker
from config.desk import SurgeTable

RIVERSIDE = ("1400000000000000004", "MPRiverside", "C0RIVER0001")
URGENT = "@{username} man with a knife outside the shop right now {n}"
NEEDS_REPLY = "@{username} my car was broken into on Mill Lane last night {n}"
NO_REPLY = (
    "@{username} lovely sunny day at the park {n}",
    "@{username} thank you for the help yesterday, brilliant officers {n}",
    "@{username} you lot are useless pigs {n}",
)
LANES = {"emergency": 0, "crime_report": 1}


@pytest.fixture
def surge_worker(services: Services, slack_sandbox: SlackSandbox) -> Worker:
    """A worker pacing 4 posts/s per channel, in surge past 2 s of queue (9+ posts), summing up every 2 s."""
    slack_sandbox.pace_per_channel(0.2)
    desk = services.desk.model_copy(update={"surge": SurgeTable(backlog_seconds=2, summary_seconds=2)})
    return build_worker(dataclasses.replace(services, desk=desk), pace_ms=250)


def _add(x: XSandbox, text: str, count: int) -> list[str]:
    account_id, handle, _ = RIVERSIDE
    return x.add_mentions(account_id, handle, count=count, text=text)


def _mention_cards(slack: SlackSandbox, channel: str | None = None) -> list[dict[str, Any]]:
    return [m for m in slack.messages(channel) if read_card_metadata(m.get("metadata")) is not None]


def _summaries(slack: SlackSandbox) -> list[dict[str, Any]]:
    return [m for m in slack.messages() if (m.get("metadata") or {}).get("event_type") == MetadataType.SURGE_SUMMARY]


def _rolled_up(channel: str) -> float:
    return REGISTRY.get_sample_value("commsdesk_mentions_rolled_up_total", {"channel": channel}) or 0.0


def test_surge_keeps_priority_cards_and_sums_up_the_rest(
    surge_worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    quiet = [tid for n, text in enumerate(NO_REPLY) for tid in _add(x_sandbox, text, 10 + n)]
    waiting = _add(x_sandbox, NEEDS_REPLY, 10)
    urgent = _add(x_sandbox, URGENT, 3)
    rolled_before = _rolled_up(RIVERSIDE[2])
    surge_worker.run_once(drain_timeout=60)
    assert _rolled_up(RIVERSIDE[2]) - rolled_before == len(quiet)

    cards = _mention_cards(slack_sandbox)
    per_card = Counter((m["metadata"]["event_payload"]["tweet_id"], m["channel"]) for m in cards)
    assert max(per_card.values()) == 1
    carded = {tweet_id for tweet_id, _ in per_card}
    assert carded == set(waiting) | set(urgent)
    store = RedisMentionStore(services.redis, 30)
    lanes = []
    for card in _mention_cards(slack_sandbox, RIVERSIDE[2]):
        tracked = store.get(card["metadata"]["event_payload"]["tweet_id"])
        assert tracked is not None
        lanes.append(LANES[tracked.decision.category.value])
    assert lanes == sorted(lanes) and lanes.count(0) == 3 and lanes.count(1) == 10

    summaries = _summaries(slack_sandbox)
    assert summaries and {m["channel"] for m in summaries} == {RIVERSIDE[2]}
    assert len({m["metadata"]["event_payload"]["key"] for m in summaries}) == len(summaries)
    assert sum(m["metadata"]["event_payload"]["mentions"] for m in summaries) == len(quiet)
    summary_ts = {m["ts"] for m in summaries}
    for tweet_id in quiet:
        tracked = store.get(tweet_id)
        assert tracked is not None
        [ref] = tracked.cards
        assert ref.role == CardRole.SUMMARY and ref.channel == RIVERSIDE[2] and ref.ts in summary_ts
    for tweet_id in waiting + urgent:
        tracked = store.get(tweet_id)
        assert tracked is not None and tracked.cards and all(c.role != CardRole.SUMMARY for c in tracked.cards)
    text = json.dumps([m["text"] for m in summaries])
    assert "need no reply" in text and "/commsdesk status" in text and "<#C0RIVER0001>" in text
    if len(summaries) == 1:
        assert summaries[0]["text"].startswith("33 more mentions") and "12 abuse, 11 praise, 10 chatter" in text

    assert surge_worker.drainer.buffered == 0
    assert services.redis.zcard(Keys.surge_due()) == 0
    assert not services.redis.keys(Keys.surge_bucket(RIVERSIDE[2], 0).rsplit(":", 1)[0] + ":*")

    surge_worker.run_once(drain_timeout=5)
    assert len(_mention_cards(slack_sandbox)) == len(cards) and len(_summaries(slack_sandbox)) == len(summaries)


def test_below_the_threshold_every_mention_gets_its_own_card(
    surge_worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox
) -> None:
    quiet = _add(x_sandbox, NO_REPLY[0], 4) + _add(x_sandbox, NO_REPLY[1], 4)
    surge_worker.run_once(drain_timeout=30)
    assert sorted(m["metadata"]["event_payload"]["tweet_id"] for m in _mention_cards(slack_sandbox)) == sorted(quiet)
    assert _summaries(slack_sandbox) == []


def test_summary_lost_on_the_wire_is_reconciled_not_posted_twice(
    surge_worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    quiet = _add(x_sandbox, NO_REPLY[2], 12)
    slack_sandbox.reset_after_accept("chat.postMessage", times=1)
    surge_worker.run_once(drain_timeout=30)
    [summary] = _summaries(slack_sandbox)
    assert summary["metadata"]["event_payload"]["mentions"] == len(quiet)
    assert len(slack_sandbox.calls_to("conversations.history")) >= 1
    store = RedisMentionStore(services.redis, 30)
    assert all(ref.ts == summary["ts"] for t in store.get_many(quiet) for ref in t.cards)
    assert _mention_cards(slack_sandbox) == []


def test_summary_shows_hostile_examples_inert(
    surge_worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox
) -> None:
    _add(x_sandbox, "@{username} <!channel> <@U0BOSS001> <https://evil.example|police.uk> you are useless pigs {n}", 12)
    surge_worker.run_once(drain_timeout=30)
    [summary] = _summaries(slack_sandbox)
    rendered = json.dumps(summary["blocks"])
    for forbidden in ("<!channel>", "<@U0BOSS001>", "<https://evil.example|"):
        assert forbidden not in rendered


def test_entries_held_through_a_long_backlog_are_not_taken_over(services: Services) -> None:
    holder, other = (RedisOutbox(services.redis, name, reclaim_idle_ms=200) for name in ("holder", "other"))
    holder.ensure_groups()
    for n in range(3):
        holder.add(
            OutboxEntry(lane=1, channel=RIVERSIDE[2], kind=OutboxKind.MESSAGE, key=f"k{n}", payload={"text": "t"})
        )
    held = holder.read(count=10)
    time.sleep(0.3)
    holder.touch(held)
    assert other.reclaim() == []
    time.sleep(0.3)
    assert {e.ref for e in other.reclaim()} == {e.ref for e in held}


def _lines(summary: dict[str, Any]) -> dict[str, str]:
    """Map each listed mention's id to its line's text."""
    listed = [b for b in summary["blocks"] if str(b.get("block_id", "")).startswith("mention:")]
    return {b["block_id"].removeprefix("mention:"): b["elements"][0]["text"] for b in listed}


def test_a_reply_to_one_rolled_up_mention_redraws_only_its_line(
    surge_worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    quiet = _add(x_sandbox, NO_REPLY[1], 12)
    surge_worker.run_once(drain_timeout=30)
    [before] = _summaries(slack_sandbox)
    lines = _lines(before)
    assert len(lines) == 10 and all("brilliant officers" in line for line in lines.values())
    answered = sorted(lines)[3]
    x_sandbox.add_own_post(RIVERSIDE[0], "@citizen3 Thank you, we will pass it on", in_reply_to_tweet_id=answered)
    assert surge_worker.own_posts.poll() == 1

    [after] = _summaries(slack_sandbox)
    assert after["ts"] == before["ts"] and after["text"] == before["text"] and after["metadata"] == before["metadata"]
    assert _mention_cards(slack_sandbox) == []
    changed = _lines(after)
    assert "replied by @MPRiverside" in changed[answered] and "brilliant officers" in changed[answered]
    assert {k: v for k, v in changed.items() if k != answered} == {k: v for k, v in lines.items() if k != answered}
    assert [b for b in after["blocks"] if "mention:" not in str(b.get("block_id"))] == [
        b for b in before["blocks"] if "mention:" not in str(b.get("block_id"))
    ]
    tracked = RedisMentionStore(services.redis, 30).get(answered)
    assert tracked is not None and [c.role for c in tracked.cards] == [CardRole.SUMMARY] and set(quiet) >= set(lines)
