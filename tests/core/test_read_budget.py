"""The monthly X read estimate: posts follow mention volume, requests follow the poll settings."""

from __future__ import annotations

from bot.core.read_budget import estimate_reads


def test_timeline_polling_reads_each_mention_once_and_requests_per_account() -> None:
    estimate = estimate_reads(5, "mentions_timeline", 60, 300, 5, 20)
    assert estimate.posts == 3_000
    assert estimate.requests == 43_200 * 5 + 8_640 * 5
    assert estimate.ceiling == 43_200 * 5 * 5 * 100
    assert estimate.fits(10_000) and not estimate.fits(2_999)


def test_search_covers_up_to_25_accounts_a_request() -> None:
    estimate = estimate_reads(30, "recent_search", 120, 600, 1, 0)
    assert estimate.posts == 0
    assert estimate.requests == 21_600 * 2 + 4_320 * 30
