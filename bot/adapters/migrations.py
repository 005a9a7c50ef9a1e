"""`commsdesk migrate`: bring every stored record to the running release's schema, where a change needs it.

Each record kind has a running schema (`schema_version` in its JSON; a record without one is schema 1) and a
chain of steps, each turning a record's JSON at version n into version n + 1. A migration scans every record
(SCAN, not the indexes, so nothing orphaned is missed), rewrites those below the running schema with a
compare-and-set that keeps the key's TTL, leaves records a newer release wrote alone (a rollback reads them,
ignoring fields it does not know), and reports records that no longer parse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import redis
from pydantic import BaseModel, ValidationError

from bot.adapters.store import Keys
from bot.core import platform_requests, tracking

Step = Callable[[dict[str, Any]], dict[str, Any]]
SCAN_BATCH = 500


@dataclass(frozen=True)
class RecordKind:
    """One kind of stored record: where it lives, its model, its running schema and the steps up to it."""

    name: str
    pattern: str
    model: type[BaseModel]
    schema: int
    steps: Mapping[int, Step] = field(default_factory=dict)  # from version n to n + 1


KINDS = (
    RecordKind("mentions", Keys.every_mention(), tracking.TrackedMention, tracking.SCHEMA),
    RecordKind("platform requests", Keys.every_request(), platform_requests.PlatformRequest, platform_requests.SCHEMA),
)


@dataclass
class MigrationReport:
    """What one kind's scan found and did."""

    kind: str
    scanned: int = 0
    migrated: int = 0
    newer: int = 0  # written by a newer release: left as they are
    unreadable: list[str] = field(default_factory=list)  # keys whose JSON no longer parses

    def summary(self, schema: int) -> str:
        done = f"migrated {self.migrated} to schema {schema}" if self.migrated else "nothing to migrate"
        parts = [f"{self.kind}: {self.scanned} scanned, {done}"]
        if self.newer:
            parts.append(f"{self.newer} from a newer release left as they are")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} unreadable: {', '.join(self.unreadable[:5])}")
        return "; ".join(parts)


def schema_of(data: Mapping[str, Any]) -> int:
    return int(data.get("schema_version", 1))


def upgrade(data: dict[str, Any], kind: RecordKind) -> dict[str, Any]:
    """Apply `kind`'s steps from the record's schema up to the running one."""
    version = schema_of(data)
    while version < kind.schema:
        if version not in kind.steps:
            raise LookupError(f"{kind.name}: no migration step from schema {version}")
        data = kind.steps[version](data)
        version += 1
        data["schema_version"] = version
    return data


def migrate_records(client: redis.Redis, kind: RecordKind) -> MigrationReport:
    """Scan every record of `kind` and bring each older one to the running schema."""
    report = MigrationReport(kind.name)
    for key in client.scan_iter(match=kind.pattern, count=SCAN_BATCH):
        report.scanned += 1
        _migrate_one(client, str(key), kind, report)
    return report


def _migrate_one(client: redis.Redis, key: str, kind: RecordKind, report: MigrationReport) -> None:
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)  # type: ignore[no-untyped-call]
                raw = pipe.get(key)
                if raw is None:
                    return  # expired while we scanned
                try:
                    data = json.loads(raw)
                    version = schema_of(data)
                    if version > kind.schema:
                        report.newer += 1
                        return
                    upgraded = kind.model.model_validate(upgrade(data, kind) if version < kind.schema else data)
                except (ValueError, TypeError, AttributeError, ValidationError, LookupError):
                    report.unreadable.append(key)
                    return
                if version == kind.schema:
                    return
                pipe.multi()
                pipe.set(key, upgraded.model_dump_json(), keepttl=True)
                pipe.execute()
                report.migrated += 1
                return
            except redis.WatchError:
                continue
