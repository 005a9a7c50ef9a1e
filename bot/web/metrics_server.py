"""Serve Prometheus metrics on their own listener (METRICS_HOST:METRICS_PORT), never on the public Slack port.

The worker serves its own listener (METRICS_HOST:WORKER_METRICS_PORT) with a `/healthz` beside `/metrics`, so an
orchestrator can restart a worker whose loop has stopped beating.

The socket is bound where the process starts, so a taken port stops it with a clear message before anything
else runs; serving starts later in the process that owns the counters (gunicorn's worker, after the fork).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.core.errors import ConfigurationError
from bot.logs import get_logger

log = get_logger(__name__)
Health = Callable[[], tuple[bool, dict[str, object]]]  # healthy?, and what to say about it


class _QuietHandler(WSGIRequestHandler):
    """Answer scrapes without wsgiref's per-request line on stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        return


class MetricsServer:
    """A /metrics listener apart from the public door: bind once, then serve chosen registries in a thread."""

    def __init__(self, host: str, port: int) -> None:
        self._server = WSGIServer((host, port), _QuietHandler)
        self._server.set_app(self)
        self._host = host
        self._registries: tuple[CollectorRegistry, ...] = ()
        self._health: Health | None = None

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._server.server_port}"

    def serve(self, registries: Sequence[CollectorRegistry], health: Health | None = None) -> None:
        """Start answering GET /metrics with `registries` (and /healthz with `health`, if given) in a daemon thread."""
        self._registries = tuple(registries)
        self._health = health
        threading.Thread(target=self._server.serve_forever, daemon=True, name="metrics").start()
        log.info("metrics served", url=f"{self.url}/metrics")

    def close(self) -> None:
        """Stop serving (if started) and release the port."""
        if self._registries:
            self._server.shutdown()
        self._server.server_close()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/metrics" and environ.get("REQUEST_METHOD") == "GET":
            body = b"".join(generate_latest(registry) for registry in self._registries)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
            return [body]
        if environ.get("PATH_INFO") == "/healthz" and self._health is not None:
            healthy, detail = self._health()
            body = json.dumps({"status": "ok" if healthy else "unavailable", **detail}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]


def bind_metrics(host: str, port: int, port_variable: str = "METRICS_PORT") -> MetricsServer:
    """Bind the metrics listener, or raise ConfigurationError saying which variables to change."""
    try:
        return MetricsServer(host, port)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot serve /metrics on {host}:{port} ({exc.strerror}): set {port_variable} to a free port "
            "or METRICS_HOST to an address of this machine"
        ) from None
