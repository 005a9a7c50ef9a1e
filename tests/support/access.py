"""An in-memory `Membership` for core tests: channels and groups with members, and ones Slack cannot answer for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class MemoryMembership:
    """Members by channel or group id; an id in `failing` answers None, any other unknown id answers False."""

    def __init__(self, members: Mapping[str, Iterable[str]], failing: Iterable[str] = ()) -> None:
        self.members = {key: set(users) for key, users in members.items()}
        self.failing = set(failing)
        self.asked: list[str] = []

    def in_channel(self, channel: str, user: str) -> bool | None:
        return self._answer(channel, user)

    def in_group(self, group: str, user: str) -> bool | None:
        return self._answer(group, user)

    def _answer(self, key: str, user: str) -> bool | None:
        self.asked.append(key)
        if key in self.failing:
            return None
        return user in self.members.get(key, set())
