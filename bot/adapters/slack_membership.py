"""Membership through Slack's Web API: `conversations.members` and `usergroups.users.list`, cached briefly.

Each channel's or group's member list is kept for at most `ttl` seconds (monotonic clock). A person not in a
cached list triggers one re-fetch when the list is older than `floor` seconds, so someone just invited is not
refused for the whole TTL, while a stream of outsiders costs at most one fetch per list per `floor`. Any Slack
failure answers None ("could not say"), which the core treats as no.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

TTL_SECONDS = 300.0
FLOOR_SECONDS = 15.0
PAGE_SIZE = 1000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Listing:
    members: frozenset[str]
    fetched_at: float


class SlackMembership:
    """`Membership` over slack_sdk, with a per-list cache shared by the process's threads."""

    def __init__(
        self,
        client: WebClient,
        ttl: float = TTL_SECONDS,
        floor: float = FLOOR_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._floor = min(floor, ttl)
        self._clock = clock
        self._cache: dict[str, _Listing] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def in_channel(self, channel: str, user: str) -> bool | None:
        """Say whether `user` is a member of `channel`; None when Slack could not say."""
        return self._contains("channel:" + channel, user, lambda: self._channel_members(channel))

    def in_group(self, group: str, user: str) -> bool | None:
        """Say whether `user` is in user group `group`; None when Slack could not say."""
        return self._contains("group:" + group, user, lambda: self._group_members(group))

    def _contains(self, key: str, user: str, fetch: Callable[[], frozenset[str]]) -> bool | None:
        """Answer from a fresh enough list, fetching it (once per key at a time) when missing, stale or a miss."""
        with self._lock_for(key):
            listing = self._cache.get(key)
            age = self._clock() - listing.fetched_at if listing else None
            if listing is not None and age is not None and age < self._ttl:
                if user in listing.members or age < self._floor:
                    return user in listing.members
            try:
                listing = _Listing(fetch(), self._clock())
            except (SlackApiError, SlackClientError, OSError) as exc:
                log.warning("membership lookup failed for %s; refusing until Slack answers: %s", key, _reason(exc))
                return None
            self._cache[key] = listing
            return user in listing.members

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _channel_members(self, channel: str) -> frozenset[str]:
        return frozenset(member for page in self._pages(channel) for member in page)

    def _pages(self, channel: str) -> Iterator[list[str]]:
        cursor = ""
        while True:
            answer = self._client.conversations_members(channel=channel, limit=PAGE_SIZE, cursor=cursor or None)
            yield [str(member) for member in answer.get("members") or []]
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return

    def _group_members(self, group: str) -> frozenset[str]:
        answer = self._client.usergroups_users_list(usergroup=group)
        return frozenset(str(member) for member in answer.get("users") or [])


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__
