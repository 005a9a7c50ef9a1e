"""The access policy and the Gatekeeper over an in-memory Membership: who may act on which card, and who sees what."""

from __future__ import annotations

import pytest

from bot.core.access import PERMISSIONS, AccessPolicy, Card, Roles, Rule
from bot.core.errors import Forbidden
from bot.core.gatekeeper import Gatekeeper
from bot.core.models import CONTROL_ROOM, DESK
from bot.services import access_policy
from config.desk import Desk, parse_desk
from tests.conftest import EXAMPLE_DESK
from tests.support.access import MemoryMembership
from tests.support.factories import decision, tracked

NORTH, DESK_CHANNEL, ROOM = "C0NORTH0001", "C0DESK00001", "C0CTRL00001"
TEAM_CARD, ROOM_CARD = Card(area="northtown", urgent=False), Card(area=CONTROL_ROOM, urgent=True)
TEAM_MEMBER = Roles(areas=frozenset({"northtown"}))
ROOM_MEMBER = Roles(areas=frozenset({CONTROL_ROOM}))
DESK_MEMBER = Roles(areas=frozenset({DESK}))
APPROVER = Roles(approver=True)
NOBODY = Roles()
ALL_ACTIONS = sorted(PERMISSIONS)


@pytest.fixture
def policy(desk: Desk) -> AccessPolicy:
    return access_policy(desk)


def allowed(policy: AccessPolicy, roles: Roles, card: Card) -> set[str]:
    return {action for action in ALL_ACTIONS if policy.decide(roles, card, action).allowed}


def test_every_card_action_including_the_new_ones_has_a_rule() -> None:
    assert set(ALL_ACTIONS) == {
        *("claim", "release", "mark_replied", "no_reply_needed", "reopen", "reassign", "escalate"),
        *("confirm_urgent", "not_urgent", "recategorise", "reply"),
    }
    assert PERMISSIONS["recategorise"].rule is PERMISSIONS["reassign"].rule is Rule.GUARDED
    assert PERMISSIONS["not_urgent"].rule is Rule.SENIOR


def test_nobody_may_do_anything_and_an_unknown_action_is_refused(policy: AccessPolicy) -> None:
    assert allowed(policy, NOBODY, TEAM_CARD) == set()
    assert not policy.decide(DESK_MEMBER, TEAM_CARD, "delete").allowed


def test_a_team_member_may_do_everything_but_de_escalate_on_their_routine_card(policy: AccessPolicy) -> None:
    assert allowed(policy, TEAM_MEMBER, TEAM_CARD) == set(ALL_ACTIONS) - {"not_urgent"}
    assert allowed(policy, TEAM_MEMBER, Card(area="roads", urgent=False)) == set()


def test_on_an_urgent_card_a_team_member_may_not_close_reassign_or_de_escalate(policy: AccessPolicy) -> None:
    urgent_team_card = Card(area="northtown", urgent=True)
    may = {"claim", "release", "reopen", "escalate", "confirm_urgent"}
    assert allowed(policy, TEAM_MEMBER, urgent_team_card) == may | {"reply"}
    assert allowed(policy, DESK_MEMBER, urgent_team_card) == set(ALL_ACTIONS)
    assert allowed(policy, ROOM_MEMBER, ROOM_CARD) == set(ALL_ACTIONS) - {"reply"}
    assert allowed(policy, APPROVER, ROOM_CARD) == may


def test_an_escalated_or_control_room_mention_counts_as_urgent(policy: AccessPolicy) -> None:
    assert policy.card(tracked(), NORTH) == Card(area="northtown", urgent=False)
    assert policy.card(tracked(escalated_by="U0ALICE0001"), NORTH).urgent
    assert policy.card(tracked(route=CONTROL_ROOM), ROOM) == Card(area=CONTROL_ROOM, urgent=True)
    assert policy.card(tracked(decision=decision(urgent=True)), "C0ELSEWHERE").area == ""


def test_refusals_name_who_may_and_say_when_slack_could_not_confirm(policy: AccessPolicy) -> None:
    assert policy.decide(NOBODY, TEAM_CARD, "no_reply_needed").why == (
        "Only Northtown Neighbourhood Team (<#C0NORTH0001>), the desk (<#C0DESK00001>) or an approver "
        "can close this mention."
    )
    assert policy.decide(TEAM_MEMBER, Card("northtown", True), "reassign").why == (
        "This mention is urgent: only the control room (<#C0CTRL00001>) or the desk (<#C0DESK00001>) "
        "can reassign this mention."
    )
    assert policy.decide(Roles(unconfirmed=frozenset({"northtown"})), TEAM_CARD, "claim").why.startswith(
        "Slack could not confirm whether you are in Northtown Neighbourhood Team (<#C0NORTH0001>)"
    )


def test_the_view_rule(policy: AccessPolicy) -> None:
    assert policy.scope(DESK_MEMBER).everything and policy.scope(ROOM_MEMBER).everything
    assert policy.scope(Roles(areas=frozenset({"northtown", "roads"}))).teams == {"northtown", "roads"}
    assert policy.scope(APPROVER).refused and policy.scope(NOBODY).refused
    assert policy.scope(Roles(unconfirmed=frozenset({DESK}))).why.startswith("Slack could not confirm")


def test_gatekeeper_looks_up_the_cards_channel_the_desk_and_the_control_room(policy: AccessPolicy) -> None:
    membership = MemoryMembership({NORTH: {"U0NORTH0001"}, DESK_CHANNEL: set(), ROOM: set()})
    gate = Gatekeeper(policy, membership)
    roles = gate.card_roles("U0NORTH0001", NORTH)
    assert roles.areas == {"northtown"} and membership.asked == [NORTH, ROOM, DESK_CHANNEL]
    assert gate.card_roles("U0APPR00001", NORTH).approver
    with pytest.raises(Forbidden, match="only the control room"):
        gate.admit(roles, tracked(decision=decision(urgent=True)), NORTH, "no_reply_needed")


def test_gatekeeper_view_stops_at_the_desk_and_fails_closed(policy: AccessPolicy) -> None:
    desk_member = MemoryMembership({DESK_CHANNEL: {"U0DESK00001"}})
    assert Gatekeeper(policy, desk_member).scope("U0DESK00001").everything
    assert desk_member.asked == [ROOM, DESK_CHANNEL]  # no team channel looked up
    broken = MemoryMembership({NORTH: {"U0NORTH0001"}}, failing={NORTH, DESK_CHANNEL})
    scope = Gatekeeper(policy, broken).scope("U0NORTH0001")
    assert scope.refused and "could not confirm" in scope.why


def test_access_lists_replace_channel_membership_and_read_user_groups() -> None:
    listed = EXAMPLE_DESK.read_text() + '\n[access]\ndesk = ["U0LEAD00001", "S0DESKLEAD1"]\n'
    policy = access_policy(parse_desk(listed))
    membership = MemoryMembership({DESK_CHANNEL: {"U0LURKER001"}, "S0DESKLEAD1": {"U0GROUPED01"}})
    gate = Gatekeeper(policy, membership)
    assert gate.scope("U0LEAD00001").everything and gate.scope("U0GROUPED01").everything
    assert gate.scope("U0LURKER001").refused  # in the desk channel, but the list decides
    unsure = Gatekeeper(policy, MemoryMembership({}, failing={"S0DESKLEAD1"}))
    assert "could not confirm" in unsure.scope("U0LURKER001").why
