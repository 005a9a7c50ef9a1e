"""The metrics listener binds to loopback by default, serves only /metrics, and names the variable to change."""

from __future__ import annotations

import pytest
import requests
from prometheus_client import CollectorRegistry, Counter

from bot.core.errors import ConfigurationError
from bot.sandbox.redis_server import free_port
from bot.web.metrics_server import bind_metrics
from config.settings import Settings


def test_metrics_listen_on_loopback_port_9100_by_default() -> None:
    settings = Settings(_env_file=None)
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9100)


def test_metrics_server_serves_its_registries_and_nothing_else() -> None:
    registry = CollectorRegistry()
    Counter("commsdesk_probe_total", "A probe", registry=registry).inc()
    server = bind_metrics("127.0.0.1", free_port())
    server.serve([registry])
    try:
        scraped = requests.get(f"{server.url}/metrics", timeout=5)
        assert scraped.status_code == 200 and "commsdesk_probe_total 1.0" in scraped.text
        assert requests.get(f"{server.url}/slack/events", timeout=5).status_code == 404
    finally:
        server.close()


def test_a_taken_port_is_refused_naming_the_variable() -> None:
    first = bind_metrics("127.0.0.1", free_port())
    port = int(first.url.rsplit(":", 1)[1])
    try:
        with pytest.raises(ConfigurationError, match=f"cannot serve /metrics on 127.0.0.1:{port}.*METRICS_PORT"):
            bind_metrics("127.0.0.1", port)
    finally:
        first.close()
