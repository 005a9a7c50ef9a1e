"""What `/commsdesk` and App Home show: the desk's live state and yesterday's digest, limited to what a person may see.

Desk and control-room members see everything; a team channel member sees their teams' mentions and digest;
anyone else is refused with one line (and the refusal is audited). See `bot.core.access`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.core.access import Scope
from bot.core.digest import BacklogItem, Digest
from bot.core.errors import Forbidden
from bot.core.gatekeeper import Gatekeeper
from bot.core.ports import Audit
from bot.core.x_reads import ReadForecast


class WorkerBeat(BaseModel):
    """A worker's last main-loop turn; `alive` while its heartbeat has not expired (see bot/jobs/heartbeat.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    consumer: str  # host and pid
    last_beat: datetime
    alive: bool


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
    teams: tuple[str, ...] = ()  # the teams the mention figures are limited to; () is the whole desk
    workers: tuple[WorkerBeat, ...] = ()  # every worker seen in the last day, latest beat first
    x_forecast: ReadForecast | None = None  # a month's expected X reads for the desk's configuration

    @property
    def budget_used_pct(self) -> float:
        return 100 * self.x_reads_month / self.x_read_budget if self.x_read_budget else 0.0


class DeskStatus(Protocol):
    """Where the desk's live state is read from."""

    def current(self, teams: frozenset[str] | None = None) -> DeskState:
        """Read the state; with `teams`, count and list only those teams' open mentions."""


class DigestPreview(Protocol):
    """Yesterday's digests (desk roll-up first, then each team), built on demand and posted nowhere."""

    def yesterday(self) -> Sequence[Digest]: ...


class DeskViews:
    """Status, digest and the open queue for one person, limited by the access policy at the time of asking."""

    def __init__(self, gate: Gatekeeper, status: DeskStatus, digests: DigestPreview, audit: Audit) -> None:
        self._gate = gate
        self._status = status
        self._digests = digests
        self._audit = audit

    def status(self, user: str) -> DeskState:
        """Return the state `user` may see; raise Forbidden (audited) if they may see none of it."""
        scope = self._allowed(user, "status")
        return self._status.current(None if scope.everything else scope.teams)

    def digest(self, user: str) -> list[Digest]:
        """Return yesterday's desk roll-up, or the digests of `user`'s teams; raise Forbidden (audited) if none."""
        scope = self._allowed(user, "digest")
        digests = self._digests.yesterday()
        return [d for d in digests if (d.is_desk if scope.everything else d.team in scope.teams)]

    def queue(self, user: str) -> DeskState | None:
        """Return the open mentions `user` may see on App Home, or None; not audited, as opening Home asks nothing."""
        scope = self._gate.scope(user)
        return None if scope.refused else self._status.current(None if scope.everything else scope.teams)

    def _allowed(self, user: str, view: str) -> Scope:
        scope = self._gate.scope(user)
        if scope.refused:
            self._audit(user, f"commsdesk.{view}.refused", "commsdesk", why=scope.why)
            raise Forbidden(scope.why)
        return scope
