"""Upgrades and rollbacks against real Redis, with records in the shape the previous release wrote."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from click.testing import CliRunner

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.migrations import KINDS, migrate_records
from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.store import Keys
from bot.cli import main
from bot.core.mention_actions import claim
from bot.core.tracking import TrackedMention
from bot.sandbox.redis_server import RedisServer

RELEASE_0_1 = Path(__file__).parent / "fixtures" / "release_0_1"
MENTION_JSON = (RELEASE_0_1 / "mention.json").read_text().strip()
REQUEST_JSON = (RELEASE_0_1 / "request.json").read_text().strip()
MENTION_KEY = Keys.mention("1993001000000000001")
REQUEST_KEY = Keys.request("PR-20261120-0001")


def from_next_release(raw: str) -> str:
    """The record as a newer release might write it: a higher schema and fields this release has never heard of."""
    data: dict[str, Any] = json.loads(raw)
    data |= {"schema_version": 2, "platform": "x", "assist": {"draft": "Thanks, please call 101"}}
    data["mention"] |= {"media": [{"type": "photo"}]}
    data["decision"] |= {"model_version": "2027.1"}
    data["cards"][0] |= {"permalink": "https://example.slack.com/archives/C0NORTH0001/p1"}
    return json.dumps(data)


def test_the_previous_release_records_read_as_schema_1(redis_client: redis.Redis) -> None:
    redis_client.set(MENTION_KEY, MENTION_JSON)
    redis_client.set(REQUEST_KEY, REQUEST_JSON)
    tracked = RedisMentionStore(redis_client, 30).get("1993001000000000001")
    assert tracked is not None and tracked.schema_version == 1 and tracked.claimed_by == "U0DESK00001"
    request = RedisRequestRepository(redis_client).get("PR-20261120-0001")
    assert request is not None and request.schema_version == 1 and request.history[0].note == "Who covers weekends?"


def test_migrate_scans_every_record_and_finds_nothing_to_change_today(redis_client: redis.Redis) -> None:
    redis_client.set(MENTION_KEY, MENTION_JSON, ex=3600)
    redis_client.set(Keys.mention("1993001000000000002"), MENTION_JSON.replace("000001", "000002"))
    redis_client.set(REQUEST_KEY, REQUEST_JSON)
    mentions, requests = (migrate_records(redis_client, kind) for kind in KINDS)
    assert (mentions.scanned, mentions.migrated, mentions.unreadable) == (2, 0, [])
    assert (requests.scanned, requests.migrated) == (1, 0)
    assert redis_client.get(MENTION_KEY) == MENTION_JSON
    assert mentions.summary(1) == "mentions: 2 scanned, nothing to migrate"


def test_a_step_rewrites_older_records_in_place_keeping_their_ttl(redis_client: redis.Redis) -> None:
    redis_client.set(MENTION_KEY, MENTION_JSON, ex=3600)
    kind = replace(KINDS[0], schema=2, steps={1: lambda d: d | {"handled_by": "U0MIGRATED"}})
    report = migrate_records(redis_client, kind)
    assert (report.scanned, report.migrated) == (1, 1)
    stored = json.loads(str(redis_client.get(MENTION_KEY)))
    assert (stored["schema_version"], stored["handled_by"]) == (2, "U0MIGRATED")
    assert stored["mention"]["text"] == json.loads(MENTION_JSON)["mention"]["text"]
    assert 3500 < int(redis_client.ttl(MENTION_KEY)) <= 3600
    assert migrate_records(redis_client, kind).migrated == 0


def test_a_rollback_reads_and_changes_records_a_newer_release_wrote(redis_client: redis.Redis) -> None:
    redis_client.set(MENTION_KEY, from_next_release(MENTION_JSON))
    data = json.loads(REQUEST_JSON) | {"schema_version": 2, "channel_thread": "1795000100.000300"}
    data["answers"] |= {"budget": "none"}
    redis_client.set(REQUEST_KEY, json.dumps(data))
    store = RedisMentionStore(redis_client, 30)
    tracked = store.get("1993001000000000001")
    assert tracked is not None and tracked.mention.author.username == "jo_canal"
    now = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    claimed = store.update("1993001000000000001", lambda t: claim(t, "U0DESK00002", now, timedelta(minutes=30)))
    assert claimed.claimed_by == "U0DESK00002"
    assert RedisRequestRepository(redis_client).get("PR-20261120-0001") is not None
    assert migrate_records(redis_client, KINDS[1]).newer == 1


def test_migrate_command_reports_each_kind_and_fails_on_unreadable_records(
    redis_client: redis.Redis, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    redis_client.set(MENTION_KEY, MENTION_JSON)
    redis_client.set(REQUEST_KEY, REQUEST_JSON)
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "mentions: 1 scanned, nothing to migrate",
        "platform requests: 1 scanned, nothing to migrate",
    ]
    redis_client.set(Keys.mention("1"), "{not json")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 1
    assert "mentions: 2 scanned, nothing to migrate; 1 unreadable: cd:mention:1" in result.output


def test_a_record_keeps_the_schema_it_was_read_with() -> None:
    assert TrackedMention.model_validate_json(MENTION_JSON).model_dump()["schema_version"] == 1
