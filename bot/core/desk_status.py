"""What `/commsdesk` shows: the desk's live state and a private preview of yesterday's digest, as ports."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.core.digest import BacklogItem, Digest


class DeskState(BaseModel):
    """The desk at one moment: queue, backlog, X budget and which worker jobs are running."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime  # in the desk time zone
    outbox_depth: int
    outbox_oldest_age_seconds: float
    open_mentions: int
    overdue_mentions: int
    x_reads_month: int
    x_read_budget: int
    leases_held: tuple[str, ...]
    oldest_open: tuple[BacklogItem, ...]  # oldest first, at most a screenful

    @property
    def budget_used_pct(self) -> float:
        return 100 * self.x_reads_month / self.x_read_budget if self.x_read_budget else 0.0


class DeskStatus(Protocol):
    """Where the desk's live state is read from."""

    def current(self) -> DeskState: ...


class DigestPreview(Protocol):
    """Yesterday's desk roll-up digest, built on demand and posted nowhere."""

    def yesterday(self) -> Digest: ...
