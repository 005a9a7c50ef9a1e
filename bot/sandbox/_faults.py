"""Queued one-shot faults keyed by method or path prefix, consumed by the stand-ins' request threads."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """One injected misbehaviour; `kind` says which, the rest parameterise it."""

    kind: str  # "status" | "reset" | "rate_limit" | "hang" | "errors"
    status: int = 0
    retry_after: int | None = None
    seconds: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)


class FaultQueue:
    """Faults waiting for their key; `take` pops the first that matches a request."""

    def __init__(self, match_prefix: bool) -> None:
        self._lock = threading.Lock()
        self._pending: list[tuple[str, Fault]] = []
        self._match_prefix = match_prefix

    def add(self, key: str, fault: Fault, times: int) -> None:
        with self._lock:
            self._pending.extend((key, fault) for _ in range(times))

    def take(self, key: str, kinds: tuple[str, ...]) -> Fault | None:
        with self._lock:
            for index, (wanted, fault) in enumerate(self._pending):
                matches = key.startswith(wanted) if self._match_prefix else key == wanted
                if matches and fault.kind in kinds:
                    del self._pending[index]
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
