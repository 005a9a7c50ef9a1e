"""Who may act on a mention card and who may see the desk's queue: a pure policy over roles, cards and actions.

A person's roles are the areas they belong to (the desk, the control room, team keys), each decided by
membership of that area's Slack channel or, where the desk config has an `[access]` list for it, by that list
instead; approvers come from `[desk] approvers` and the approver user group. `Gatekeeper` looks them up; this
module only decides. A lookup Slack could not answer counts as "no" (fail closed) and the refusal says so.

    rule      who may                                               actions
    CARD      the card's channel, the desk, approvers               claim, release, reopen, escalate, confirm urgent
    GUARDED   as CARD; on an urgent card only control room or desk  mark replied, no reply needed, reassign,
                                                                    wrong category
    SENIOR    control room or desk                                  not urgent (de-escalate)
    TEAM      a team card's own channel, or the desk                reply

A card is urgent when triage said urgent (possible emergencies included) or someone escalated it: closing or
moving it could silence the control room's re-alert. Views (`/commsdesk status`, `/commsdesk digest`, App
Home): desk and control-room members see everything, team members their teams', others nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.models import CONTROL_ROOM, DESK
from bot.core.tracking import TrackedMention


class Rule(StrEnum):
    """Who may take an action, by the areas that grant it."""

    CARD = "card"
    GUARDED = "guarded"
    SENIOR = "senior"
    TEAM = "team"


@dataclass(frozen=True)
class Permission:
    """The rule for one action and how a refusal names the action ("… can {doing}")."""

    rule: Rule
    doing: str


# One line per card action; an action missing here is refused to everybody.
PERMISSIONS: Mapping[str, Permission] = {
    "claim": Permission(Rule.CARD, "claim this mention"),
    "release": Permission(Rule.CARD, "release this mention"),
    "reopen": Permission(Rule.CARD, "reopen this mention"),
    "escalate": Permission(Rule.CARD, "escalate this mention"),
    "confirm_urgent": Permission(Rule.CARD, "confirm this mention is urgent"),
    "mark_replied": Permission(Rule.GUARDED, "mark this mention replied"),
    "no_reply_needed": Permission(Rule.GUARDED, "close this mention"),
    "reassign": Permission(Rule.GUARDED, "reassign this mention"),
    "recategorise": Permission(Rule.GUARDED, "correct this mention's category"),
    "not_urgent": Permission(Rule.SENIOR, "mark this mention not urgent"),
    "reply": Permission(Rule.TEAM, "reply to this mention"),
}
SENIOR_AREAS = (CONTROL_ROOM, DESK)  # the order refusals name them in


@dataclass(frozen=True)
class Roles:
    """The areas (desk, control_room, team keys) a person belongs to, and those Slack could not confirm."""

    areas: frozenset[str] = frozenset()
    approver: bool = False
    unconfirmed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Card:
    """What the policy needs of a clicked card: the area of its channel ("" if none) and whether it is urgent."""

    area: str
    urgent: bool


@dataclass(frozen=True)
class Verdict:
    """Allowed, or refused with a sentence for the person."""

    allowed: bool
    why: str = ""


@dataclass(frozen=True)
class Scope:
    """What a person may see of the desk's queue: everything, some teams, or nothing (with why)."""

    everything: bool = False
    teams: frozenset[str] = frozenset()
    why: str = ""

    @property
    def refused(self) -> bool:
        return not self.everything and not self.teams


@dataclass(frozen=True)
class Place:
    """An area as people know it: its Slack channel and its name."""

    channel: str
    name: str


@dataclass(frozen=True)
class AccessPolicy:
    """The desk's areas, `[access]` lists and approvers, and the rules that decide from them."""

    places: Mapping[str, Place]  # DESK, CONTROL_ROOM and every team key
    listed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # area -> user / user-group ids
    approvers: frozenset[str] = frozenset()
    approver_group: str = ""

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(area for area in self.places if area not in SENIOR_AREAS)

    def area_of(self, channel: str) -> str:
        """Return the area whose channel this is, or "" for any other channel."""
        return next((area for area, place in self.places.items() if place.channel == channel), "") if channel else ""

    def card(self, tracked: TrackedMention, channel: str) -> Card:
        """Describe the card of `tracked` clicked in `channel`."""
        urgent = tracked.decision.urgent or bool(tracked.escalated_by) or tracked.route == CONTROL_ROOM
        return Card(area=self.area_of(channel), urgent=urgent)

    def decide(self, roles: Roles, card: Card, action: str) -> Verdict:
        """Allow `action` on `card` for someone with `roles`, or say why not."""
        permission = PERMISSIONS.get(action)
        if permission is None:
            return Verdict(False, "Nobody may do that to a mention card.")
        granting, approvers = self._granting(permission.rule, card)
        if roles.areas.intersection(granting) or (approvers and roles.approver):
            return Verdict(True)
        if unsure := [area for area in granting if area in roles.unconfirmed]:
            return Verdict(False, self._unconfirmed(unsure))
        names = [self._name(area) for area in granting] + (["an approver"] if approvers else [])
        urgent = "This mention is urgent: only " if permission.rule is Rule.GUARDED and card.urgent else "Only "
        return Verdict(False, f"{urgent}{_either(names)} can {permission.doing}.")

    def scope(self, roles: Roles) -> Scope:
        """Decide what of the queue someone with `roles` may see."""
        if roles.areas & set(SENIOR_AREAS):
            return Scope(everything=True)
        teams = frozenset(roles.areas & set(self.teams))
        if teams:
            return Scope(teams=teams)
        if unsure := [area for area in self.places if area in roles.unconfirmed]:
            return Scope(why=self._unconfirmed(unsure))
        names = _either([self._name(DESK), self._name(CONTROL_ROOM), "a team channel"])
        return Scope(why=f"The desk's queue is shown only to members of {names}.")

    def _granting(self, rule: Rule, card: Card) -> tuple[tuple[str, ...], bool]:
        """Return the areas that grant `rule` on `card` (the card's own first), and whether approvers may too."""
        if rule is Rule.SENIOR or (rule is Rule.GUARDED and card.urgent):
            return SENIOR_AREAS, False
        own = (card.area,) if card.area and card.area != DESK else ()
        if rule is Rule.TEAM:
            return (*(own if card.area in self.teams else ()), DESK), False
        return (*own, DESK), True

    def _name(self, area: str) -> str:
        place = self.places.get(area)
        return f"{place.name} (<#{place.channel}>)" if place else area

    def _unconfirmed(self, areas: list[str]) -> str:
        names = _either([self._name(area) for area in areas])
        return f"Slack could not confirm whether you are in {names} just now, so this is refused; try again shortly."


def _either(names: list[str]) -> str:
    """Join names as "a", "a or b", "a, b or c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
