"""Every card transition and every refusal, with claim expiry, as pure functions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import mention_actions as moves
from bot.core.errors import Conflict, Forbidden
from bot.core.tracking import CardRef, MentionState
from tests.support.factories import T0, tracked

ALICE, BOB = "U0ALICE0001", "U0BOB000001"
EXPIRY = timedelta(minutes=30)
NOW = T0 + timedelta(minutes=5)
TEAMS = {"force", "roads", "northtown", "riverside", "oldfield"}


def test_claim_takes_an_unclaimed_mention_for_the_expiry() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    assert claimed.claimed_by == ALICE and claimed.claim_until == NOW + EXPIRY
    assert claimed.claimant(NOW) == ALICE


def test_claim_by_someone_else_is_refused_while_the_claim_lives() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    with pytest.raises(Conflict, match=f"Already claimed by <@{ALICE}>"):
        moves.claim(claimed, BOB, NOW + timedelta(minutes=29), EXPIRY)


def test_claim_by_the_holder_extends_it() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    later = NOW + timedelta(minutes=20)
    assert moves.claim(claimed, ALICE, later, EXPIRY).claim_until == later + EXPIRY


def test_an_expired_claim_can_be_taken() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    after = NOW + EXPIRY + timedelta(seconds=1)
    taken = moves.claim(claimed, BOB, after, EXPIRY)
    assert taken.claimant(after) == BOB


def test_claim_is_refused_on_replied_closed_and_redacted_mentions() -> None:
    for state, words in [
        (MentionState.REPLIED, "replied"),
        (MentionState.CLOSED, "closed"),
        (MentionState.REDACTED, "removed"),
    ]:
        with pytest.raises(Conflict, match=words):
            moves.claim(tracked(state=state), ALICE, NOW, EXPIRY)


def test_release_only_by_the_holder() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    with pytest.raises(Forbidden, match=f"Only <@{ALICE}>"):
        moves.release(claimed, BOB, NOW)
    released = moves.release(claimed, ALICE, NOW)
    assert released.claimed_by == "" and released.claim_until is None and released.claimant(NOW) == ""


def test_release_without_a_live_claim_is_refused() -> None:
    with pytest.raises(Conflict, match="Nobody holds a claim"):
        moves.release(tracked(), ALICE, NOW)
    expired = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    with pytest.raises(Conflict):
        moves.release(expired, ALICE, NOW + EXPIRY)


def test_mark_replied_records_who_and_when_and_drops_the_claim() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    replied = moves.mark_replied(claimed, ALICE, NOW + timedelta(minutes=3))
    assert replied.state is MentionState.REPLIED and replied.handled_by == ALICE
    assert replied.replied_at == NOW + timedelta(minutes=3) and replied.claimed_by == ""
    assert replied.response_time == timedelta(minutes=8)
    with pytest.raises(Conflict, match=f"Already marked replied by <@{ALICE}>"):
        moves.mark_replied(replied, BOB, NOW)


def test_mark_replied_keeps_the_time_x_reported() -> None:
    seen = T0 + timedelta(minutes=2)
    assert moves.mark_replied(tracked(replied_at=seen), ALICE, NOW).replied_at == seen


def test_others_cannot_close_or_pass_on_a_claimed_mention() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    with pytest.raises(Conflict, match=f"<@{ALICE}> has claimed"):
        moves.mark_replied(claimed, BOB, NOW)
    with pytest.raises(Conflict, match=f"<@{ALICE}> has claimed"):
        moves.no_reply_needed(claimed, BOB, NOW)
    with pytest.raises(Conflict, match=f"<@{ALICE}> has claimed"):
        moves.reassign(claimed, BOB, NOW, "roads", TEAMS)


def test_no_reply_needed_closes() -> None:
    closed = moves.no_reply_needed(tracked(), ALICE, NOW)
    assert closed.state is MentionState.CLOSED and closed.handled_by == ALICE and not closed.is_open
    with pytest.raises(Conflict, match="Already closed"):
        moves.no_reply_needed(closed, BOB, NOW)


def test_reopen_clears_handled_reply_and_claim() -> None:
    replied = moves.mark_replied(tracked(replied_by="MPNorthtown", reminded=True), ALICE, NOW)
    reopened = moves.reopen(replied, BOB, NOW)
    assert reopened.state is MentionState.OPEN
    assert (reopened.handled_by, reopened.replied_by, reopened.replied_at, reopened.claimed_by) == ("", "", None, "")
    assert reopened.reminded is False
    assert moves.reopen(moves.no_reply_needed(tracked(), ALICE, NOW), BOB, NOW).is_open
    with pytest.raises(Conflict, match="already open"):
        moves.reopen(tracked(), ALICE, NOW)


def test_reassign_changes_route_and_team() -> None:
    moved = moves.reassign(tracked(), ALICE, NOW, "roads", TEAMS)
    assert (moved.route, moved.team) == ("roads", "roads")


def test_reassign_refuses_unknown_and_same_team() -> None:
    with pytest.raises(Conflict, match="not on the desk"):
        moves.reassign(tracked(), ALICE, NOW, "atlantis", TEAMS)
    with pytest.raises(Conflict, match="already with that team"):
        moves.reassign(tracked(), ALICE, NOW, "northtown", TEAMS)


def test_reassign_by_the_holder_drops_their_claim() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    assert moves.reassign(claimed, ALICE, NOW, "roads", TEAMS).claimed_by == ""


def test_escalate_once() -> None:
    escalated = moves.escalate(tracked(), ALICE, NOW)
    assert escalated.escalated_by == ALICE
    with pytest.raises(Conflict, match=f"Already escalated to the control room by <@{ALICE}>"):
        moves.escalate(escalated, BOB, NOW)


def test_escalate_is_allowed_even_when_claimed_but_not_when_the_control_room_has_it() -> None:
    claimed = moves.claim(tracked(), ALICE, NOW, EXPIRY)
    assert moves.escalate(claimed, BOB, NOW).escalated_by == BOB
    with pytest.raises(Conflict, match="control room already has"):
        moves.escalate(tracked(cards=(CardRef(channel="C0CTRL00001", ts="1.2", role="control_room"),)), ALICE, NOW)
    with pytest.raises(Conflict, match="control room already has"):
        moves.escalate(tracked(route="control_room"), ALICE, NOW)


def test_who_never_wraps_something_that_is_not_a_user_id() -> None:
    assert moves.who("U0ALICE0001") == "<@U0ALICE0001>"
    assert moves.who("<!channel>") == "someone else"
