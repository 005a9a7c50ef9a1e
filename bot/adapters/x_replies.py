"""Post replies as a desk account (`POST /2/tweets` with `reply.in_reply_to_tweet_id`) and find ones already posted.

X has no idempotency key, so `find_reply` is how the sender learns whether an attempt cut short by a crash or a
reset landed: the account's recent posts are read for a reply to that post. Errors translate at this edge:
429 (per endpoint, or the account's 24-hour post limit) is `RateLimited` with X's reset when it gave one; a
refusal (deleted post, not allowed to reply, duplicate text) is `XRefused` with X's reason; a 5xx, timeout or
reset is `UpstreamError`, after which the post may or may not exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import requests
import tweepy

from bot.adapters.x import build_x_client
from bot.core.errors import ConfigurationError, NotFound, RateLimited, UpstreamError, XRefused

RECENT = 100  # own posts read back when reconciling: far more than one account posts between two attempts


class Tokens(Protocol):
    def access_token(self, handle: str, stale: bool = False) -> str: ...


class XReplyPoster:
    """Reply as a linked desk account, with that account's user-context token."""

    def __init__(self, tokens: Tokens, api_url: str, timeout: float, clock: Callable[[], float] = time.time) -> None:
        self._tokens = tokens
        self._api_url = api_url
        self._timeout = timeout
        self._clock = clock

    def post_reply(self, account: str, text: str, in_reply_to: str) -> str:
        """Post `text` as `account` in reply to `in_reply_to`; return the new post's id."""
        page = self._as(account, lambda c: c.create_tweet(text=text, in_reply_to_tweet_id=in_reply_to, user_auth=False))
        return str(page["data"]["id"])

    def find_reply(self, account: str, account_id: str, in_reply_to: str, since: datetime) -> str | None:
        """Return the id of a post by the account since `since` that replies to `in_reply_to`, if there is one."""
        page = self._as(
            account,
            lambda c: c.get_users_tweets(
                account_id,
                max_results=RECENT,
                start_time=since.isoformat(timespec="seconds").replace("+00:00", "Z"),
                tweet_fields="referenced_tweets,created_at",
                user_auth=False,
            ),
        )
        for tweet in page.get("data") or []:
            replied = [r for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"]
            if any(str(r.get("id")) == in_reply_to for r in replied):
                return str(tweet["id"])
        return None

    def _as(self, account: str, call: Callable[[tweepy.Client], Any]) -> dict[str, Any]:
        """Call X with the account's token; on 401 refresh the token once and try again."""
        for stale in (False, True):
            try:
                token = self._tokens.access_token(account, stale=stale)
            except (NotFound, ConfigurationError) as unusable:  # unlinked, key changed, or no refresh left
                raise XRefused(str(unusable), 401) from None
            client = build_x_client(token, self._api_url, self._timeout)
            try:
                page = call(client)
                return page if isinstance(page, dict) else {}
            except tweepy.Unauthorized:
                if stale:
                    relink = f"X no longer accepts @{account}'s link; run `commsdesk accounts link {account}`"
                    raise XRefused(relink, 401) from None
            except tweepy.TooManyRequests as exc:
                raise RateLimited("X answered 429 to a reply", retry_after=self._wait(exc.response.headers)) from None
            except (tweepy.BadRequest, tweepy.Forbidden, tweepy.NotFound) as exc:
                reason = "; ".join(str(m) for m in exc.api_messages) or exc.response.reason
                raise XRefused(reason, exc.response.status_code) from None
            except (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError) as exc:
                raise UpstreamError(f"X did not answer the reply cleanly: {type(exc).__name__}") from None
        raise AssertionError("unreachable")

    def _wait(self, headers: Mapping[str, str]) -> float | None:
        """Seconds until X lets the account post again: its 24-hour post limit's reset, else the endpoint's."""
        if headers.get("x-user-limit-24hour-remaining") == "0" and headers.get("x-user-limit-24hour-reset"):
            reset = headers["x-user-limit-24hour-reset"]
        else:
            reset = headers.get("x-rate-limit-reset", "")
        return max(1.0, float(reset) - self._clock()) if reset else None
