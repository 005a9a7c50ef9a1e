"""The Meta door's answers that need no running app: Redis gone, other methods, and the check order."""

from __future__ import annotations

import io
import json

from bot.core.errors import UpstreamError
from bot.sandbox.meta_webhooks import APP_SECRET, VERIFY_TOKEN, hub_signature
from bot.web.meta_door import MetaWebhooks

BODY = json.dumps({"object": "page", "entry": []}).encode()


class UnreachableInbox:
    """Our inbox port when Redis does not answer."""

    def queue_once(self, body: bytes) -> bool:
        raise UpstreamError("Redis did not take the Meta delivery: connection refused")


class RecordingInbox:
    def __init__(self) -> None:
        self.queued: list[bytes] = []

    def queue_once(self, body: bytes) -> bool:
        self.queued.append(body)
        return True


def post(door: MetaWebhooks, body: bytes, signature: str) -> int:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_HUB_SIGNATURE_256": signature,
        "wsgi.input": io.BytesIO(body),
    }
    return door(environ).status


def test_a_valid_delivery_redis_cannot_take_is_503_so_meta_retries() -> None:
    door = MetaWebhooks(APP_SECRET, VERIFY_TOKEN, UnreachableInbox())
    assert post(door, BODY, hub_signature(APP_SECRET, BODY)) == 503


def test_the_signature_is_checked_before_the_body_is_parsed() -> None:
    inbox = RecordingInbox()
    door = MetaWebhooks(APP_SECRET, VERIFY_TOKEN, inbox)
    assert post(door, b"not json", hub_signature("wrong", b"not json")) == 401  # not 400: never parsed
    assert post(door, BODY, hub_signature(APP_SECRET, BODY)) == 200
    assert inbox.queued == [BODY]


def test_other_methods_are_refused_and_an_unset_verify_token_verifies_nothing() -> None:
    door = MetaWebhooks(APP_SECRET, "", RecordingInbox())
    assert door({"REQUEST_METHOD": "PUT"}).status == 405
    handshake = "hub.mode=subscribe&hub.verify_token=&hub.challenge=123"
    assert door({"REQUEST_METHOD": "GET", "QUERY_STRING": handshake}).status == 403
