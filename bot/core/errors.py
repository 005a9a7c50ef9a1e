"""The one exception tree of Comms Desk.

    CommsDeskError                 base: every error we raise on purpose
    ├── ConfigurationError         settings or desk config unusable; message says what to fix
    │   ├── SettingsError          (config.settings) environment variables missing or invalid
    │   ├── DeskConfigError        (config.desk) the desk config file unreadable or invalid
    │   └── UnreadableSecret       a stored token COMMSDESK_SECRET_KEY cannot decrypt (key changed, record altered)
    ├── PageError                  (bot.core.pages) not shaped like an X API v2 response; also a ValueError
    ├── Rejected                   (bot.web.front_door) a Slack request refused at the door; `status`, `reason`
    ├── NotFound                   a mention, request or card that does not exist (or expired)
    ├── Conflict                   a compare-and-set lost: claimed by someone else, already decided
    ├── Forbidden                  the actor may not do this (not an approver, own request)
    ├── InvalidInput               user or payload input rejected; `errors` maps field -> message
    └── UpstreamError              Slack, X or Redis failed after bounded retries
        ├── RateLimited            429 from an upstream; `retry_after` seconds when known
        ├── SlackRefused           Slack's Web API refused a call; `error`, `status`, `retry_after` say why
        └── XRefused               X refused a post for good (deleted post, not allowed, duplicate); `reason`

Handlers catch `CommsDeskError` subclasses to tell the user something useful; anything else reaches the
global error handler, which logs it with the traceback. This module imports nothing, so `config` (which must not
depend on the bot) can root its own errors here without an import cycle.
"""

from __future__ import annotations


class CommsDeskError(Exception):
    """Base of every error Comms Desk raises on purpose."""


class ConfigurationError(CommsDeskError):
    """Settings or desk config cannot be used."""


class UnreadableSecret(ConfigurationError):
    """A stored token cannot be decrypted with COMMSDESK_SECRET_KEY: the key changed or the record was altered."""


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


class SlackRefused(UpstreamError):
    """Slack's Web API refused a call: `error` is Slack's code, `status` the HTTP status."""

    TRANSIENT = frozenset({"ratelimited", "fatal_error", "internal_error", "service_unavailable"})
    GONE = frozenset({"message_not_found", "channel_not_found", "cant_update_message"})

    def __init__(self, error: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"Slack refused the call ({error or status}); `commsdesk check` shows what the bot lacks.")
        self.error = error
        self.status = status
        self.retry_after = retry_after

    @property
    def rate_limited(self) -> bool:
        return self.status == 429

    @property
    def transient(self) -> bool:
        """Worth trying again later: Slack is busy or failing, not refusing this call for good."""
        return self.status >= 500 or self.error in self.TRANSIENT

    @property
    def gone(self) -> bool:
        """The message or its channel no longer exists, so there is nothing left to change."""
        return self.error in self.GONE


class XRefused(UpstreamError):
    """X refused a post for good: `reason` is X's own explanation, shown to the person who wrote it."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(f"X refused the reply ({status}): {reason}")
        self.reason = reason
        self.status = status
