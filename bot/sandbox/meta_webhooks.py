"""Send Meta webhook deliveries to a running web app, signed for real with `X-Hub-Signature-256`."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import requests

APP_SECRET = "0c9f2b6e4a1d8c7b5e3f2a1d0c9b8a7f"
VERIFY_TOKEN = "midshire-verify-7d1c"


def hub_signature(secret: str, body: bytes) -> str:
    """Meta's signature: HMAC-SHA256 of the raw body with the app secret, as `sha256=<hex>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class MetaDeliveries:
    """POST signed deliveries and GET verification handshakes to `base_url`/meta/webhooks."""

    base_url: str
    secret: str = APP_SECRET

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/meta/webhooks"

    def send(self, payload: dict[str, Any]) -> requests.Response:
        return self.send_raw(json.dumps(payload).encode())

    def send_raw(self, body: bytes, signature: str | None = None) -> requests.Response:
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": hub_signature(self.secret, body) if signature is None else signature,
        }
        return requests.post(self.endpoint, data=body, headers=headers, timeout=10)

    def verify(self, token: str, challenge: str = "1158201444", mode: str = "subscribe") -> requests.Response:
        params = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
        return requests.get(self.endpoint, params=params, timeout=10)
