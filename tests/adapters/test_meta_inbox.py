"""The webhook inbox: queued once, handed to one worker, taken over from a dead one, dropped after repeated failure."""

from __future__ import annotations

import redis

from bot.adapters.meta_inbox import MAX_ATTEMPTS, RedisMetaInbox

BODY = b'{"object": "page", "entry": []}'


def test_a_body_is_queued_once_and_given_to_one_worker(redis_client: redis.Redis) -> None:
    web = RedisMetaInbox(redis_client)
    first, second = RedisMetaInbox(redis_client, "w1"), RedisMetaInbox(redis_client, "w2")
    first.ensure_group()
    assert web.queue_once(BODY) and not web.queue_once(BODY)
    assert web.queue_once(BODY.replace(b"[]", b"[{}]"))
    taken = first.take(1) + second.take(10)
    assert sorted(d.body for d in taken) == sorted([BODY.decode(), '{"object": "page", "entry": [{}]}'])
    for delivery in taken:
        first.ack(delivery)
    assert web.depth() == 0 and first.take() == []


def test_a_dead_workers_delivery_is_taken_over_and_a_poison_one_dropped(redis_client: redis.Redis) -> None:
    crashed, survivor = RedisMetaInbox(redis_client, "w1"), RedisMetaInbox(redis_client, "w2", reclaim_idle_ms=0)
    crashed.ensure_group()
    crashed.queue_once(BODY)
    assert len(crashed.take()) == 1  # and never acknowledged
    for _ in range(MAX_ATTEMPTS - 1):
        [again] = survivor.take()
        assert again.body == BODY.decode()
    assert survivor.take() == []  # delivered MAX_ATTEMPTS + 1 times: dropped
    assert survivor.depth() == 0
