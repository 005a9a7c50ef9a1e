"""Mentions from the X stand-in reach the right Slack channels once, urgent first, through real clients."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import Keys
from bot.blocks.mention_card import read_card_metadata
from bot.core.tracking import CardRole, MentionState
from bot.sandbox import SlackSandbox, XSandbox
from bot.services import Services
from bot.worker import Worker, build_worker
from tests.conftest import DEV

DEV_PAGES = DEV / "mentions.jsonl"
BIKE_THEFT = (
    "@{username} my bike was nicked from outside my flat on Canal Street last night, the lock was cut clean "
    "through. Can someone ring me about it?"
)
GOLD = {row["id"]: row for row in map(json.loads, (DEV / "labels.jsonl").read_text().splitlines())}


@pytest.fixture
def worker(services: Services) -> Worker:
    return build_worker(services, pace_ms=5)


def _cards(slack: SlackSandbox) -> list[dict[str, object]]:
    return [m for m in slack.messages() if read_card_metadata(m.get("metadata")) is not None]


def test_dev_set_relayed_once_to_the_right_channels(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    x_sandbox.load_pages(DEV_PAGES)
    worker.run_once()
    cards = _cards(slack_sandbox)
    per_tweet = Counter((m["metadata"]["event_payload"]["tweet_id"], m["channel"]) for m in cards)  # type: ignore[index]
    assert per_tweet and max(per_tweet.values()) == 1
    store = RedisMentionStore(services.redis, 30)
    tweets = {t for t, _ in per_tweet}
    assert tweets == set(GOLD)
    for tweet_id in tweets:
        tracked = store.get(tweet_id)
        assert tracked is not None
        channel = services.desk.channel_for(tracked.route)
        assert (tweet_id, channel) in per_tweet
        assert {c.channel for c in tracked.cards if c.role.is_card} == {ch for t, ch in per_tweet if t == tweet_id}
    for post in slack_sandbox.calls_to("chat.postMessage"):
        assert post.params.get("unfurl_links") in (False, "false", "0", 0)

    worker.run_once()
    assert len(_cards(slack_sandbox)) == len(cards)


def test_each_channel_gets_urgent_cards_first(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    x_sandbox.load_pages(DEV_PAGES)
    worker.run_once()
    store = RedisMentionStore(services.redis, 30)
    by_channel: dict[str, list[int]] = {}
    for card in _cards(slack_sandbox):
        tracked = store.get(card["metadata"]["event_payload"]["tweet_id"])  # type: ignore[index]
        assert tracked is not None
        lane = 0 if tracked.decision.urgent else 1 if tracked.decision.needs_reply else 2
        by_channel.setdefault(str(card["channel"]), []).append(lane)
    late_urgent = {ch: lanes for ch, lanes in by_channel.items() if any(lanes[: lanes.count(0)])}
    assert late_urgent == {}
    decided_urgent = [t for t in map(store.get, GOLD) if t is not None and t.decision.urgent]
    assert len(decided_urgent) >= sum(g["urgent"] for g in GOLD.values())  # the safety band errs towards urgent
    for tracked in decided_urgent:
        roles = {c.role for c in tracked.cards}
        assert "control_room" in roles
        assert ("team" in roles) == (tracked.team != "desk")


def test_slack_429_storm_delivers_every_card_once(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox
) -> None:
    x_sandbox.load_pages(DEV_PAGES)
    slack_sandbox.fail_next("chat.postMessage", status=429, retry_after=1, times=15)
    slack_sandbox.fail_next("chat.postMessage", status=503, retry_after=None, times=3)
    worker.run_once()
    payloads = [m["metadata"]["event_payload"] for m in _cards(slack_sandbox)]  # type: ignore[index]
    per_tweet = Counter(json.dumps(p, sort_keys=True) for p in payloads)
    assert len({json.loads(k)["tweet_id"] for k in per_tweet}) == len(GOLD)
    assert max(per_tweet.values()) == 1


def test_connection_reset_after_accept_is_reconciled_not_reposted(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox
) -> None:
    x_sandbox.add_mentions(
        "1400000000000000003",
        "MPNorthtown",
        count=3,
        text="@{username} my shed on Canal Street was broken into last night {n}",
    )
    slack_sandbox.reset_after_accept("chat.postMessage", times=2)
    worker.run_once()
    cards = _cards(slack_sandbox)
    assert len(cards) == 3
    assert len(slack_sandbox.calls_to("conversations.history")) >= 2


def test_hostile_text_is_inert_and_triaged_on_its_meaning(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    hostile = (
        "@{username} <!channel> <@U0BOSS001> <https://evil.example|police.uk> "
        "man with a kn\u200bife chasing a lad on Mill Lane right n\u202eow call ９９９"
    )
    [tweet_id] = x_sandbox.add_mentions("1400000000000000004", "MPRiverside", text=hostile)
    worker.run_once()
    tracked = RedisMentionStore(services.redis, 30).get(tweet_id)
    assert tracked is not None and tracked.decision.urgent and tracked.route == "control_room"
    for message in _cards(slack_sandbox):
        rendered = json.dumps({"text": message.get("text"), "blocks": message.get("blocks")})
        for forbidden in ("<!channel>", "<@U0BOSS001>", "<https://evil.example|", "\u202e"):
            assert forbidden not in rendered


def test_reply_on_x_closes_the_mention_with_its_response_time(
    worker: Worker, x_sandbox: XSandbox, services: Services
) -> None:
    [tweet_id] = x_sandbox.add_mentions(
        "1400000000000000005", "MPOldfield", text="@{username} is Oldfield station open?"
    )
    worker.run_once()
    x_sandbox.add_own_post("1400000000000000005", "@citizen0 Yes, 8am to 6pm.", in_reply_to_tweet_id=tweet_id)
    assert worker.own_posts.poll() == 1
    tracked = RedisMentionStore(services.redis, 30).get(tweet_id)
    assert tracked is not None and tracked.state is MentionState.REPLIED and tracked.replied_by == "MPOldfield"
    assert tracked.response_time is not None and tracked.response_time.total_seconds() >= 0
    assert worker.own_posts.poll() == 0


def test_sla_breach_reminds_once_in_thread_and_escalates_to_desk(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    [tweet_id] = x_sandbox.add_mentions(
        "1400000000000000003",
        "MPNorthtown",
        text=BIKE_THEFT,
    )
    worker.run_once()
    later = datetime.now(UTC) + timedelta(minutes=services.desk.triage.reply_sla_minutes + 1)
    assert worker.sla.chase(later) == 1
    assert worker.sla.chase(later) == 0
    worker.drainer.drain(10)
    team_card = next(m for m in _cards(slack_sandbox) if m["channel"] == "C0NORTH0001")
    threaded = [
        m
        for m in slack_sandbox.messages("C0NORTH0001")
        if m.get("thread_ts") == team_card["ts"] and m["ts"] != team_card["ts"]
    ]
    assert len(threaded) == 1
    desk_messages = [m for m in slack_sandbox.messages(services.desk.desk.channel) if "Overdue" in json.dumps(m)]
    assert len(desk_messages) == 1
    assert services.redis.exists(Keys.sent(f"sla:{tweet_id}"))


def _thread(slack: SlackSandbox, channel: str, parent: str) -> list[dict[str, object]]:
    return [m for m in slack.messages(channel) if m.get("thread_ts") == parent and m["ts"] != parent]


def test_urgent_realert_is_a_broadcast_reply_under_the_one_card_saying_the_real_wait(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    knife = "@{username} man with a knife outside the shop right now"
    [tweet_id] = x_sandbox.add_mentions("1400000000000000004", "MPRiverside", text=knife)
    worker.run_once()
    control = services.desk.desk.control_room_channel
    [card] = [m for m in _cards(slack_sandbox) if m["channel"] == control]
    urgent_sla = services.desk.triage.urgent_sla_minutes
    card_up = datetime.fromtimestamp(float(str(card["ts"])), UTC)
    assert worker.sla.chase(card_up + timedelta(minutes=urgent_sla - 1)) == 0  # the card has not waited yet
    later = card_up + timedelta(minutes=urgent_sla + 4)
    assert worker.sla.chase(later) == 1
    worker.drainer.drain(10)

    assert [m["ts"] for m in _cards(slack_sandbox) if m["channel"] == control] == [card["ts"]]
    [realert] = _thread(slack_sandbox, control, str(card["ts"]))
    assert realert["subtype"] == "thread_broadcast"
    assert realert in slack_sandbox.messages(control)
    expected = {"tweet_id": tweet_id, "route": "control_room", "role": "realert"}
    assert realert["metadata"] == {"event_type": "commsdesk_mention", "event_payload": expected}
    shown = json.dumps(realert)
    assert f"Still not acknowledged {urgent_sla + 4} min after the card went up" in shown
    assert " 0 min" not in shown and "knife" not in shown and "actions" not in shown
    tracked = RedisMentionStore(services.redis, 30).get(tweet_id)
    assert tracked is not None
    assert [c.role for c in tracked.cards if c.channel == control] == [CardRole.CONTROL_ROOM, CardRole.REALERT]

    x_sandbox.delete(tweet_id)
    worker.retention.check_deleted()
    for message in (*_thread(slack_sandbox, control, str(card["ts"])), *_cards(slack_sandbox)):
        assert message["text"] == "Mention removed" and "knife" not in json.dumps(message)


def test_desk_escalation_points_at_the_team_card_instead_of_copying_it(
    worker: Worker, x_sandbox: XSandbox, slack_sandbox: SlackSandbox, services: Services
) -> None:
    bike = BIKE_THEFT
    [tweet_id] = x_sandbox.add_mentions("1400000000000000003", "MPNorthtown", text=bike)
    worker.run_once()
    later = datetime.now(UTC) + timedelta(minutes=services.desk.triage.reply_sla_minutes + 1)
    assert worker.sla.chase(later) == 1
    worker.drainer.drain(10)
    [card] = _cards(slack_sandbox)
    desk_channel = services.desk.desk.channel
    [notice] = [m for m in slack_sandbox.messages(desk_channel) if "Overdue" in json.dumps(m)]
    shown = json.dumps(notice)
    assert "bike" not in shown and "actions" not in shown
    assert f"/archives/{card['channel']}/p{str(card['ts']).replace('.', '')}|Open its card>" in shown
    expected = {"tweet_id": tweet_id, "route": "northtown", "role": "escalation"}
    assert notice["metadata"] == {"event_type": "commsdesk_mention", "event_payload": expected}
    tracked = RedisMentionStore(services.redis, 30).get(tweet_id)
    assert tracked is not None and [c.role for c in tracked.cards] == [CardRole.TEAM, CardRole.ESCALATION]

    x_sandbox.delete(tweet_id)
    worker.retention.check_deleted()
    [notice] = [m for m in slack_sandbox.messages(desk_channel) if m["ts"] == notice["ts"]]
    assert notice["text"] == "Mention removed"
