"""`commsdesk run`: web and worker in one process; Socket Mode when SLACK_APP_TOKEN is set.

In Socket Mode the bot and app tokens are enough (no signing secret, no public URL). The process lives only as
long as both halves do: a Slack listener that stays disconnected, or a worker that dies, stops it with a clear
error and a non-zero exit, so whatever supervises it restarts a whole desk rather than half of one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import click
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackClientError

from bot.app import create_app
from bot.cli._common import fail
from bot.cli.web import THREADS, Gunicorn, metrics_or_exit, serve_metrics, web_app_loader
from bot.logs import get_logger
from bot.runtime import start_services
from bot.services import Services
from bot.web.metrics_server import MetricsServer
from bot.worker import build_worker
from config.settings import SettingsError

log = get_logger(__name__)
LISTENER_GRACE_SECONDS = 60.0  # the SDK reconnects on its own; past this the listener counts as dead
CHECK_SECONDS = 1.0


def watch(
    listener_up: Callable[[], bool],
    worker_alive: Callable[[], bool],
    grace: float = LISTENER_GRACE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Wait until the worker dies or the listener has been down for `grace` seconds; return why, for the log."""
    down_since: float | None = None
    while True:
        if not worker_alive():
            return "the worker stopped: check the log above for its error"
        if listener_up():
            down_since = None
        else:
            down_since = clock() if down_since is None else down_since
            if clock() - down_since >= grace:
                return (
                    f"the Slack Socket Mode connection has been down for {grace:.0f} s: check SLACK_APP_TOKEN "
                    "(app-level token with connections:write) and that this host can reach Slack"
                )
        sleep(CHECK_SECONDS)


def run_socket_mode(services: Services, metrics: MetricsServer, grace: float = LISTENER_GRACE_SECONDS) -> str:
    """Connect to Slack over Socket Mode, run the worker beside it, and return why the process must stop."""
    settings = services.settings
    app = create_app(settings, services, socket_mode=True)
    handler = SocketModeHandler(app, settings.secret("slack_app_token"))
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except (SlackClientError, OSError) as exc:
        return (
            f"could not open a Slack Socket Mode connection ({type(exc).__name__}): check SLACK_APP_TOKEN "
            "(app-level token with connections:write) and that this host can reach Slack"
        )
    serve_metrics(metrics, services)
    stop = threading.Event()
    worker = threading.Thread(target=build_worker(services).run_forever, args=(stop,), daemon=True, name="worker")
    worker.start()
    log.info("socket mode connected; worker running")
    try:
        return watch(handler.client.is_connected, worker.is_alive, grace)
    finally:
        stop.set()
        handler.close()  # type: ignore[no-untyped-call]


@click.command()
def run() -> None:
    """Run web and worker together: Socket Mode with SLACK_APP_TOKEN (no public URL), else HTTP on $PORT."""
    services = start_services("slack_bot_token", "x_bearer_token")
    settings = services.settings
    metrics = metrics_or_exit(settings)
    if settings.slack_app_token is not None:
        reason = run_socket_mode(services, metrics)
        log.error("stopping", reason=reason)
        fail(f"commsdesk run stopped: {reason}", code=1)
    try:
        settings.require("slack_signing_secret")
    except SettingsError as exc:
        fail(f"{exc} (or set SLACK_APP_TOKEN to use Socket Mode)")

    def post_worker_init(_: Any) -> None:
        threading.Thread(
            target=build_worker(start_services("slack_bot_token", "x_bearer_token")).run_forever,
            args=(threading.Event(),),
            daemon=True,
            name="worker",
        ).start()

    Gunicorn(
        {
            "bind": f"0.0.0.0:{settings.port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": THREADS,
            "timeout": 30,
            "accesslog": None,
            "errorlog": "-",
            "post_worker_init": post_worker_init,
        },
        web_app_loader(metrics),
    ).run()
