"""Stop Redis (AOF on) under a running worker: it stays up, logs the outage, and cards every mention once after."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from bot.blocks.mention_card import read_card_metadata
from bot.sandbox import SlackSandbox, XSandbox
from bot.sandbox.redis_server import RedisServer
from bot.sandbox.signed import eventually
from tests.faults.conftest import assert_no_secrets, mention_cards
from tests.faults.test_replicas import assert_cards_match_redis
from tests.support.processes import deployment

pytestmark = pytest.mark.slow
NORTHTOWN = ("1400000000000000003", "MPNorthtown")
OUTAGE_SECONDS = 3

# Plain crime reports, one team card each: this test counts cards, so triage must not send them anywhere else.
SHED = "@{username} my shed on Canal Street was broken into last night {n}"
VAN = "@{username} someone broke into my van on Canal Street overnight and took all my tools {n}"


def card_messages(slack: SlackSandbox) -> set[tuple[str, str]]:
    """Return (channel, ts) of every mention card in Slack."""
    return {(str(m["channel"]), str(m["ts"])) for m in slack.messages() if read_card_metadata(m.get("metadata"))}


def wait_for_cards(slack: SlackSandbox, tweet_ids: set[str], timeout: float) -> None:
    eventually(lambda: {t for t, _ in mention_cards(slack)} == tweet_ids, timeout=timeout)


def posts_about(slack: SlackSandbox, tweet_ids: set[str]) -> list[str]:
    """Return the tweet id of every accepted chat.postMessage carrying a card for one of `tweet_ids`."""
    found = []
    for call in slack.calls_to("chat.postMessage"):
        card = read_card_metadata(call.params.get("metadata"))
        if call.outcome == "ok" and card is not None:
            found.append(card[0])
    return [t for t in found if t in tweet_ids]


def test_worker_rides_out_a_redis_outage_and_cards_every_mention_once(
    tmp_path: Path, slack_sandbox: SlackSandbox, x_sandbox: XSandbox
) -> None:
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    try:
        for deploy in deployment(tmp_path / "deploy", server.url, slack_sandbox.url, x_sandbox.url, poll_seconds=15):
            before = set(x_sandbox.add_mentions(*NORTHTOWN, count=6, text=SHED))
            worker = deploy.start("worker", "worker")
            wait_for_cards(slack_sandbox, before, timeout=20)
            cards_before = card_messages(slack_sandbox)

            server.stop()
            time.sleep(OUTAGE_SECONDS)
            assert worker.poll() is None, deploy.log("worker")
            server.start()  # same directory and port: the AOF reloads

            after = set(x_sandbox.add_mentions(*NORTHTOWN, count=4, text=VAN))
            wait_for_cards(slack_sandbox, before | after, timeout=30)  # the next poll is up to 15 s away
            time.sleep(1)  # room for a duplicate to show up if the outbox were to replay anything
            assert worker.poll() is None, deploy.log("worker")

            client = redis.Redis.from_url(server.url, decode_responses=True)
            assert_cards_match_redis(slack_sandbox, client, before | after)
            client.close()
            assert cards_before <= card_messages(slack_sandbox)
            assert len(posts_about(slack_sandbox, before)) == len(cards_before)  # nothing from before was posted again
            outage = [line for line in deploy.log("worker").splitlines() if '"outbox step failed; retrying"' in line]
            assert outage and all('"level": "error"' in line for line in outage)
            assert_no_secrets(deploy.all_logs())
    finally:
        server.stop()
