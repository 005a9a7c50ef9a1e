"""Look up a person's roles through the `Membership` port and apply the access policy: the one door to it.

Only the areas a decision needs are looked up: for a click, the card's channel, the desk and the control room
(and approvers); for a view, the desk and the control room, then the teams only if neither answers yes.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.access import SENIOR_AREAS, AccessPolicy, Roles, Scope
from bot.core.errors import Forbidden
from bot.core.ports import Membership
from bot.core.tracking import TrackedMention


class Gatekeeper:
    """Decide who may act on a card or see the queue, from Slack membership and the desk's `[access]` lists."""

    def __init__(self, policy: AccessPolicy, membership: Membership) -> None:
        self.policy = policy
        self._membership = membership

    def card_roles(self, user: str, channel: str) -> Roles:
        """Look up what `user` is for a click in `channel`."""
        areas = dict.fromkeys([self.policy.area_of(channel), *SENIOR_AREAS])
        roles = self._roles(user, (area for area in areas if area))
        return Roles(areas=roles.areas, approver=self._is_approver(user), unconfirmed=roles.unconfirmed)

    def admit(self, roles: Roles, tracked: TrackedMention, channel: str, action: str) -> TrackedMention:
        """Return `tracked` unchanged if `roles` may do `action` to its card in `channel`; else raise Forbidden."""
        verdict = self.policy.decide(roles, self.policy.card(tracked, channel), action)
        if not verdict.allowed:
            raise Forbidden(verdict.why)
        return tracked

    def scope(self, user: str) -> Scope:
        """Decide what of the desk's queue `user` may see."""
        senior = self._roles(user, SENIOR_AREAS)
        if senior.areas:
            return self.policy.scope(senior)
        teams = self._roles(user, self.policy.teams)
        return self.policy.scope(Roles(areas=teams.areas, unconfirmed=senior.unconfirmed | teams.unconfirmed))

    def _roles(self, user: str, areas: Iterable[str]) -> Roles:
        held, unsure = set(), set()
        for area in areas:
            answer = self._member(user, area)
            if answer:
                held.add(area)
            elif answer is None:
                unsure.add(area)
        return Roles(areas=frozenset(held), unconfirmed=frozenset(unsure))

    def _member(self, user: str, area: str) -> bool | None:
        """Answer from the area's `[access]` list when it has one, otherwise from its channel's members."""
        listed = self.policy.listed.get(area)
        if listed is None:
            place = self.policy.places.get(area)
            return self._membership.in_channel(place.channel, user) if place else False
        return user in listed or self._in_any_group(user, [g for g in listed if g.startswith("S")])

    def _is_approver(self, user: str) -> bool:
        if user in self.policy.approvers:
            return True
        group = self.policy.approver_group
        return bool(group) and self._membership.in_group(group, user) is True

    def _in_any_group(self, user: str, groups: list[str]) -> bool | None:
        """True if in any group; None if not found in any and some group could not be read."""
        unsure = False
        for group in groups:
            answer = self._membership.in_group(group, user)
            if answer:
                return True
            unsure = unsure or answer is None
        return None if unsure else False
