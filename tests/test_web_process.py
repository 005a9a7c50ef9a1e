"""`commsdesk web` (gunicorn) refuses forged and malformed requests with 401/400/413, never 500."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from bot.sandbox.redis_server import RedisServer, free_port
from bot.sandbox.signed import SIGNING_SECRET, SlackRequests, sign
from tests.conftest import EXAMPLE_DESK
from tests.support.live import commsdesk_env, web_process

CHALLENGE = {
    "token": "legacy",
    "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    "type": "url_verification",
}
HOSTILE_MARKER = "tweet-body-that-must-not-be-logged"
METRICS_PORT = free_port()


@pytest.fixture(scope="module")
def web_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="module")
def web(redis_server: RedisServer, web_dir: Path) -> Iterator[SlackRequests]:
    """A fresh deployment: an empty Redis (earlier modules share the server) and one `commsdesk web`."""
    redis.Redis.from_url(redis_server.url).flushall()
    env = commsdesk_env(
        SLACK_BOT_TOKEN="xoxb-1234-secret-bot-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:9/api/",
        REDIS_URL=redis_server.url,
        COMMSDESK_CONFIG=str(EXAMPLE_DESK),
        LOG_LEVEL="DEBUG",
        LOG_FORMAT="json",
    )
    with web_process(env | {"METRICS_PORT": str(METRICS_PORT)}, web_dir) as url:
        yield SlackRequests(url)


def _headers(timestamp: str, signature: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def test_valid_signed_request_reaches_bolt(web: SlackRequests) -> None:
    response = web.post_signed(json.dumps(CHALLENGE).encode(), "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": CHALLENGE["challenge"]}


def test_exact_replay_is_handled_once(web: SlackRequests) -> None:
    body = json.dumps(CHALLENGE | {"challenge": "replayed"}).encode()
    ts = str(int(time.time()))
    first = web.post_raw(body, _headers(ts, sign(SIGNING_SECRET, ts, body)))
    second = web.post_raw(body, _headers(ts, sign(SIGNING_SECRET, ts, body)))
    assert first.json() == {"challenge": "replayed"}
    assert (second.status_code, second.content) == (200, b"")


def _forgeries() -> list[tuple[str, bytes, dict[str, str]]]:
    body = json.dumps(CHALLENGE | {"note": HOSTILE_MARKER}).encode()
    now = str(int(time.time()))
    good = sign(SIGNING_SECRET, now, body)
    return [
        ("wrong secret", body, _headers(now, sign("not-the-secret", now, body))),
        ("tampered body", body.replace(b"legacy", b"legacx"), _headers(now, good)),
        ("stale timestamp", body, _headers(str(int(now) - 301), sign(SIGNING_SECRET, str(int(now) - 301), body))),
        ("future timestamp", body, _headers(str(int(now) + 900), sign(SIGNING_SECRET, str(int(now) + 900), body))),
        ("missing headers", body, {"Content-Type": "application/json"}),
        ("non-numeric timestamp", body, _headers("12ab", good)),
        ("huge timestamp", body, _headers("9" * 40, good)),
        ("negative timestamp", body, _headers("-1", good)),
        ("garbage signature", body, _headers(now, "v0=zzzz")),
        ("uppercase signature", body, _headers(now, good.upper())),
        ("v1 signature", body, _headers(now, good.replace("v0=", "v1="))),
    ]


@pytest.mark.parametrize("name", [case[0] for case in _forgeries()])
def test_forged_requests_get_401(web: SlackRequests, name: str) -> None:
    # built when the test runs, not at collection: a long suite must not age "future" into "now"
    _, body, headers = next(case for case in _forgeries() if case[0] == name)
    response = web.post_raw(body, headers)
    assert response.status_code == 401
    assert "challenge" not in response.text


def test_non_ascii_signature_gets_401(web: SlackRequests) -> None:
    body = json.dumps(CHALLENGE).encode()
    now = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": now,
        "X-Slack-Signature": ("v0=" + "é" * 64).encode("latin-1"),
    }
    response = requests.post(web.endpoint, data=body, headers=headers, timeout=5)  # type: ignore[arg-type]
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\xfa not utf-8", "application/json"),
        (b'{"type": "url_verification", ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b"payload=%5B%5D", "application/x-www-form-urlencoded"),
        (b"a=1&&&=&b", "application/x-www-form-urlencoded"),
        (b"<xml/>", "text/xml"),
    ],
    ids=["non-utf8", "truncated-json", "json-array", "form-bad-json", "form-payload-array", "bad-form", "xml"],
)
def test_malformed_signed_bodies_get_400(web: SlackRequests, body: bytes, content_type: str) -> None:
    assert web.post_signed(body, content_type).status_code == 400


def test_oversized_body_gets_413_before_reading(web: SlackRequests) -> None:
    body = b"x" * (1024 * 1024 + 1)
    assert web.post_signed(body, "application/json").status_code == 413


def test_wrong_method_and_unknown_path(web: SlackRequests) -> None:
    assert requests.get(web.endpoint, timeout=5).status_code == 405
    assert requests.get(f"{web.base_url}/admin", timeout=5).status_code == 404


def test_still_healthy_and_logs_hold_no_secrets_or_rejected_bodies(web: SlackRequests, web_dir: Path) -> None:
    for _, body, headers in _forgeries():
        web.post_raw(body, headers)
    health = requests.get(f"{web.base_url}/healthz", timeout=5)
    assert (health.status_code, health.json()) == (200, {"status": "ok", "redis": "ok"})
    logs = "".join(p.read_text(errors="replace") for p in web_dir.glob("web-*.log"))
    assert "signature mismatch" in logs
    for secret in ("xoxb-1234-secret-bot-token", SIGNING_SECRET, HOSTILE_MARKER):
        assert secret not in logs


def test_metrics_are_not_served_on_the_public_port(web: SlackRequests) -> None:
    assert requests.get(f"{web.base_url}/metrics", timeout=5).status_code == 404
    assert requests.get(f"{web.base_url}/healthz", timeout=5).status_code == 200


def test_metrics_served_in_prometheus_format_on_the_internal_port(web: SlackRequests) -> None:
    response = requests.get(f"http://127.0.0.1:{METRICS_PORT}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert 'commsdesk_http_rejected_total{reason="signature mismatch"}' in response.text
    assert "commsdesk_outbox_depth 0.0" in response.text


def test_healthz_is_503_when_redis_is_down(tmp_path: Path) -> None:
    private = RedisServer(tmp_path / "redis").start()
    env = commsdesk_env(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        REDIS_URL=private.url,
        COMMSDESK_CONFIG=str(EXAMPLE_DESK),
    )
    try:
        with web_process(env, tmp_path) as url:
            assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
            private.stop()
            down = requests.get(f"{url}/healthz", timeout=10)
            assert (down.status_code, down.json()["redis"]) == (503, "unreachable")
    finally:
        private.stop()


def test_signed_requests_are_refused_with_503_while_the_replay_check_cannot_reach_redis(tmp_path: Path) -> None:
    private = RedisServer(tmp_path / "redis").start()
    env = commsdesk_env(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        REDIS_URL=private.url,
        COMMSDESK_CONFIG=str(EXAMPLE_DESK),
    )
    body = json.dumps(CHALLENGE).encode()
    try:
        with web_process(env, tmp_path) as url:
            slack = SlackRequests(url)
            assert slack.post_signed(body, "application/json").status_code == 200
            private.stop()
            refused = slack.post_signed(body, "application/json")
            assert (refused.status_code, refused.json()) == (
                503,
                {"error": "replay check unavailable: redis unreachable"},
            )
    finally:
        private.stop()
