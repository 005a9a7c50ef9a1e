"""`commsdesk web`: serve /slack/events and /healthz on 0.0.0.0:$PORT, /metrics on METRICS_HOST:METRICS_PORT.

Gunicorn runs WEB_CONCURRENCY processes, each with its own counters, so `web` uses prometheus-client's
multiprocess mode: every process writes its counters to files in PROMETHEUS_MULTIPROC_DIR and whichever process
answers a scrape sums them all. prometheus-client picks that mode when it is imported, before any command runs,
so without the variable `web` re-executes itself once with a private directory, removed when gunicorn exits; a
directory you set yourself is emptied of old files at start. Files of a dead process's gauges go as it exits.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from gunicorn.app.base import BaseApplication
from prometheus_client import CollectorRegistry, multiprocess

from bot.adapters.store import SeenRequests, StateReader
from bot.app import create_app
from bot.cli._common import fail, settings_or_exit
from bot.core.errors import ConfigurationError
from bot.runtime import start_services
from bot.services import Services, build_meta_webhooks
from bot.web.front_door import WebApp
from bot.web.metrics import REGISTRY, state_registry
from bot.web.metrics_server import MetricsServer, bind_metrics
from config.settings import Settings

THREADS = 16
PRIVATE_DIR_PREFIX = "commsdesk-web-metrics-"


class Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn configured in code, loading the app inside the worker process (after fork)."""

    def __init__(self, options: dict[str, Any], load: Callable[[], Callable[..., Any]]) -> None:
        self._options = options
        self._load = load
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        return self._load()


def gunicorn_options(port: int, workers: int, log_level: str) -> dict[str, Any]:
    """How `web` runs gunicorn: threaded workers, bounded timeouts, no access log (Slack payloads stay out)."""
    return {
        "bind": f"0.0.0.0:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level.lower(),
    }


def metrics_or_exit(settings: Settings) -> MetricsServer:
    """Bind the internal /metrics listener before anything else starts, or exit saying what to change."""
    try:
        return bind_metrics(settings.metrics_host, settings.metrics_port)
    except ConfigurationError as exc:
        fail(str(exc))


def serve_metrics(metrics: MetricsServer, services: Services, multiprocess_dir: str | None = None) -> None:
    """Serve the counters (this process's, or every gunicorn process's summed) and the shared state gauges."""
    counters = REGISTRY
    if multiprocess_dir is not None:
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters, path=multiprocess_dir)  # type: ignore[no-untyped-call]
    metrics.serve([counters, state_registry(StateReader(services.redis))])


def web_app_loader(metrics: MetricsServer, multiprocess_dir: str | None = None) -> Callable[[], WebApp]:
    """Return what gunicorn's worker calls after the fork: services, Bolt, the front door and /metrics."""

    def load() -> WebApp:
        services = start_services("slack_bot_token", "slack_signing_secret")
        bolt = create_app(services.settings, services)
        serve_metrics(metrics, services, multiprocess_dir)
        return WebApp(
            bolt,
            services.settings.secret("slack_signing_secret"),
            SeenRequests(services.redis),
            build_meta_webhooks(services.settings, services.redis),
        )

    return load


def _private(directory: str) -> bool:
    """True for a metrics directory `web` made for itself (and so removes on exit)."""
    return Path(directory).name.startswith(PRIVATE_DIR_PREFIX) and Path(directory).parent == Path(tempfile.gettempdir())


def _multiprocess_hooks(directory: str) -> dict[str, Callable[..., None]]:
    """Gunicorn hooks: drop a dead worker's live gauge files; remove a private directory when gunicorn exits."""

    def child_exit(_: Any, worker: Any) -> None:
        multiprocess.mark_process_dead(worker.pid, directory)  # type: ignore[no-untyped-call]

    def on_exit(_: Any) -> None:
        if _private(directory):
            shutil.rmtree(directory, ignore_errors=True)

    return {"child_exit": child_exit, "on_exit": on_exit}


def _reexec_with_private_metrics_dir() -> None:
    """Start `web` again with a fresh PROMETHEUS_MULTIPROC_DIR set, so every counter is created in that mode."""
    directory = tempfile.mkdtemp(prefix=PRIVATE_DIR_PREFIX)
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": directory}
    os.execve(sys.executable, [sys.executable, "-m", "bot", *sys.argv[1:]], environment)


@click.command()
def web() -> None:
    """Serve Slack's Request URL (/slack/events) and /healthz on 0.0.0.0:$PORT; /metrics on METRICS_PORT."""
    directory = settings_or_exit().prometheus_multiproc_dir
    if directory is None:
        _reexec_with_private_metrics_dir()
        return
    settings = start_services("slack_bot_token", "slack_signing_secret").settings
    for stale in Path(directory).glob("*.db"):  # counters of an earlier run would be summed in otherwise
        stale.unlink()
    metrics = metrics_or_exit(settings)
    options = gunicorn_options(settings.port, settings.web_concurrency, settings.log_level)
    Gunicorn(options | _multiprocess_hooks(directory), web_app_loader(metrics, directory)).run()
