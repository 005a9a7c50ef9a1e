"""`commsdesk web`: serve /slack/events, /healthz and /metrics with gunicorn on 0.0.0.0:$PORT."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from bot.app import create_app
from bot.runtime import start_services
from bot.web import WebApp

THREADS = 16


class Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn configured in code, loading the app inside the worker process (after fork)."""

    def __init__(self, options: dict[str, Any], load: Callable[[], WebApp]) -> None:
        self._options = options
        self._load = load
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WebApp:
        return self._load()


def build_web_app() -> WebApp:
    """Build services and the Bolt app, wrapped in the hardened WSGI front door."""
    services = start_services("slack_bot_token", "slack_signing_secret")
    bolt = create_app(services.settings, services)
    assert services.settings.slack_signing_secret is not None
    return WebApp(bolt, services.settings.slack_signing_secret.get_secret_value(), services.redis)


@click.command()
def web() -> None:
    """Serve Slack's Request URL (/slack/events), /healthz and /metrics on 0.0.0.0:$PORT."""
    settings = start_services("slack_bot_token", "slack_signing_secret").settings
    options = {
        "bind": f"0.0.0.0:{settings.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
    }
    Gunicorn(options, build_web_app).run()
