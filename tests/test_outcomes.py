from __future__ import annotations

from datetime import timedelta

import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.core.tracking import MentionState, replied_on_x
from bot.jobs.record_outcomes import ObservedMentions, OutcomeRecorder
from config.desk import Desk
from tests.support.factories import T0, tracked


def test_closing_a_mention_feeds_the_digest_once(redis_client: redis.Redis, desk: Desk) -> None:
    aggregates = RedisAggregates(redis_client, desk.zone)
    store = ObservedMentions(RedisMentionStore(redis_client, 30), OutcomeRecorder(aggregates, desk))
    RedisMentionStore(redis_client, 30).record_new(tracked("1"))
    RedisMentionStore(redis_client, 30).record_new(tracked("2"))
    store.update("1", lambda t: replied_on_x(t, "MPNorthtown", T0 + timedelta(minutes=20)))
    store.update("1", lambda t: replied_on_x(t, "MPNorthtown", T0 + timedelta(minutes=40)))
    store.update("2", lambda t: t.model_copy(update={"state": MentionState.CLOSED}))
    day = aggregates.day("northtown", T0.date())
    assert (day.replied, day.closed_without_reply) == (1, 1)
    assert [(r.seconds, r.sla_met) for r in day.responses] == [(1200.0, True)]
