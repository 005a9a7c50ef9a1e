"""At DEBUG, the web and worker processes log no token, secret, mention text or body of a rejected request."""

from __future__ import annotations

import json
import time

import pytest
import requests

from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import free_port
from bot.sandbox.signed import SIGNING_SECRET, SlackRequests, sign
from tests.support.processes import SECRETS, Deployment

pytestmark = pytest.mark.slow
MARKER = "rejected-body-marker-7f3a"
MENTION_MARKER = "Quistmarker"  # a name in the mentions' text, which reaches Slack cards and X responses


def test_debug_logs_hold_no_secrets_or_rejected_bodies(
    deploy: Deployment, x_sandbox: XSandbox, slack_sandbox: SlackSandbox
) -> None:
    mention = "@{username} bike stolen by Amelia " + MENTION_MARKER + " {n}"
    x_sandbox.add_mentions("1400000000000000003", "MPNorthtown", count=3, text=mention)
    metrics_port = free_port()
    with deploy.web(METRICS_PORT=str(metrics_port)) as url:
        slack = SlackRequests(url)
        body = json.dumps({"type": "url_verification", "challenge": MARKER, "note": MARKER}).encode()
        now = str(int(time.time()))
        forged = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": now,
            "X-Slack-Signature": sign("not-the-secret", now, body),
        }
        assert slack.post_raw(body, forged).status_code == 401
        stale = str(int(now) - 600)
        replayed = forged | {"X-Slack-Request-Timestamp": stale, "X-Slack-Signature": sign(SIGNING_SECRET, stale, body)}
        assert slack.post_raw(body, replayed).status_code == 401
        assert slack.post_signed(b'{"broken": "' + MARKER.encode(), "application/json").status_code == 400
        assert (
            slack.post_signed(f"payload=%7B{MARKER}".encode(), "application/x-www-form-urlencoded").status_code == 400
        )
        assert slack.post_signed(MARKER.encode() * 80_000, "application/json").status_code == 413
        assert slack.command("/commsdesk", "status").status_code == 200
        assert requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).status_code == 200
        assert deploy.run_all({"worker": ["worker", "--once"]}) == {"worker": 0}
    logs = deploy.all_logs()
    assert '"level": "debug"' in logs and "signature mismatch" in logs
    assert MENTION_MARKER in json.dumps(slack_sandbox.messages())  # the text went through, and was not logged
    for secret in (*SECRETS, MARKER, MENTION_MARKER):
        assert secret not in logs
