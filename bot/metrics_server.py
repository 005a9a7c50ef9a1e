"""Serve Prometheus metrics on their own listener (METRICS_HOST:METRICS_PORT), never on the public Slack port.

The socket is bound where the process starts, so a taken port stops it with a clear message before anything
else runs; serving starts later in the process that owns the counters (gunicorn's worker, after the fork).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.core.errors import ConfigurationError
from bot.logs import get_logger

log = get_logger(__name__)


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

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._server.server_port}"

    def serve(self, registries: Sequence[CollectorRegistry]) -> None:
        """Start answering GET /metrics with `registries`, in a daemon thread."""
        self._registries = tuple(registries)
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
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]


def bind_metrics(host: str, port: int) -> MetricsServer:
    """Bind the metrics listener, or raise ConfigurationError saying which variables to change."""
    try:
        return MetricsServer(host, port)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot serve /metrics on {host}:{port} ({exc.strerror}): set METRICS_PORT to a free port "
            "or METRICS_HOST to an address of this machine"
        ) from None
