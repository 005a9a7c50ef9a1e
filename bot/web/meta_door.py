"""Meta webhooks at /meta/webhooks: the subscription handshake and signed deliveries, by the Slack door's rules.

`GET` answers Meta's verification handshake: `hub.mode=subscribe` with our `hub.verify_token` echoes
`hub.challenge`; a wrong token is 403, a malformed handshake 400. `POST` deliveries are bounded in size (413),
their `X-Hub-Signature-256` checked for shape and against an HMAC-SHA256 of the raw body with the app secret
(401) before anything is parsed, then parsed (400 unless a JSON object with `object` and `entry`), then queued
once for the workers (a retried or replayed delivery is answered 200 and dropped; 503 when Redis cannot tell,
so Meta retries). Nothing here answers 500, and no body is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, Protocol
from urllib.parse import parse_qs

from bot.core.errors import UpstreamError
from bot.logs import get_logger
from bot.web.front_door import Environ, Rejected, Response, read_body
from bot.web.metrics import REQUESTS_REJECTED

log = get_logger(__name__)
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{1,128}")  # echoed back: never reflect anything that could be markup


class Inbox(Protocol):
    def queue_once(self, body: bytes) -> bool: ...


def verify_hub_signature(secret: bytes, header: str, body: bytes) -> None:
    """Check `X-Hub-Signature-256` is `sha256=<hex>` of the raw body under the app secret, or refuse with 401."""
    if not _SIGNATURE.fullmatch(header):
        raise Rejected(401, "missing or malformed hub signature")
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, header):
        raise Rejected(401, "hub signature mismatch")


def parse_delivery(body: bytes) -> dict[str, Any]:
    """Parse a verified delivery: a JSON object naming its `object` with a list of `entry`, or refuse with 400."""
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Rejected(400, "malformed body") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("object"), str):
        raise Rejected(400, "not a webhook delivery")
    if not isinstance(parsed.get("entry"), list):
        raise Rejected(400, "not a webhook delivery")
    return parsed


def _json(status: int, payload: dict[str, Any]) -> Response:
    return Response(status, json.dumps(payload).encode())


class MetaWebhooks:
    """The two halves of Meta's webhook contract for one app."""

    def __init__(self, app_secret: str, verify_token: str, inbox: Inbox) -> None:
        self._secret = app_secret.encode()
        self._verify_token = verify_token
        self._inbox = inbox

    def __call__(self, environ: Environ) -> Response:
        method = environ.get("REQUEST_METHOD", "")
        if method == "GET":
            return self.handshake(str(environ.get("QUERY_STRING", "")))
        if method == "POST":
            return self.deliver(environ)
        return _json(405, {"error": "use GET or POST"})

    def handshake(self, query: str) -> Response:
        params = {k: v[0] for k, v in parse_qs(query).items()}
        challenge, token = params.get("hub.challenge", ""), params.get("hub.verify_token", "")
        if params.get("hub.mode") != "subscribe" or not _CHALLENGE.fullmatch(challenge):
            return _json(400, {"error": "not a subscription handshake"})
        if not self._verify_token or not hmac.compare_digest(token.encode(), self._verify_token.encode()):
            log.warning("meta handshake refused: verify token mismatch")
            return _json(403, {"error": "verify token mismatch"})
        log.info("meta webhook subscription verified")
        return Response(200, challenge.encode(), "text/plain")

    def deliver(self, environ: Environ) -> Response:
        try:
            body = read_body(environ)
            verify_hub_signature(self._secret, str(environ.get("HTTP_X_HUB_SIGNATURE_256", "")), body)
            delivery = parse_delivery(body)
            try:
                fresh = self._inbox.queue_once(body)
            except UpstreamError:
                raise Rejected(503, "delivery not queued: redis unreachable") from None
        except Rejected as rejected:
            REQUESTS_REJECTED.labels(reason=rejected.reason).inc()
            log.warning("meta delivery rejected", status=rejected.status, reason=rejected.reason)
            return _json(rejected.status, {"error": rejected.reason})
        if not fresh:
            log.info("repeated meta delivery dropped", object=delivery["object"])
        return _json(200, {"ok": True})
