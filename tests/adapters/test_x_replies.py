"""Replies through tweepy against the X stand-in: X's refusals and limits become our errors, with X's reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.x_replies import XReplyPoster
from bot.core.errors import RateLimited, UpstreamError, XRefused
from bot.sandbox import XSandbox

NORTHTOWN_ID = "1400000000000000003"


class StandInTokens:
    """The account's live token from the stand-in, as the vault would hand it out."""

    def __init__(self, x: XSandbox) -> None:
        self.token = x.issue_token(NORTHTOWN_ID)["access_token"]

    def access_token(self, handle: str, stale: bool = False) -> str:
        return self.token


@pytest.fixture
def poster(x_sandbox: XSandbox) -> XReplyPoster:
    return XReplyPoster(StandInTokens(x_sandbox), x_sandbox.url, timeout=5)


@pytest.fixture
def mention(x_sandbox: XSandbox) -> str:
    return x_sandbox.add_mentions(NORTHTOWN_ID, "MPNorthtown")[0]


def test_a_reply_is_posted_and_found_again(poster: XReplyPoster, x_sandbox: XSandbox, mention: str) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert poster.find_reply("MPNorthtown", NORTHTOWN_ID, mention, since) is None
    posted = poster.post_reply("MPNorthtown", "@citizen0 Please DM us", mention)
    assert poster.find_reply("MPNorthtown", NORTHTOWN_ID, mention, since) == posted


@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        (lambda x, m: x.delete(m), "deleted or not visible"),
        (lambda x, m: x.restrict_replies(m), "Reply to this conversation is not allowed"),
        (lambda x, m: x.add_own_post(NORTHTOWN_ID, "@citizen0 Please DM us"), "duplicate content"),
    ],
)
def test_refusals_carry_xs_reason(
    poster: XReplyPoster, x_sandbox: XSandbox, mention: str, arrange: Callable[[XSandbox, str], object], reason: str
) -> None:
    arrange(x_sandbox, mention)
    with pytest.raises(XRefused, match=reason) as refused:
        poster.post_reply("MPNorthtown", "@citizen0 Please DM us", mention)
    assert refused.value.status == 403


def test_the_accounts_daily_post_limit_waits_for_its_reset(x_sandbox: XSandbox, mention: str) -> None:
    x_sandbox.posts.post_limit = 1
    poster = XReplyPoster(StandInTokens(x_sandbox), x_sandbox.url, timeout=5)
    poster.post_reply("MPNorthtown", "first", mention)
    with pytest.raises(RateLimited) as limited:
        poster.post_reply("MPNorthtown", "second", mention)
    assert limited.value.retry_after is not None and limited.value.retry_after > 86_000


def test_a_reset_after_accept_is_an_upstream_error_and_the_post_exists(
    poster: XReplyPoster, x_sandbox: XSandbox, mention: str
) -> None:
    x_sandbox.reset_after_accept()
    with pytest.raises(UpstreamError):
        poster.post_reply("MPNorthtown", "@citizen0 hello", mention)
    assert len(x_sandbox.replies_to(mention)) == 1
