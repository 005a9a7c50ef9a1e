"""Mention card buttons end to end: signed HTTP into the real app, the Slack sandbox and a real Redis."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import AuditLog
from bot.blocks.ids import MentionAction, MetadataType
from bot.core.tracking import CardRef, MentionState, TrackedMention
from bot.sandbox import SlackSandbox
from bot.sandbox.signed import SlackRequests, eventually
from bot.services import Services
from tests.support.factories import tracked

TWEET = "2122000000000000001"
TEAM_CHANNEL, ROADS_CHANNEL, CONTROL_ROOM = "C0NORTH0001", "C0ROADS0001", "C0CTRL00001"
ALICE, BOB = "U0ALICE0001", "U0BOB000001"
RACERS = [f"U0RACE{n:05d}" for n in range(12)]


@pytest.fixture
def store(services: Services) -> RedisMentionStore:
    return RedisMentionStore(services.redis, services.desk.retention.mention_days)


@pytest.fixture(autouse=True)
def team_members(slack_sandbox: SlackSandbox) -> None:
    """Make the clickers of these tests members of the team channel (access itself is tested in test_access_flow)."""
    slack_sandbox.set_members(TEAM_CHANNEL, [ALICE, BOB, *RACERS])


@pytest.fixture
def card_ts(services: Services, store: RedisMentionStore) -> str:
    """Post a card in the team channel and track the mention with it, as the outbox would."""
    ts = str(services.slack.chat_postMessage(channel=TEAM_CHANNEL, text="card")["ts"])
    assert store.record_new(tracked(TWEET, cards=(CardRef(channel=TEAM_CHANNEL, ts=ts),)))
    return ts


def click(slack: SlackRequests, action: MentionAction, ts: str, user: str = ALICE, option: str | None = None) -> None:
    value = "" if option is not None else TWEET
    selected = f"{TWEET}:{option}" if option is not None else None
    answer = slack.block_action(
        action, value, user_id=user, channel=TEAM_CHANNEL, message_ts=ts, selected_option=selected
    )
    assert answer.status_code == 200


def audited(services: Services, action: str, count: int = 1) -> list[dict[str, str]]:
    def found() -> list[dict[str, str]]:
        rows = [r for r in AuditLog(services.redis).entries(TWEET) if r["action"] == action]
        return rows if len(rows) >= count else []

    return list(eventually(found))


def team_card(sandbox: SlackSandbox, ts: str) -> str:
    return json.dumps(next(m for m in sandbox.messages(TEAM_CHANNEL) if m["ts"] == ts))


def stored(store: RedisMentionStore) -> TrackedMention:
    record = store.get(TWEET)
    assert record is not None
    return record


def test_claim_updates_the_card_with_the_claimant(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    click(live_app, MentionAction.CLAIM, card_ts)
    assert audited(services, "mention.claimed")[0]["actor"] == ALICE
    assert stored(store).claimed_by == ALICE
    eventually(lambda: f"Claimed by <@{ALICE}>" in team_card(slack_sandbox, card_ts))
    assert MentionAction.RELEASE in team_card(slack_sandbox, card_ts)


def test_second_claim_is_refused_privately_and_changes_nothing(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    click(live_app, MentionAction.CLAIM, card_ts)
    audited(services, "mention.claimed")
    before = stored(store)
    click(live_app, MentionAction.CLAIM, card_ts, user=BOB)
    refusal = audited(services, "mention.claimed.refused")[0]
    assert refusal["actor"] == BOB and f"<@{ALICE}>" in refusal["detail"]
    notice = eventually(lambda: [e for e in slack_sandbox.ephemerals(TEAM_CHANNEL) if e["user"] == BOB])[0]
    assert notice["text"] == f"Already claimed by <@{ALICE}>."
    assert stored(store) == before


def test_claim_race_has_one_winner_in_redis_and_on_the_card(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    users = RACERS
    start = threading.Barrier(len(users))

    def race(user: str) -> None:
        start.wait()
        click(live_app, MentionAction.CLAIM, card_ts, user=user)

    threads = [threading.Thread(target=race, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = audited(services, "mention.claimed")
    audited(services, "mention.claimed.refused", count=len(users) - 1)
    assert len(winners) == 1
    winner = winners[0]["actor"]
    assert stored(store).claimed_by == winner
    eventually(lambda: len(slack_sandbox.ephemerals(TEAM_CHANNEL)) == len(users) - 1)
    card = team_card(slack_sandbox, card_ts)
    assert f"Claimed by <@{winner}>" in card and sum(f"<@{u}>" in card for u in users) == 1


def test_release_then_mark_replied_then_reopen(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    click(live_app, MentionAction.CLAIM, card_ts)
    audited(services, "mention.claimed")
    click(live_app, MentionAction.RELEASE, card_ts)
    assert audited(services, "mention.released")[0]["actor"] == ALICE
    assert stored(store).claimed_by == ""
    eventually(lambda: "Unclaimed" in team_card(slack_sandbox, card_ts))
    click(live_app, MentionAction.MARK_REPLIED, card_ts, user=BOB)
    assert audited(services, "mention.marked_replied")[0]["actor"] == BOB
    assert (stored(store).state, stored(store).handled_by) == (MentionState.REPLIED, BOB)
    eventually(lambda: f"marked by <@{BOB}>" in team_card(slack_sandbox, card_ts))
    click(live_app, MentionAction.REOPEN, card_ts)
    assert audited(services, "mention.reopened")[0]["actor"] == ALICE
    assert stored(store).state is MentionState.OPEN and stored(store).handled_by == ""
    eventually(lambda: MentionAction.CLAIM in team_card(slack_sandbox, card_ts))


def test_no_reply_needed_closes_the_mention(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    click(live_app, MentionAction.NO_REPLY_NEEDED, card_ts)
    assert audited(services, "mention.no_reply_needed")[0]["actor"] == ALICE
    assert stored(store).state is MentionState.CLOSED
    assert TWEET not in store.open_ids()
    eventually(lambda: "Closed, no reply needed" in team_card(slack_sandbox, card_ts))


def test_reassign_moves_the_route_and_posts_to_the_new_team(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    click(live_app, MentionAction.REASSIGN, card_ts, option="roads")
    entry = audited(services, "mention.reassigned")[0]
    assert entry["actor"] == ALICE and json.loads(entry["detail"])["team"] == "roads"
    eventually(lambda: len(stored(store).cards) == 2)
    record = stored(store)
    assert (record.route, record.team) == ("roads", "roads")
    eventually(lambda: "Roads Policing Unit" in team_card(slack_sandbox, card_ts))
    roads = slack_sandbox.messages(ROADS_CHANNEL)
    assert len(roads) == 1 and roads[0]["metadata"]["event_payload"] == {"tweet_id": TWEET, "route": "roads"}
    assert record.cards[1] == CardRef(channel=ROADS_CHANNEL, ts=roads[0]["ts"], role="team")


def test_escalate_posts_a_control_room_card_once(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services, store: RedisMentionStore, card_ts: str
) -> None:
    click(live_app, MentionAction.ESCALATE, card_ts)
    assert audited(services, "mention.escalated")[0]["actor"] == ALICE
    posted: list[dict[str, Any]] = eventually(lambda: slack_sandbox.messages(CONTROL_ROOM))
    assert posted[0]["metadata"] == {
        "event_type": MetadataType.MENTION,
        "event_payload": {"tweet_id": TWEET, "route": "control_room"},
    }
    assert posted[0]["unfurl_links"] is False and posted[0]["unfurl_media"] is False
    assert "call 999" in json.dumps(posted[0])
    eventually(lambda: any(c.role == "control_room" for c in stored(store).cards))
    eventually(lambda: f"control room by <@{ALICE}>" in team_card(slack_sandbox, card_ts))
    click(live_app, MentionAction.ESCALATE, card_ts, user=BOB)
    audited(services, "mention.escalated.refused")
    assert len(slack_sandbox.messages(CONTROL_ROOM)) == 1


def test_reply_on_x_link_is_acknowledged_without_changing_anything(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, store: RedisMentionStore, card_ts: str
) -> None:
    before = stored(store)
    click(live_app, MentionAction.REPLY_ON_X, card_ts)
    assert stored(store) == before and slack_sandbox.calls_to("chat.update") == []


def test_click_on_an_untracked_mention_is_explained(
    live_app: SlackRequests, slack_sandbox: SlackSandbox, services: Services
) -> None:
    click(live_app, MentionAction.CLAIM, "1700000000.000100")
    notice = eventually(lambda: slack_sandbox.ephemerals(TEAM_CHANNEL))[0]
    assert "not tracked" in notice["text"] and notice["user"] == ALICE
