"""Build realistic Slack payloads and send them, signed for real, to a running web app (demo, tests, bench)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = {"id": "T0MIDSHIRE", "domain": "midshire"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


@dataclass
class SlackRequests:
    """Send signed slash commands, block actions, view submissions and events to `base_url`/slack/events."""

    base_url: str
    secret: str = SIGNING_SECRET

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/slack/events"

    def post_raw(self, body: bytes, headers: dict[str, str]) -> requests.Response:
        return requests.post(self.endpoint, data=body, headers=headers, timeout=10)

    def post_signed(self, body: bytes, content_type: str, timestamp: int | None = None) -> requests.Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(self.secret, ts, body),
        }
        return self.post_raw(body, headers)

    def form(self, fields: dict[str, str]) -> requests.Response:
        return self.post_signed(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def command(self, command: str, text: str = "", user_id: str = "U0OFFICER01", **extra: str) -> requests.Response:
        return self.form(
            {
                "token": "legacy",
                "team_id": TEAM["id"],
                "team_domain": TEAM["domain"],
                "channel_id": "C0FORCE0001",
                "channel_name": "force",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0COMMSDESK",
                "response_url": "https://hooks.slack.com/commands/T/1/x",
                "trigger_id": f"1337.{int(time.time() * 1000)}.abc",
                **extra,
            }
        )

    def interaction(self, payload: dict[str, Any]) -> requests.Response:
        return self.form({"payload": json.dumps(payload)})

    def block_action(
        self,
        action_id: str,
        value: str = "",
        user_id: str = "U0OFFICER01",
        channel: str = "C0FORCE0001",
        message_ts: str = "1700000000.000100",
        message: dict[str, Any] | None = None,
        selected_option: str | None = None,
    ) -> requests.Response:
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": "actions",
            "type": "button",
            "value": value,
            "action_ts": f"{time.time():.6f}",
        }
        if selected_option is not None:
            action = {
                **action,
                "type": "static_select",
                "selected_option": {"value": selected_option, "text": {"type": "plain_text", "text": "x"}},
            }
        return self.interaction(
            {
                "type": "block_actions",
                "team": TEAM,
                "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM["id"]},
                "api_app_id": "A0COMMSDESK",
                "token": "legacy",
                "trigger_id": f"1337.{int(time.time() * 1000)}.abc",
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "channel": {"id": channel, "name": "channel"},
                "message": message or {"type": "message", "ts": message_ts, "text": "", "blocks": []},
                "response_url": "https://hooks.slack.com/actions/T/1/x",
                "actions": [action],
            }
        )

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        user_id: str = "U0OFFICER01",
        private_metadata: str = "",
        view_id: str = "V0VIEW0001",
    ) -> requests.Response:
        return self.interaction(
            {
                "type": "view_submission",
                "team": TEAM,
                "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM["id"]},
                "api_app_id": "A0COMMSDESK",
                "token": "legacy",
                "trigger_id": f"1337.{int(time.time() * 1000)}.abc",
                "view": {
                    "id": view_id,
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                    "hash": "1.abc",
                    "title": {"type": "plain_text", "text": "x"},
                    "blocks": [],
                },
            }
        )

    def event(self, event: dict[str, Any], event_id: str = "Ev0001", retry_num: int | None = None) -> requests.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM["id"],
                "api_app_id": "A0COMMSDESK",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
            }
        ).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(self.secret, ts, body),
        }
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post_raw(body, headers)


def eventually(predicate: Any, timeout: float = 5.0, interval: float = 0.02) -> Any:
    """Poll `predicate` until it returns something truthy (Bolt runs listeners after the ack)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {predicate}")
        time.sleep(interval)
