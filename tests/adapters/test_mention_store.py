from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import redis

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.store import Keys
from bot.core.errors import Conflict, NotFound
from bot.core.tracking import MentionState, TrackedMention
from tests.support.factories import T0, tracked


@pytest.fixture
def store(redis_client: redis.Redis) -> RedisMentionStore:
    return RedisMentionStore(redis_client, retention_days=30)


def test_record_new_is_idempotent_and_expires_with_retention(
    store: RedisMentionStore, redis_client: redis.Redis
) -> None:
    record = tracked()
    assert store.record_new(record) is True
    assert store.record_new(record.model_copy(update={"team": "desk"})) is False
    assert store.get(record.mention.id) == record
    assert 29 * 86400 < redis_client.ttl(Keys.mention(record.mention.id)) <= 30 * 86400
    assert store.in_conversation(record.mention.conversation_id) == [record.mention.id]


def test_open_queue_follows_state(store: RedisMentionStore) -> None:
    store.record_new(tracked("1", sla_minutes=10))
    store.record_new(tracked("2", sla_minutes=120))
    store.record_new(tracked("3", sla_minutes=None))
    assert store.open_ids() == ["1", "2"]
    assert store.open_due(T0 + timedelta(minutes=30)) == ["1"]
    store.update("1", lambda t: t.model_copy(update={"state": MentionState.REPLIED}))
    assert store.open_ids() == ["2"]


def test_update_is_compare_and_set_under_concurrency(store: RedisMentionStore) -> None:
    store.record_new(tracked("7"))
    winners: list[str] = []

    def claim(user: str) -> None:
        def change(current: TrackedMention) -> TrackedMention:
            if current.claimed_by:
                raise Conflict(f"claimed by {current.claimed_by}")
            return current.model_copy(update={"claimed_by": user})

        try:
            store.update("7", change)
            winners.append(user)
        except Conflict:
            pass

    threads = [threading.Thread(target=claim, args=(f"U{i:08d}",)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.get("7")
    assert final is not None
    assert len(winners) == 1 and final.claimed_by == winners[0] and final.version == 1


def test_update_of_unknown_mention_is_not_found(store: RedisMentionStore) -> None:
    with pytest.raises(NotFound):
        store.update("404", lambda t: t)


def test_cursor_never_moves_backwards(store: RedisMentionStore) -> None:
    key = Keys.mentions_cursor("1400000000000000001")
    store.set_cursor(key, "2122000000000000009")
    store.set_cursor(key, "2122000000000000001")
    assert store.cursor(key) == "2122000000000000009"


def test_record_new_many_writes_a_page_once_and_skips_known_and_repeated(store: RedisMentionStore) -> None:
    store.record_new(tracked("2"))
    staged: list[str] = []

    def stage_for(tweet_id: str) -> Callable[[redis.client.Pipeline], None]:
        def stage(pipe: redis.client.Pipeline) -> None:
            staged.append(tweet_id)
            pipe.set(f"cd:test:staged:{tweet_id}", "1")

        return stage

    items = [(tracked(i), stage_for(i)) for i in ("1", "2", "3", "1")]
    assert store.record_new_many(items) == [True, False, True, False]
    assert staged == ["1", "3"]
    assert store.open_ids() == ["1", "2", "3"]
    assert store.record_new_many(items) == [False, False, False, False]
    assert staged == ["1", "3"]
