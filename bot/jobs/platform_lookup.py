"""Which tracked posts still exist, asked of each one's own platform: the compliance check's one lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.adapters.mention_store import RedisMentionStore
from bot.core.models import Platform, graph_id, platform_of


class ExistenceCheck(Protocol):
    def existing(self, tweet_ids: Sequence[str]) -> set[str]: ...


class AccountExistenceCheck(Protocol):
    def existing(self, account_id: str, graph_ids: Sequence[str]) -> set[str]: ...


class PlatformLookup:
    """Send tweet ids to X and Meta ids to the Graph API, read with the token of the page each was posted on.

    Without Meta configured its mentions count as existing: nothing is redacted for want of a way to ask.
    """

    def __init__(self, x: ExistenceCheck, meta: AccountExistenceCheck | None, mentions: RedisMentionStore) -> None:
        self._x = x
        self._meta = meta
        self._mentions = mentions

    def existing(self, tweet_ids: Sequence[str]) -> set[str]:
        on_x = [i for i in tweet_ids if platform_of(i) is Platform.X]
        on_meta = [i for i in tweet_ids if platform_of(i) is not Platform.X]
        found = self._x.existing(on_x) if on_x else set()
        if self._meta is None:
            return found | set(on_meta)
        by_account: dict[str, list[str]] = {}
        for tracked in self._mentions.get_many(on_meta):
            by_account.setdefault(tracked.mention.account_id, []).append(tracked.mention.id)
        for account_id, ids in by_account.items():
            alive = self._meta.existing(account_id, [graph_id(i) for i in ids])
            found |= {i for i in ids if graph_id(i) in alive}
        return found
