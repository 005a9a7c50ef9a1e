"""`commsdesk worker [--once]`: scheduled jobs and the Slack outbox; /metrics and /healthz on WORKER_METRICS_PORT."""

from __future__ import annotations

import signal
import threading

import click

from bot.adapters.store import StateReader
from bot.cli._common import fail
from bot.core.errors import ConfigurationError
from bot.runtime import start_services
from bot.web.metrics import REGISTRY, state_registry
from bot.web.metrics_server import bind_metrics
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
    settings = services.settings
    try:
        metrics = bind_metrics(settings.metrics_host, settings.worker_metrics_port, "WORKER_METRICS_PORT")
    except ConfigurationError as exc:
        fail(str(exc))
    # this process's own counters (ingested, posted, SLA, 429s), the shared state gauges and the heartbeat age
    registries = [REGISTRY, state_registry(StateReader(services.redis)), jobs.heartbeat.registry()]
    metrics.serve(registries, health=jobs.heartbeat.health)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        jobs.run_forever(stop)
    finally:
        metrics.close()
