"""The Reply use case on its own: who may send from which account, when approval is needed, who may approve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.access import AccessPolicy, Place
from bot.core.errors import Conflict, Forbidden, InvalidInput
from bot.core.gatekeeper import Gatekeeper
from bot.core.models import CONTROL_ROOM, DESK, Platform
from bot.core.replies.desk import Next, ReplyAccount, ReplyDesk, ReplyPolicy
from bot.core.replies.intents import IntentState, ReplyIntent
from bot.core.replies.saved import DEFAULT_REPLIES
from bot.core.tracking import TrackedMention
from tests.support.access import MemoryMembership
from tests.support.factories import T0, mention, tracked

TWEET = "2122000000000000001"
TEAM, DESK_CHANNEL = "C0NORTH0001", "C0DESK00001"
ALICE, BOB, CAROL = "U0ALICE0001", "U0BOB000001", "U0CAROL0001"  # team; desk; desk
SAFE = "@nina_rowe Please report it at police.uk or call 101."
FLAGGED = "@nina_rowe It was Mr Jones at 34 Canal Street."


class MemoryBook:
    """ReplyBook in memory, with the same refusal as the Redis one."""

    def __init__(self) -> None:
        self.intents: dict[str, ReplyIntent] = {}

    def get(self, tweet_id: str) -> ReplyIntent | None:
        return self.intents.get(tweet_id)

    def start(self, intent: ReplyIntent) -> None:
        current = self.intents.get(intent.tweet_id)
        if current is not None and current.state.live:
            raise Conflict("live")
        self.intents[intent.tweet_id] = intent

    def update(self, tweet_id: str, change: Callable[[ReplyIntent], ReplyIntent]) -> ReplyIntent:
        self.intents[tweet_id] = change(self.intents[tweet_id])
        return self.intents[tweet_id]


class MemoryMentions:
    def __init__(self, *records: TrackedMention) -> None:
        self.records = {r.mention.id: r for r in records}

    def get(self, tweet_id: str) -> TrackedMention | None:
        return self.records.get(tweet_id)


X_ACCOUNTS = (ReplyAccount("MPNorthtown", "3", "northtown"), ReplyAccount("MidshirePolice", "1", "force"))
NORTH_IG = ReplyAccount("northtown.police", "17841400000000003", "northtown", Platform.INSTAGRAM)
HQ_PAGE = ReplyAccount("Midshire Police", "1500000000000001", "force", Platform.FACEBOOK)


def build(
    record: TrackedMention | None = None,
    accounts: tuple[ReplyAccount, ...] = X_ACCOUNTS,
    linked: frozenset[str] = frozenset({"MPNorthtown", "MidshirePolice"}),
    **policy: bool,
) -> tuple[ReplyDesk, MemoryBook, list[str]]:
    places = {
        DESK: Place(DESK_CHANNEL, "the desk"),
        CONTROL_ROOM: Place("C0CTRL00001", "the control room"),
        "northtown": Place(TEAM, "Northtown"),
        "force": Place("C0FORCE0001", "Force HQ"),
    }
    gate = Gatekeeper(AccessPolicy(places), MemoryMembership({TEAM: [ALICE], DESK_CHANNEL: [BOB, CAROL]}))
    rules = ReplyPolicy(accounts, DEFAULT_REPLIES, {"northtown": "Northtown", "force": "Force HQ"}, DESK_CHANNEL)
    audited: list[str] = []
    book = MemoryBook()
    desk = ReplyDesk(
        MemoryMentions(record or tracked(TWEET)),
        book,
        gate,
        replace(rules, **policy),
        lambda: linked,
        lambda actor, action, subject, **detail: audited.append(f"{actor} {action}"),
        lambda: T0 + timedelta(minutes=5),
    )
    return desk, book, audited


def test_a_team_member_uses_the_teams_account_and_a_desk_member_any() -> None:
    desk, _, _ = build()
    assert [a.handle for a in desk.compose(TWEET, ALICE, TEAM).accounts] == ["MPNorthtown"]
    assert [a.handle for a in desk.compose(TWEET, BOB, TEAM).accounts] == ["MPNorthtown", "MidshirePolice"]
    with pytest.raises(InvalidInput):
        desk.submit(TWEET, ALICE, TEAM, SAFE, "MidshirePolice")


def test_outside_the_desk_needs_approval_where_configured_and_the_desk_does_not() -> None:
    desk, book, _ = build(approval_outside_desk=True)
    assert desk.submit(TWEET, ALICE, TEAM, SAFE, "MPNorthtown").next is Next.APPROVAL
    assert book.intents[TWEET].state is IntentState.AWAITING_APPROVAL
    other, _, _ = build(approval_outside_desk=True)
    assert other.submit(TWEET, BOB, TEAM, SAFE, "MPNorthtown").next is Next.QUEUED


def test_only_another_desk_member_approves_and_a_decided_draft_stays_decided() -> None:
    desk, _, audited = build(approval_when_flagged=True)
    intent = desk.submit(TWEET, BOB, TEAM, FLAGGED, "MPNorthtown").intent
    assert intent is not None and intent.state is IntentState.AWAITING_APPROVAL
    with pytest.raises(Forbidden, match="Only members of the desk"):
        desk.approve(TWEET, intent.id, ALICE)
    with pytest.raises(Forbidden, match="Someone else on the desk"):
        desk.approve(TWEET, intent.id, BOB)
    assert desk.approve(TWEET, intent.id, CAROL).state is IntentState.QUEUED
    with pytest.raises(Conflict, match="already been decided"):
        desk.reject(TWEET, intent.id, CAROL)
    assert f"{ALICE} mention.reply.approve.refused" in audited and f"{CAROL} mention.reply.approved" in audited


def test_a_second_reply_waits_for_the_first_and_a_foreign_claim_keeps_hands_off() -> None:
    desk, _, _ = build()
    desk.submit(TWEET, ALICE, TEAM, SAFE, "MPNorthtown")
    with pytest.raises(Conflict, match="already on its way"):
        desk.compose(TWEET, BOB, TEAM)
    claimed, _, _ = build(tracked(TWEET, claimed_by=CAROL, claim_until=T0 + timedelta(hours=1)))
    with pytest.raises(Conflict, match="claimed this mention"):
        claimed.compose(TWEET, ALICE, TEAM)


def test_a_flagged_draft_asks_once_per_draft() -> None:
    desk, book, _ = build()
    asked = desk.submit(TWEET, ALICE, TEAM, FLAGGED, "MPNorthtown")
    assert asked.next is Next.CONFIRM and TWEET not in book.intents
    changed = desk.submit(TWEET, ALICE, TEAM, FLAGGED + " 07700 900123", "MPNorthtown", confirmed=asked.fingerprint)
    assert changed.next is Next.CONFIRM
    assert desk.submit(TWEET, ALICE, TEAM, FLAGGED, "MPNorthtown", confirmed=asked.fingerprint).next is Next.QUEUED


def test_a_meta_comment_is_answered_only_as_the_account_it_was_made_on_within_its_limit() -> None:
    comment_id = "ig-17900000000000001"
    made_on = {"platform": Platform.INSTAGRAM, "account_id": NORTH_IG.id, "mentioned": ()}
    record = tracked(comment_id, mention=mention(comment_id).model_copy(update=made_on))
    every = (*X_ACCOUNTS, NORTH_IG, HQ_PAGE)
    keys = frozenset({"MPNorthtown", "MidshirePolice", "instagram:17841400000000003", "facebook:1500000000000001"})
    desk, book, _ = build(record, every, keys)
    assert desk.compose(comment_id, BOB, DESK_CHANNEL).accounts == (NORTH_IG,)  # even for the desk
    assert desk.review(comment_id, BOB, DESK_CHANNEL, "a" * 300, NORTH_IG.handle).budget.limit == 2200
    with pytest.raises(InvalidInput):
        desk.submit(comment_id, BOB, DESK_CHANNEL, SAFE, "MPNorthtown")
    with pytest.raises(InvalidInput, match="Too long for Instagram"):
        desk.submit(comment_id, BOB, DESK_CHANNEL, "a" * 2201, NORTH_IG.handle)
    assert desk.submit(comment_id, BOB, DESK_CHANNEL, "a" * 300, NORTH_IG.handle).next is Next.QUEUED
    assert book.intents[comment_id].account_id == NORTH_IG.id and book.intents[comment_id].sender == NORTH_IG.handle
    unlinked, _, _ = build(record, every, keys - {"instagram:17841400000000003"})
    with pytest.raises(Conflict, match="commsdesk meta link"):
        unlinked.compose(comment_id, BOB, DESK_CHANNEL)
