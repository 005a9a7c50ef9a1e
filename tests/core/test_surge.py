"""The surge rule: when a channel's queue is too long for Slack's pace, and how summary periods line up."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.models import Category
from bot.core.surge import SurgeRule, tally

RULE = SurgeRule(backlog_seconds=60, pace_seconds=1.1, summary_seconds=300)


def test_surge_starts_once_the_queue_takes_longer_than_the_backlog_allows() -> None:
    assert RULE.drain_seconds(54) == 54 * 1.1
    assert not RULE.in_surge(54)
    assert RULE.in_surge(55)
    assert not RULE.in_surge(0)


def test_faster_pace_tolerates_a_longer_queue() -> None:
    fast = SurgeRule(backlog_seconds=60, pace_seconds=0.5, summary_seconds=300)
    assert not fast.in_surge(120) and fast.in_surge(121)


def test_periods_are_aligned_so_every_worker_agrees() -> None:
    start = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
    window = RULE.window(start)
    assert RULE.window(start.replace(minute=4, second=59)) == window
    assert RULE.window(start.replace(minute=5)) == window + 1
    assert RULE.window_end(window) == start.timestamp() + 300


def test_tally_counts_largest_first_with_ties_in_guide_order() -> None:
    counted = tally([Category.CHATTER, Category.ABUSE, Category.PRAISE, Category.CHATTER, Category.ABUSE])
    assert counted == [(Category.ABUSE, 2), (Category.CHATTER, 2), (Category.PRAISE, 1)]
    assert tally([]) == []
