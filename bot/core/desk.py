"""What the core needs to know of the desk config, as read-only protocols.

`config.desk.Desk` satisfies these structurally; the core never imports `config`, so domain logic stays
testable with any object of this shape and the import direction stays one-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class AccountView(Protocol):
    @property
    def handle(self) -> str: ...
    @property
    def id(self) -> str: ...


class TeamView(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def accounts(self) -> Sequence[AccountView]: ...
    @property
    def places(self) -> Sequence[str]: ...


class TriageView(Protocol):
    @property
    def reply_sla_minutes(self) -> int: ...
    @property
    def urgent_sla_minutes(self) -> int: ...
    @property
    def emergency_terms(self) -> Sequence[str]: ...
    @property
    def crime_terms(self) -> Sequence[str]: ...
    @property
    def abuse_terms(self) -> Sequence[str]: ...
    @property
    def media_outlets(self) -> Sequence[str]: ...
    @property
    def hq_team(self) -> str: ...


class DeskView(Protocol):
    @property
    def teams(self) -> Sequence[TeamView]: ...
    @property
    def triage(self) -> TriageView: ...
