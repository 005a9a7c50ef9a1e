"""The composition root's builder: the one place adapters and use cases are constructed."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.adapters.store import AuditLog, Leases, connect
from config.desk import Desk
from config.settings import Settings

SLACK_TIMEOUT_SECONDS = 10


@dataclass
class Services:
    """Everything listeners and jobs need, built once per process."""

    settings: Settings
    desk: Desk
    redis: redis.Redis
    slack: WebClient
    audit: AuditLog
    leases: Leases

    def for_listeners(self) -> dict[str, object]:
        """Services put into Bolt's context, each injected into listeners by this name."""
        return {"desk": self.desk, "audit": self.audit}


def build_slack_client(settings: Settings) -> WebClient:
    """Build the Web API client: Slack's base URL (overridable), timeouts, 429 and 5xx retries."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2)],
    )


def build_services(settings: Settings, desk: Desk) -> Services:
    """Connect to Redis and Slack lazily (no I/O here) and assemble the use cases."""
    client = connect(settings.redis_url)
    return Services(
        settings=settings,
        desk=desk,
        redis=client,
        slack=build_slack_client(settings),
        audit=AuditLog(client),
        leases=Leases(client),
    )
