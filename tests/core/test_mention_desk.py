"""MentionDesk with in-memory fakes of its ports: audit of every outcome, card bookkeeping, Slack failures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.corrections import Correction, Label
from bot.core.errors import Conflict, Forbidden, InvalidInput, NotFound, UpstreamError
from bot.core.gatekeeper import Gatekeeper
from bot.core.mention_actions import Move
from bot.core.mention_desk import MentionDesk, MentionPolicy
from bot.core.tracking import CardRef, Change, TrackedMention
from bot.services import access_policy
from config.desk import load_desk
from tests.conftest import EXAMPLE_DESK
from tests.support.access import MemoryMembership
from tests.support.factories import T0, decision, tracked

TWEET = "2122000000000000001"
ALICE, BOB, OFFICER, OUTSIDER = "U0ALICE0001", "U0BOB000001", "U0NORTH0001", "U0OUTSIDE01"
TEAM_CHANNEL, DESK_CHANNEL = "C0NORTH0001", "C0DESK00001"
NOW = T0 + timedelta(minutes=5)
TEAM_CARD = CardRef(channel="C0NORTH0001", ts="1.1")


class MemoryMentions:
    def __init__(self, *records: TrackedMention) -> None:
        self.records = {r.mention.id: r for r in records}

    def get(self, tweet_id: str) -> TrackedMention | None:
        return self.records.get(tweet_id)

    def update(self, tweet_id: str, change: Change) -> TrackedMention:
        if tweet_id not in self.records:
            raise NotFound(f"mention {tweet_id} is not tracked")
        current = self.records[tweet_id]
        self.records[tweet_id] = change(current).model_copy(update={"version": current.version + 1})
        return self.records[tweet_id]


class RecordingCards:
    def __init__(self, fail_refresh: bool = False, fail_post: bool = False) -> None:
        self.refreshed: list[TrackedMention] = []
        self.posted: list[str] = []
        self.fail_refresh, self.fail_post = fail_refresh, fail_post

    def refresh(self, tracked: TrackedMention) -> None:
        self.refreshed.append(tracked)
        if self.fail_refresh:
            raise UpstreamError("Saved, but Slack did not redraw every card.")

    def post_escalation(self, tracked: TrackedMention) -> CardRef:
        if self.fail_post:
            raise UpstreamError("Slack refused the card")
        self.posted.append("control_room")
        return CardRef(channel="C0CTRL00001", ts="2.2", role="control_room")

    def post_team_card(self, tracked: TrackedMention) -> CardRef | None:
        self.posted.append(tracked.route)
        return None if tracked.route == "force" else CardRef(channel="C0ROADS0001", ts="3.3")


class MemoryCorrections(list[Correction]):
    def record(self, correction: Correction) -> None:
        self.append(correction)

    def between(self, start: datetime, end: datetime | None = None) -> list[Correction]:
        return [c for c in self if start <= c.at and (end is None or c.at < end)]


class AuditTrail(list[tuple[str, str, str, dict[str, str]]]):
    def __call__(self, actor: str, action: str, subject: str, **detail: str) -> None:
        self.append((actor, action, subject, detail))


# Access as the example desk decides it: ALICE and BOB are in the desk channel, OFFICER in Northtown's.
GATE = Gatekeeper(
    access_policy(load_desk(EXAMPLE_DESK)), MemoryMembership({DESK_CHANNEL: {ALICE, BOB}, TEAM_CHANNEL: {OFFICER}})
)


def make(
    cards: RecordingCards | None = None, record: TrackedMention | None = None
) -> tuple[MentionDesk, MemoryMentions, RecordingCards, AuditTrail]:
    desk, repo, publisher, audit, _ = make_learning(cards, record)
    return desk, repo, publisher, audit


def make_learning(
    cards: RecordingCards | None = None, record: TrackedMention | None = None
) -> tuple[MentionDesk, MemoryMentions, RecordingCards, AuditTrail, MemoryCorrections]:
    repo = MemoryMentions(record or tracked(TWEET, cards=(TEAM_CARD,)))
    publisher, audit, corrections = cards or RecordingCards(), AuditTrail(), MemoryCorrections()
    policy = MentionPolicy(claim_expiry=timedelta(minutes=30), team_keys=frozenset({"northtown", "roads", "force"}))
    desk = MentionDesk(repo, publisher, audit, policy, GATE, corrections, clock=lambda: NOW)
    return desk, repo, publisher, audit, corrections


def test_a_change_is_stored_audited_and_redrawn() -> None:
    desk, repo, cards, audit = make()
    claimed = desk.act(TWEET, Move.CLAIM, ALICE)
    assert repo.records[TWEET] == claimed and claimed.claim_until == NOW + timedelta(minutes=30)
    assert audit == [(ALICE, "mention.claimed", TWEET, {"state": "open", "route": "northtown"})]
    assert cards.refreshed == [claimed]


def test_a_refusal_is_audited_and_changes_and_redraws_nothing() -> None:
    desk, repo, cards, audit = make()
    desk.act(TWEET, Move.CLAIM, ALICE)
    before = repo.records[TWEET]
    with pytest.raises(Conflict):
        desk.act(TWEET, Move.CLAIM, BOB)
    assert repo.records[TWEET] == before and len(cards.refreshed) == 1
    assert audit[-1][:3] == (BOB, "mention.claimed.refused", TWEET) and ALICE in audit[-1][3]["why"]


def test_reassign_without_a_team_or_on_an_unknown_mention_is_refused_and_audited() -> None:
    desk, _, _, audit = make()
    with pytest.raises(InvalidInput):
        desk.act(TWEET, Move.REASSIGN, ALICE)
    with pytest.raises(NotFound):
        desk.act("999", Move.CLAIM, ALICE)
    assert [a[1] for a in audit] == ["mention.reassigned.refused", "mention.claimed.refused"]


def test_escalation_stores_the_control_room_card() -> None:
    desk, repo, cards, _ = make()
    escalated = desk.act(TWEET, Move.ESCALATE, ALICE)
    assert escalated.cards == (TEAM_CARD, CardRef(channel="C0CTRL00001", ts="2.2", role="control_room"))
    assert repo.records[TWEET] == escalated and cards.refreshed == [escalated]


def test_a_failed_escalation_is_undone_so_it_can_be_retried() -> None:
    desk, repo, _, audit = make(RecordingCards(fail_post=True))
    with pytest.raises(UpstreamError):
        desk.act(TWEET, Move.ESCALATE, ALICE)
    assert repo.records[TWEET].escalated_by == "" and audit[-1][1] == "mention.escalated.undone"


def test_reassign_adds_the_new_team_card_only_when_one_was_posted() -> None:
    desk, repo, cards, _ = make()
    assert desk.act(TWEET, Move.REASSIGN, ALICE, team="roads").cards[-1] == CardRef(channel="C0ROADS0001", ts="3.3")
    assert desk.act(TWEET, Move.REASSIGN, ALICE, team="force").cards[-1] == CardRef(channel="C0ROADS0001", ts="3.3")
    assert cards.posted == ["roads", "force"] and repo.records[TWEET].route == "force"


def test_a_failed_redraw_is_reported_after_the_change_is_saved() -> None:
    desk, repo, _, _ = make(RecordingCards(fail_refresh=True))
    with pytest.raises(UpstreamError, match="Saved"):
        desk.act(TWEET, Move.NO_REPLY_NEEDED, ALICE)
    assert repo.records[TWEET].handled_by == ALICE


def possible_emergency() -> TrackedMention:
    calm = tracked(TWEET, cards=(TEAM_CARD,))
    decision = calm.decision.model_copy(
        update={
            "urgent": True,
            "possible": True,
            "urgency": 0.31,
            "route": "control_room",
            "route_if_not_urgent": "northtown",
        }
    )
    return calm.model_copy(update={"decision": decision, "route": "control_room", "sla_due": T0})


def test_confirm_urgent_settles_the_band_and_is_learned() -> None:
    desk, repo, _, audit, corrections = make_learning(record=possible_emergency())
    settled = desk.act(TWEET, Move.CONFIRM_URGENT, ALICE)
    assert settled.decision.urgent and not settled.decision.possible and settled.route == "control_room"
    assert audit[-1][1] == "mention.confirmed_urgent"
    assert [(c.label, c.model, c.desk, c.urgency) for c in corrections] == [(Label.URGENT, "possible", "true", 0.31)]
    with pytest.raises(Conflict):
        desk.act(TWEET, Move.CONFIRM_URGENT, BOB)


def test_not_urgent_sends_it_to_its_team_with_the_reply_sla_and_is_learned() -> None:
    desk, repo, cards, _, corrections = make_learning(record=possible_emergency())
    calm = desk.act(TWEET, Move.NOT_URGENT, ALICE)
    assert (calm.decision.urgent, calm.decision.possible, calm.route) == (False, False, "northtown")
    assert calm.sla_due == calm.mention.created_at + timedelta(hours=1) and cards.posted == ["northtown"]
    assert [(c.label, c.model, c.desk) for c in corrections] == [(Label.URGENT, "possible", "false")]


def test_each_correcting_move_is_a_labelled_example_and_agreeing_moves_are_not() -> None:
    desk, _, _, _, corrections = make_learning()
    desk.act(TWEET, Move.RECATEGORISE, ALICE, team="information")
    desk.act(TWEET, Move.REASSIGN, ALICE, team="roads")
    desk.act(TWEET, Move.ESCALATE, ALICE)
    desk.act(TWEET, Move.NO_REPLY_NEEDED, ALICE)
    desk.act(TWEET, Move.REOPEN, ALICE)
    assert [(c.label, c.model, c.desk) for c in corrections] == [
        (Label.CATEGORY, "crime_report", "information"),
        (Label.ROUTE, "northtown", "roads"),
        (Label.URGENT, "false", "true"),
        (Label.NEEDS_REPLY, "true", "false"),
    ]
    assert all(c.actor == ALICE and c.at == NOW and c.tweet_id == TWEET for c in corrections)


def test_recategorise_refuses_an_unknown_or_unchanged_category() -> None:
    desk, repo, _, _, corrections = make_learning()
    for category in ("crime_report", "<!here>"):
        with pytest.raises(Conflict):
            desk.act(TWEET, Move.RECATEGORISE, ALICE, team=category)
    assert repo.records[TWEET].decision.category.value == "crime_report" and corrections == []


def test_an_outsiders_click_is_refused_audited_and_changes_nothing() -> None:
    desk, repo, cards, audit = make()
    before = repo.records[TWEET]
    with pytest.raises(Forbidden, match="Only Northtown Neighbourhood Team"):
        desk.act(TWEET, Move.NO_REPLY_NEEDED, OUTSIDER, channel=TEAM_CHANNEL)
    assert repo.records[TWEET] == before and cards.refreshed == [] and cards.posted == []
    actor, action, subject, detail = audit[-1]
    assert (actor, action, subject) == (OUTSIDER, "mention.no_reply_needed.refused", TWEET)
    assert detail["refused"] == "forbidden" and detail["channel"] == TEAM_CHANNEL and "Only" in detail["why"]


def test_a_team_member_may_claim_but_not_close_an_urgent_mention() -> None:
    urgent = tracked(TWEET, cards=(TEAM_CARD,), decision=decision(urgent=True, route="control_room"))
    desk, repo, _, audit = make(record=urgent.model_copy(update={"route": "control_room"}))
    with pytest.raises(Forbidden, match="This mention is urgent: only the control room .* or the desk"):
        desk.act(TWEET, Move.NO_REPLY_NEEDED, OFFICER, channel=TEAM_CHANNEL)
    assert repo.records[TWEET].is_open and audit[-1][1] == "mention.no_reply_needed.refused"
    assert desk.act(TWEET, Move.CLAIM, OFFICER, channel=TEAM_CHANNEL).claimed_by == OFFICER
    desk.act(TWEET, Move.RELEASE, OFFICER, channel=TEAM_CHANNEL)
    assert desk.act(TWEET, Move.NO_REPLY_NEEDED, ALICE, channel=TEAM_CHANNEL).state.value == "closed"
