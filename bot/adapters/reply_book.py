"""Reply intents in Redis: one per mention, changed by compare-and-set, queued with their outbox entry atomically.

An intent becoming QUEUED and its outbox entry are written in one MULTI, so a reply is never queued twice nor
recorded without being queued. Intents live as long as mention text does (`[retention] mention_days`).
"""

from __future__ import annotations

from collections.abc import Callable

import redis

from bot.adapters.outbox import OutboxEntry, OutboxKind, RedisOutbox
from bot.adapters.store import Keys
from bot.core.errors import Conflict, NotFound
from bot.core.models import Platform
from bot.core.relay import Priority
from bot.core.replies.intents import IntentState, ReplyIntent

MAX_CAS_ATTEMPTS = 20


def account_lane(intent: ReplyIntent) -> str:
    """The pacing key of a sending account: replies are paced and held per account, as X and Graph limit them."""
    if intent.platform is Platform.X:
        return f"x:{intent.account.casefold()}"
    return f"{intent.platform.value}:{intent.account_id}"


def reply_entry(intent: ReplyIntent) -> OutboxEntry:
    return OutboxEntry(
        lane=Priority.REPLY,
        channel=account_lane(intent),
        kind=OutboxKind.REPLY,
        tweet_id=intent.tweet_id,
        key=intent.id,
    )


class RedisReplyBook:
    """ReplyBook over Redis strings of JSON, queueing sends through the outbox."""

    def __init__(self, client: redis.Redis, outbox: RedisOutbox, mention_days: int) -> None:
        self._client = client
        self._outbox = outbox
        self._ttl = mention_days * 86_400

    def get(self, tweet_id: str) -> ReplyIntent | None:
        raw = self._client.get(Keys.reply(tweet_id))
        return ReplyIntent.model_validate_json(raw) if raw else None

    def start(self, intent: ReplyIntent) -> None:
        def replace(current: ReplyIntent | None) -> ReplyIntent:
            if current is not None and current.state.live:
                raise Conflict(f"A reply from {current.sender} is already on its way; wait for it.")
            return intent

        self._change(intent.tweet_id, replace)

    def update(self, tweet_id: str, change: Callable[[ReplyIntent], ReplyIntent]) -> ReplyIntent:
        def existing(current: ReplyIntent | None) -> ReplyIntent:
            if current is None:
                raise NotFound("This reply is no longer kept.")
            return change(current)

        return self._change(tweet_id, existing)

    def _change(self, tweet_id: str, change: Callable[[ReplyIntent | None], ReplyIntent]) -> ReplyIntent:
        key = Keys.reply(tweet_id)
        for _ in range(MAX_CAS_ATTEMPTS):
            with self._client.pipeline() as pipe:
                try:
                    pipe.watch(key)  # type: ignore[no-untyped-call]
                    raw = pipe.get(key)
                    current = ReplyIntent.model_validate_json(raw) if raw else None
                    updated = change(current)
                    updated = updated.model_copy(update={"version": (current.version + 1) if current else 1})
                    pipe.multi()
                    pipe.set(key, updated.model_dump_json(), ex=self._ttl)
                    was_queued = current is not None and current.id == updated.id and current.state is updated.state
                    if updated.state is IntentState.QUEUED and not was_queued:
                        self._outbox.add(reply_entry(updated), pipe)
                    pipe.execute()
                    return updated
                except redis.WatchError:
                    continue
        raise Conflict("This reply is changing too fast; try again.")
