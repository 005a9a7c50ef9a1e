"""`commsdesk worker [--once]`: scheduled jobs and the Slack outbox."""

from __future__ import annotations

import signal
import threading

import click

from bot.runtime import start_services
from bot.worker import build_worker


@click.command()
@click.option("--once", is_flag=True, help="One poll cycle (mentions + own posts), drain the outbox, exit 0.")
def worker(once: bool) -> None:
    """Run all scheduled jobs and the Slack outbox; safe with any number of replicas."""
    services = start_services("slack_bot_token", "x_bearer_token")
    jobs = build_worker(services)
    if once:
        jobs.run_once()
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    jobs.run_forever(stop)
