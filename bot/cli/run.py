"""`commsdesk run`: web and worker in one process; Socket Mode when SLACK_APP_TOKEN is set."""

from __future__ import annotations

import threading
from typing import Any

import click
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import create_app
from bot.cli.web import THREADS, Gunicorn, build_web_app
from bot.runtime import start_services
from bot.worker import build_worker


def _start_worker_thread() -> None:
    services = start_services("slack_bot_token", "x_bearer_token")
    threading.Thread(target=build_worker(services).run_forever, args=(threading.Event(),), daemon=True,
                     name="worker").start()  # fmt: skip


@click.command()
def run() -> None:
    """Run web and worker together: Socket Mode with SLACK_APP_TOKEN (no public URL), else HTTP on $PORT."""
    services = start_services("slack_bot_token", "x_bearer_token")
    settings = services.settings
    if settings.slack_app_token is not None:
        stop = threading.Event()
        threading.Thread(target=build_worker(services).run_forever, args=(stop,), daemon=True, name="worker").start()
        SocketModeHandler(create_app(settings, services), settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
        return
    settings.require("slack_signing_secret")

    def post_worker_init(_: Any) -> None:
        _start_worker_thread()

    Gunicorn(
        {"bind": f"0.0.0.0:{settings.port}", "workers": 1, "worker_class": "gthread", "threads": THREADS,
         "timeout": 30, "accesslog": None, "errorlog": "-", "post_worker_init": post_worker_init},
        build_web_app,
    ).run()  # fmt: skip
