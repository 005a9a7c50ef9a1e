"""The one wall clock: UTC now, and the type of anything that stands in for it in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, in UTC: times are stored and compared in UTC; the desk's zone is for display and its cron."""
    return datetime.now(UTC)
