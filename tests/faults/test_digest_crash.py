"""SIGKILL `commsdesk digest` between posts; the re-run posts each channel's digest and chart exactly once."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import redis

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.store import Keys
from bot.blocks.ids import MetadataType
from bot.core.clock import utc_now
from bot.core.models import DESK, Category, TriageDecision
from bot.jobs.build_digest import local_yesterday
from bot.sandbox import SlackSandbox
from config.desk import Desk
from tests.faults.conftest import assert_no_secrets
from tests.support.processes import Deployment

pytestmark = pytest.mark.slow


def digests_by_channel(slack: SlackSandbox, day: str) -> Counter[str]:
    """Count channel messages carrying the digest metadata for `day`."""
    found: Counter[str] = Counter()
    for message in slack.messages():
        meta = message.get("metadata") or {}
        if meta.get("event_type") == MetadataType.DIGEST.value and meta["event_payload"].get("date") == day:
            found[str(message["channel"])] += 1
    return found


def charts_by_thread(slack: SlackSandbox) -> Counter[tuple[str, str]]:
    """Count completed chart uploads by (channel, thread ts)."""
    return Counter((str(f["channel_id"]), str(f["thread_ts"])) for f in slack.files())


def test_sigkill_mid_digest_then_rerun_posts_one_digest_and_chart_per_channel(
    deploy: Deployment, slack_sandbox: SlackSandbox, redis_client: redis.Redis, desk: Desk
) -> None:
    day = local_yesterday(utc_now(), desk.zone)
    noon = datetime.combine(day, clock_time(12), tzinfo=desk.zone)
    aggregates = RedisAggregates(redis_client, desk.zone)
    ask = TriageDecision(category=Category.QUESTION, urgent=False, needs_reply=True, route="northtown")
    for n, team in enumerate(t.key for t in desk.teams):
        for minutes in range(n + 2):
            aggregates.record_received(team, noon + timedelta(minutes=minutes), ask)
    channels = {desk.desk.channel, *(t.channel for t in desk.teams)}
    slack_sandbox.delay("chat.postMessage", 0.4)
    slack_sandbox.delay("files.getUploadURLExternal", 0.4)  # holds each channel between its post and its mark

    doomed = deploy.start("digest-doomed", "digest", "--date", day.isoformat())
    deadline = time.monotonic() + 30
    while not digests_by_channel(slack_sandbox, day.isoformat()):
        assert doomed.poll() is None and time.monotonic() < deadline, deploy.log("digest-doomed")
        time.sleep(0.02)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    posted_before = digests_by_channel(slack_sandbox, day.isoformat())
    assert 0 < len(posted_before) < len(channels), "the digest finished before it was killed"
    teams = (DESK, *(t.key for t in desk.teams))
    assert sum(bool(redis_client.exists(Keys.digest_mark(day.isoformat(), t))) for t in teams) < len(posted_before)

    lease = Keys.lease(f"digest:{day.isoformat()}")
    deadline = time.monotonic() + 35
    while redis_client.exists(lease):  # the dead poster's lease is short: it lapses instead of blocking the day
        assert time.monotonic() < deadline, "the killed poster's lease did not lapse"
        time.sleep(0.2)
    slack_sandbox.delay("chat.postMessage", 0)
    slack_sandbox.delay("files.getUploadURLExternal", 0)
    codes = deploy.run_all({"digest-rerun": ["digest", "--date", day.isoformat()]})
    assert codes == {"digest-rerun": 0}, deploy.log("digest-rerun")
    assert " reconciled" in deploy.log("digest-rerun")  # the killed run's last post had no mark: found by metadata

    digests = digests_by_channel(slack_sandbox, day.isoformat())
    assert set(digests) == channels and set(digests.values()) == {1}
    charts = charts_by_thread(slack_sandbox)
    assert max(charts.values()) == 1
    anchors = {
        (str(m["channel"]), str(m["ts"]))
        for m in slack_sandbox.messages()
        if (m.get("metadata") or {}).get("event_type") == MetadataType.DIGEST.value
    }
    assert set(charts) == anchors
    for team in teams:
        assert redis_client.get(Keys.digest_mark(day.isoformat(), team)) is not None, team
    assert_no_secrets(deploy.all_logs())
