"""create_app: the Bolt app with its middleware, listeners and the one error handler."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.failure import build_failure_notice
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
    def handle_error(error: Exception, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Log an unexpected failure with a request id and tell the person privately, quoting that id."""
        request_id = uuid.uuid4().hex[:12]
        log.error(
            "listener failed",
            request_id=request_id,
            error_type=type(error).__name__,
            payload_type=body.get("type") or body.get("command"),
            exc_info=error,
        )
        if not context.user_id:
            return
        try:
            _tell_privately(client, context.channel_id, context.user_id, build_failure_notice(body, request_id))
        except SlackClientError as exc:
            log.warning("could not tell the user about a failure", request_id=request_id, error=type(exc).__name__)

    register_all(app)
    return app


def _tell_privately(client: WebClient, channel: str | None, user: str, text: str) -> None:
    """Answer where the person is, seen only by them; by DM when there is no channel or the bot is not in it."""
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except SlackApiError:
            pass
    client.chat_postMessage(channel=user, text=text)
