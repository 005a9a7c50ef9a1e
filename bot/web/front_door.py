"""The WSGI application behind `commsdesk web`: a hardened front door for Bolt and health checks.

Every POST to /slack/events is bounded in size, its signature headers checked for shape, its HMAC verified
over the raw bytes, its body parsed and checked against replays, all before Bolt or any log line sees it. Bad
requests get 401 (signature), 400 (body), 413 (size) or 503 (the replay check cannot reach Redis), never a
500, and their bodies are never logged. /metrics is served on its own internal listener (`bot.web.metrics_server`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest

from bot.adapters.store import SeenRequests
from bot.core.errors import CommsDeskError, UpstreamError
from bot.logs import get_logger
from bot.web.metrics import REQUEST_SECONDS, REQUESTS_REJECTED

log = get_logger(__name__)

MAX_BODY_BYTES = 1024 * 1024
SIGNATURE_WINDOW_SECONDS = 300
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = Mapping[str, Any]


class Rejected(CommsDeskError):
    """A request refused at the door; `status` and `reason` are safe to log and to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _json(status: int, payload: Mapping[str, Any]) -> Response:
    return Response(status, json.dumps(payload).encode())


def read_body(environ: Environ, limit: int = MAX_BODY_BYTES) -> bytes:
    """Read at most `limit` bytes of the body, refusing larger ones without reading them."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared:
        if not declared.isdigit():
            raise Rejected(400, "bad content-length")
        if int(declared) > limit:
            raise Rejected(413, "body too large")
    body: bytes = environ["wsgi.input"].read(int(declared) if declared else limit + 1)
    if len(body) > limit:
        raise Rejected(413, "body too large")
    return body


def verify_signature(secret: bytes, headers: Mapping[str, str], body: bytes, now: float) -> str:
    """Check Slack's signing headers for shape, freshness and HMAC; return the signature."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Rejected(401, "missing or malformed timestamp")
    if abs(now - int(timestamp)) > SIGNATURE_WINDOW_SECONDS:
        raise Rejected(401, "stale or future timestamp")
    if not _SIGNATURE.fullmatch(signature):
        raise Rejected(401, "missing or malformed signature")
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Rejected(401, "signature mismatch")
    return signature


def parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """Decode and parse a verified body the way Bolt will, so malformed ones stop here with a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "body is not UTF-8") from None
    try:
        if content_type.startswith("application/json"):
            parsed = json.loads(text)
            if not isinstance(parsed, dict):
                raise ValueError("not an object")
            return parsed
        if content_type.startswith("application/x-www-form-urlencoded"):
            form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True, strict_parsing=bool(text)).items()}
            if "payload" in form:
                payload = json.loads(form["payload"])
                if not isinstance(payload, dict):
                    raise ValueError("payload not an object")
                return payload
            return form
    except ValueError:
        raise Rejected(400, "malformed body") from None
    raise Rejected(400, "unsupported content type")


def _headers(environ: Environ) -> dict[str, str]:
    out = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    if "CONTENT_TYPE" in environ:
        out["content-type"] = str(environ["CONTENT_TYPE"])
    return out


class WebApp:
    """Route /slack/events, /healthz and (when Meta is on) /meta/webhooks; everything else (/metrics too) is 404."""

    def __init__(
        self,
        bolt: App,
        signing_secret: str,
        seen: SeenRequests,
        meta: Callable[[Environ], Response] | None = None,
    ) -> None:
        self._bolt = bolt
        self._secret = signing_secret.encode()
        self._seen = seen
        self._meta = meta  # bot.web.meta_door.MetaWebhooks

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/slack/events":
            response = self.slack_events(environ) if method == "POST" else _json(405, {"error": "use POST"})
        elif path == "/healthz" and method in ("GET", "HEAD"):
            response = self.healthz()
        elif path == "/meta/webhooks" and self._meta is not None:
            response = self._meta(environ)
        else:
            response = _json(404, {"error": "not found"})
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body)))]
        start_response(f"{response.status} {_REASONS.get(response.status, '')}", headers + list(response.headers))
        return [response.body]

    def healthz(self) -> Response:
        if not self._seen.reachable():
            return _json(503, {"status": "unavailable", "redis": "unreachable"})
        return _json(200, {"status": "ok", "redis": "ok"})

    def slack_events(self, environ: Environ) -> Response:
        started = time.perf_counter()
        headers = _headers(environ)
        try:
            body = read_body(environ)
            signature = verify_signature(self._secret, headers, body, time.time())
            parsed = parse_body(body, headers.get("content-type", ""))
            if self._already_handled(signature, parsed):
                return Response(200, b"", "text/plain")
        except Rejected as rejected:
            REQUESTS_REJECTED.labels(reason=rejected.reason).inc()
            log.warning("slack request rejected", status=rejected.status, reason=rejected.reason)
            return _json(rejected.status, {"error": rejected.reason})
        bolt_response = self._bolt.dispatch(
            BoltRequest(
                body=body.decode("utf-8"),
                query=environ.get("QUERY_STRING", ""),
                headers={k: [v] for k, v in headers.items()},
            )
        )
        REQUEST_SECONDS.observe(time.perf_counter() - started)
        content_type = (bolt_response.headers.get("content-type") or ["application/json"])[0]
        return Response(bolt_response.status, bolt_response.body.encode(), content_type)

    def _already_handled(self, signature: str, parsed: Mapping[str, Any]) -> bool:
        """Drop exact replays and Events API retries of an event we already took; 503 when that cannot be told."""
        try:
            if not self._seen.first_signature(signature):
                log.info("replayed slack request dropped")
                return True
            event_id = parsed.get("event_id")
            if isinstance(event_id, str) and not self._seen.first_event(event_id):
                log.info("duplicate slack event dropped", event_id=event_id)
                return True
        except UpstreamError:
            # Fail closed: without the check a captured request could be replayed; Slack retries a 503.
            raise Rejected(503, "replay check unavailable: redis unreachable") from None
        return False
