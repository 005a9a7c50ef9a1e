"""Desk corrections of triage labels in a Redis stream, kept for the audit period and no longer."""

from __future__ import annotations

import time
from datetime import datetime

import redis

from bot.adapters.store import CORRECTIONS_STREAM, DAY_SECONDS
from bot.core.corrections import Correction


class RedisCorrectionLog:
    """Append corrections (labels and the model's numbers only) and read them back by time."""

    def __init__(self, client: redis.Redis, keep_days: int) -> None:
        self._client = client
        self._keep_days = keep_days

    def record(self, correction: Correction) -> None:
        """Append a correction and drop those older than the retention period in the same call."""
        cutoff_ms = int((time.time() - self._keep_days * DAY_SECONDS) * 1000)
        self._client.xadd(
            CORRECTIONS_STREAM, {"json": correction.model_dump_json()}, minid=f"{cutoff_ms}-0", approximate=False
        )

    def between(self, start: datetime, end: datetime | None = None) -> list[Correction]:
        """Return the corrections made from `start` up to (not including) `end`, or all since, oldest first."""
        first = f"{int(start.timestamp() * 1000)}-0"
        last = f"({int(end.timestamp() * 1000)}-0" if end is not None else "+"
        rows: list[tuple[str, dict[str, str]]] = self._client.xrange(CORRECTIONS_STREAM, min=first, max=last)  # type: ignore[assignment]
        return [Correction.model_validate_json(fields["json"]) for _, fields in rows]
