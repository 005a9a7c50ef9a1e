"""create_app: the Bolt app with its middleware, listeners and the one error handler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from logging import Logger
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.logs import get_logger
from bot.services import Services
from config.settings import Settings
from handlers import register_all

log = get_logger(__name__)


def create_app(settings: Settings, services: Services, *, socket_mode: bool = False) -> App:
    """Build the Bolt app; it makes no network call until a request arrives.

    Over HTTP every request must carry Slack's signature; in Socket Mode the app-level token authenticates the
    connection, so no signing secret is needed.
    """
    settings.require("slack_bot_token", "slack_app_token" if socket_mode else "slack_signing_secret")
    secret = settings.slack_signing_secret
    app = App(
        client=services.slack,
        signing_secret=secret.get_secret_value() if secret and not socket_mode else "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
    )
    listener_services = services.for_listeners()

    @app.middleware
    def inject_services(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        """Put every service into the context so listeners receive them by parameter name."""
        context.update(listener_services)
        return next()

    @app.error
    def handle_error(error: Exception, body: dict[str, Any], logger: Logger) -> None:
        """Log unexpected failures with their traceback; the user sees Slack's generic failure."""
        log.error(
            "listener failed",
            error_type=type(error).__name__,
            payload_type=body.get("type") or body.get("command"),
            exc_info=error,
        )

    register_all(app)
    return app
