"""A loopback HTTP server in a daemon thread, shared by the Slack and X stand-ins."""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Request:
    """One HTTP request as the stand-ins see it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def bearer_token(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""

    def params(self) -> dict[str, Any]:
        """Merge query string and body (JSON or form-encoded) into one dict, body winning."""
        merged: dict[str, Any] = dict(self.query)
        if not self.body:
            return merged
        if self.headers.get("content-type", "").startswith("application/json"):
            parsed = json.loads(self.body.decode("utf-8"))
            if isinstance(parsed, dict):
                merged.update(parsed)
        else:
            merged.update(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))
        return merged


@dataclass
class Reply:
    """What to answer: a JSON body with status and headers, or a dropped connection."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that left mid-answer (timeouts against hangs); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Serve `handle(request) -> Reply` on 127.0.0.1 with an OS-chosen port."""

    def __init__(self) -> None:
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    @property
    def origin(self) -> str:
        if self._httpd is None:
            raise RuntimeError("sandbox not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self.stopping.clear()
        self._httpd = _QuietHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()  # wakes handlers sleeping in delays or hangs
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd = None

    def pause(self, seconds: float) -> None:
        """Sleep in a handler thread, waking early when the server stops."""
        if seconds > 0:
            self.stopping.wait(seconds)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle plus delayed ACK adds ~40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=url.path,
                query=dict(parse_qsl(url.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = server.handle(request)
            if reply.drop:
                # Linger 0 makes close() send RST: the client sees a reset with no response.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            payload = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            """Keep test output quiet; the stand-ins record calls instead."""

    return Handler
