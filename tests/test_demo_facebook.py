"""The demo shows a Facebook comment arriving by signed webhook, carded, claimed and answered from Slack as the page."""

from __future__ import annotations

from bot.demo.walkthrough import run_demo
from bot.sandbox.redis_server import RedisServer
from config.settings import Settings


def test_the_demo_cards_claims_and_answers_a_facebook_comment(redis_server: RedisServer, redis_client: object) -> None:
    said: list[str] = []
    run_demo(Settings(redis_url=redis_server.url, _env_file=None), said.append)
    facebook = "\n".join(line for line in said if line.startswith(("\n6b.", "    ")))
    assert "Facebook page; Meta's signed webhook is answered\n" in "\n".join(said)
    assert "HTTP 200 and a worker turns it into a mention" in facebook
    assert "carded in #northtown; U0DEMOPC001 claims it: HTTP 200, claimed: True." in facebook
    assert "presses Reply (Reply on Facebook) and Send: HTTP 200" in facebook
    assert "once (page replies: 1); the comment is now replied." in facebook
