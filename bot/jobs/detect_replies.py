"""Watch the desk accounts' own posts: a reply to a tracked mention closes it; every post feeds the digest."""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import Keys
from bot.core.models import OwnPost
from bot.core.ports import OwnPostSource
from bot.core.tracking import TrackedMention, replied_on_x
from bot.logs import get_logger
from config.desk import Desk

log = get_logger(__name__)
Observer = Callable[[TrackedMention, TrackedMention], None]


class OwnPostPoller:
    """Poll each account's own timeline once; return how many tracked mentions it found answered."""

    def __init__(
        self,
        source: OwnPostSource,
        mentions: RedisMentionStore,
        aggregates: RedisAggregates,
        desk: Desk,
        on_change: Observer,
        refresh: Callable[[TrackedMention], None],
    ) -> None:
        self._source = source
        self._mentions = mentions
        self._aggregates = aggregates
        self._desk = desk
        self._on_change = on_change
        self._refresh = refresh

    def poll(self) -> int:
        answered = 0
        for team, account in self._desk.accounts():
            cursor_key = Keys.own_cursor(account.id)
            posts, newest, _ = self._source.own_posts(account.id, self._mentions.cursor(cursor_key))
            for post in posts:
                self._aggregates.record_own_post(team.key, post)
                if post.is_reply and self._close_answered(post, account.handle):
                    answered += 1
            if newest is not None:
                self._mentions.set_cursor(cursor_key, newest)
        return answered

    def _close_answered(self, post: OwnPost, handle: str) -> bool:
        current = self._mentions.get(post.in_reply_to_tweet_id)
        if current is None or not current.is_open:
            return False
        closed_from: list[TrackedMention] = []

        def close(tracked: TrackedMention) -> TrackedMention:
            closed_from[:] = [tracked] if tracked.is_open else []
            return replied_on_x(tracked, handle, post.created_at)

        after = self._mentions.update(current.mention.id, close)
        if not closed_from:
            return False
        self._on_change(closed_from[0], after)
        self._refresh(after)
        log.info(
            "reply detected",
            tweet_id=after.mention.id,
            account=handle,
            response_seconds=int((post.created_at - after.mention.created_at).total_seconds()),
        )
        return True
