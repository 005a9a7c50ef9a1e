"""`commsdesk web`: serve /slack/events and /healthz on 0.0.0.0:$PORT, /metrics on METRICS_HOST:METRICS_PORT."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from bot.adapters.store import StateReader
from bot.app import create_app
from bot.cli._common import fail
from bot.core.errors import ConfigurationError
from bot.metrics import REGISTRY, state_registry
from bot.metrics_server import MetricsServer, bind_metrics
from bot.runtime import start_services
from bot.services import Services
from bot.web import WebApp
from config.settings import Settings

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


def metrics_or_exit(settings: Settings) -> MetricsServer:
    """Bind the internal /metrics listener before anything else starts, or exit saying what to change."""
    try:
        return bind_metrics(settings.metrics_host, settings.metrics_port)
    except ConfigurationError as exc:
        fail(str(exc))


def serve_metrics(metrics: MetricsServer, services: Services) -> None:
    """Serve this process's counters and the shared state gauges on the bound metrics listener."""
    metrics.serve([REGISTRY, state_registry(StateReader(services.redis))])


def web_app_loader(metrics: MetricsServer) -> Callable[[], WebApp]:
    """Return what gunicorn's worker calls after the fork: services, Bolt, the front door and /metrics."""

    def load() -> WebApp:
        services = start_services("slack_bot_token", "slack_signing_secret")
        bolt = create_app(services.settings, services)
        assert services.settings.slack_signing_secret is not None
        serve_metrics(metrics, services)
        return WebApp(bolt, services.settings.slack_signing_secret.get_secret_value(), services.redis)

    return load


@click.command()
def web() -> None:
    """Serve Slack's Request URL (/slack/events) and /healthz on 0.0.0.0:$PORT; /metrics on METRICS_PORT."""
    settings = start_services("slack_bot_token", "slack_signing_secret").settings
    metrics = metrics_or_exit(settings)
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
    Gunicorn(options, web_app_loader(metrics)).run()
