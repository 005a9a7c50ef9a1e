"""The one exception tree of Comms Desk.

    CommsDeskError                 base: every error we raise on purpose
    ├── ConfigurationError         settings or desk config unusable; message says what to fix
    ├── NotFound                   a mention, request or card that does not exist (or expired)
    ├── Conflict                   a compare-and-set lost: claimed by someone else, already decided
    ├── Forbidden                  the actor may not do this (not an approver, own request)
    ├── InvalidInput               user or payload input rejected; `errors` maps field -> message
    └── UpstreamError              Slack, X or Redis failed after bounded retries
        └── RateLimited            429 from an upstream; `retry_after` seconds when known

Handlers catch `CommsDeskError` subclasses to tell the user something useful; anything else reaches the
global error handler, which logs it with the traceback.
"""

from __future__ import annotations


class CommsDeskError(Exception):
    """Base of every error Comms Desk raises on purpose."""


class ConfigurationError(CommsDeskError):
    """Settings or desk config cannot be used."""


class NotFound(CommsDeskError):
    """The thing asked for does not exist or has expired."""


class Conflict(CommsDeskError):
    """A compare-and-set lost to another change."""


class Forbidden(CommsDeskError):
    """The actor is not allowed to do this."""


class InvalidInput(CommsDeskError):
    """Input rejected; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class UpstreamError(CommsDeskError):
    """An outside service failed after bounded retries."""


class RateLimited(UpstreamError):
    """An outside service answered 429."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
