"""What polling X costs a month: posts read (what X bills and the desk budget counts) and requests made.

X bills every post a request returns; a poll that finds nothing new returns none, and `since_id` means each
mention is read once. So a month's mention reads follow the desk's mention volume, while the poll interval,
the accounts (or the search queries covering them) and the pages per poll set the requests and the most a
month could read if every poll filled its pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MONTH_SECONDS = 30 * 86_400
PAGE_SIZE = 100
HANDLES_PER_QUERY = 25  # `@A OR @B ...` under X's 512-character query limit


@dataclass(frozen=True)
class ReadEstimate:
    """A month of polling: expected posts read, requests made, and the ceiling the poll settings allow."""

    posts: int
    requests: int
    ceiling: int

    def fits(self, budget: int) -> bool:
        return self.posts <= budget


def estimate_reads(
    accounts: int,
    strategy: str,
    poll_seconds: int,
    own_posts_poll_seconds: int,
    max_pages: int,
    mentions_per_account_day: int,
) -> ReadEstimate:
    """Estimate a month of mention and own-post polling for `accounts` desk accounts."""
    per_poll = accounts if strategy == "mentions_timeline" else math.ceil(accounts / HANDLES_PER_QUERY)
    polls = MONTH_SECONDS // poll_seconds
    own_polls = MONTH_SECONDS // own_posts_poll_seconds
    return ReadEstimate(
        posts=accounts * mentions_per_account_day * MONTH_SECONDS // 86_400,
        requests=polls * per_poll + own_polls * accounts,
        ceiling=polls * per_poll * max_pages * PAGE_SIZE,
    )
