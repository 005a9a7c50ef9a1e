"""Read mentions, own posts and tweet existence from the X API v2 through tweepy, with bounded retries.

Strategy (desk config `[x] strategy`, default `mentions_timeline`):

- `mentions_timeline` — `GET /2/users/:id/mentions`, one request per desk account per poll (more when a
  poll needs several pages). It returns only posts that mention that account, so every post read is one
  the desk wants, and its rate limit is per endpoint (we assume a conservative few hundred requests per
  15 minutes for app-only auth; the live figure comes back in `x-rate-limit-*` headers). It reaches back
  over the most recent 800 mentions only.
- `recent_search` — `GET /2/tweets/search/recent` with `@A OR @B ...`: one request covers many accounts
  (queries are split to stay under 512 characters, roughly 25 handles each), so it saves requests for a
  force with many accounts; it reaches back 7 days and reads are billed the same way per post returned.

Either way `posts_read` counts the posts X returned (what the monthly read budget is charged). Every request
that returns posts (mentions, own posts, post lookup) also reports how many to `on_posts_read`, the one place
the month's reads are counted (`bot.jobs.x_reads.XReadMeter`); user lookups return users, not posts, and are not.

Gap rule: a batch is flagged `gap=True` when some mentions may be lost — X still offered a `next_token`
after `max_pages` pages, or `since_id` was given and (timeline) the results filled X's 800-mention reach,
or (search) the `since_id` post is older than search's 7-day reach.

Errors: 429 waits for `x-rate-limit-reset` (capped at `max_wait`), or backs off exponentially from 1 s
(capped) when the header is missing; timeouts, connection errors and 5xx back off the same way. After
`max_retries` retries a 429 raises `RateLimited`, anything else `UpstreamError`. `errors[]` in a 200
(e.g. a deleted post) are returned in `MentionBatch.errors`, never raised.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import requests
import tweepy

from bot.core.errors import RateLimited, UpstreamError
from bot.core.models import Mention, OwnPost
from bot.core.pages import PageError, mention_from_tweet, own_post_from_tweet, users_by_id
from bot.core.ports import MentionBatch

TWEEPY_HOST = "https://api.twitter.com"
MENTIONS_CAP = 800
SEARCH_REACH_SECONDS = 7 * 24 * 3600
QUERY_LIMIT = 512
SNOWFLAKE_EPOCH_MS = 1288834974657
TWEET_FIELDS = "created_at,author_id,conversation_id,entities,in_reply_to_user_id,lang,referenced_tweets"
OWN_FIELDS = "created_at,conversation_id,referenced_tweets,public_metrics"
USER_FIELDS = "username,name,location"
# What every mention-returning request asks for: full pages, each post with its author.
MENTION_FIELDS = {
    "max_results": 100,
    "expansions": "author_id",
    "tweet_fields": TWEET_FIELDS,
    "user_fields": USER_FIELDS,
}
Page = dict[str, Any]


class _RewritingSession(requests.Session):
    """Send tweepy's hard-coded api.twitter.com requests to `api_url`, always with a timeout."""

    def __init__(self, api_url: str, timeout: float) -> None:
        super().__init__()
        self.api_url = api_url.rstrip("/")
        self.default_timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.api_url + url[len(TWEEPY_HOST) :]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def build_x_client(bearer_token: str, api_url: str, timeout: float) -> tweepy.Client:
    """Build an app-only tweepy client that talks to `api_url` and returns raw page dicts."""
    client = tweepy.Client(bearer_token=bearer_token, return_type=dict, wait_on_rate_limit=False)
    client.session = _RewritingSession(api_url, timeout)
    return client


def _snowflake_time(tweet_id: str) -> float:
    return ((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000


def _error_text(error: Mapping[str, Any]) -> str:
    return str(error.get("detail") or error.get("message") or json.dumps(error, sort_keys=True))


class TweepyMentionSource:
    """MentionSource and OwnPostSource over a tweepy client built by `build_x_client`."""

    def __init__(
        self,
        client: tweepy.Client,
        max_pages: int = 5,
        max_retries: int = 3,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        on_rate_limited: Callable[[], None] = lambda: None,
        on_posts_read: Callable[[int], None] = lambda _: None,
    ) -> None:
        self._client = client
        self._on_posts_read = on_posts_read  # counts every post X returns, whichever endpoint returned it
        self._on_rate_limited = on_rate_limited  # counts 429s for /metrics without this adapter knowing it
        self._max_pages = max_pages
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    # -- ports -----------------------------------------------------------------------------------------

    def mentions_of(self, account_id: str, since_id: str | None) -> MentionBatch:
        pages, more = self._pages(
            self._client.get_users_mentions,
            "pagination_token",
            id=account_id,
            since_id=since_id,
            **MENTION_FIELDS,
        )
        batch = self._batch(pages)
        capped = since_id is not None and batch.posts_read >= MENTIONS_CAP
        return self._with_gap(batch, more or capped)

    def search_mentions(self, handles: Sequence[str], since_id: str | None) -> MentionBatch:
        pages: list[Page] = []
        more = False
        for query in self._queries(handles):
            found, truncated = self._pages(
                self._client.search_recent_tweets,
                "next_token",
                query=query,
                since_id=since_id,
                **MENTION_FIELDS,
            )
            pages.extend(found)
            more = more or truncated
        batch = self._batch(pages)
        too_old = since_id is not None and _snowflake_time(since_id) < self._clock() - SEARCH_REACH_SECONDS
        return self._with_gap(batch, more or too_old)

    def own_posts(self, account_id: str, since_id: str | None) -> tuple[Sequence[OwnPost], str | None, int]:
        pages, _ = self._pages(
            self._client.get_users_tweets,
            "pagination_token",
            id=account_id,
            since_id=since_id,
            max_results=100,
            tweet_fields=OWN_FIELDS,
        )
        tweets = [t for page in pages for t in page.get("data") or []]
        posts = {t["id"]: own_post_from_tweet(t, account_id) for t in tweets}
        ordered = sorted(posts.values(), key=lambda p: int(p.id))
        return ordered, (ordered[-1].id if ordered else None), len(tweets)

    def existing(self, tweet_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(tweet_ids), 100):
            page = self._read_posts(self._call(self._client.get_tweets, ids=list(tweet_ids[start : start + 100])))
            found.update(str(t["id"]) for t in page.get("data") or [])
        return found

    def user_ids(self, handles: Sequence[str]) -> dict[str, str]:
        """Map each handle X knows (as given, without "@") to its user id."""
        wanted = {h.lstrip("@").casefold(): h.lstrip("@") for h in handles}
        out: dict[str, str] = {}
        names = list(wanted.values())
        for start in range(0, len(names), 100):
            page = self._call(self._client.get_users, usernames=names[start : start + 100])
            for user in page.get("data") or []:
                given = wanted.get(str(user.get("username", "")).casefold())
                if given:
                    out[given] = str(user["id"])
        return out

    # -- paging and translation ------------------------------------------------------------------------

    def _queries(self, handles: Sequence[str]) -> Iterator[str]:
        """Yield `@A OR @B ...` queries each under X's 512-character limit."""
        query = ""
        for handle in handles:
            term = "@" + handle.lstrip("@")
            if query and len(query) + len(" OR ") + len(term) > QUERY_LIMIT:
                yield query
                query = ""
            query = f"{query} OR {term}" if query else term
        if query:
            yield query

    def _pages(self, fetch: Callable[..., Any], token_name: str, **params: Any) -> tuple[list[Page], bool]:
        """Fetch up to `max_pages` pages; say whether X still had more."""
        pages: list[Page] = []
        token: str | None = None
        for _ in range(self._max_pages):
            page = self._read_posts(self._call(fetch, **params, **({token_name: token} if token else {})))
            pages.append(page)
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                return pages, False
        return pages, True

    def _batch(self, pages: list[Page]) -> MentionBatch:
        mentions: dict[str, Mention] = {}
        errors: list[str] = []
        read = 0
        for page in pages:
            users = users_by_id(page)
            errors.extend(_error_text(e) for e in page.get("errors") or [] if isinstance(e, Mapping))
            for tweet in page.get("data") or []:
                read += 1
                try:
                    mentions[tweet["id"]] = mention_from_tweet(tweet, users)
                except PageError as exc:
                    errors.append(str(exc))
        ordered = sorted(mentions.values(), key=lambda m: int(m.id))
        return MentionBatch(ordered, ordered[-1].id if ordered else None, read, False, tuple(errors))

    def _read_posts(self, page: Page) -> Page:
        """Report the posts a page returned to the read meter: every post-returning request passes here."""
        self._on_posts_read(len(page.get("data") or []))
        return page

    @staticmethod
    def _with_gap(batch: MentionBatch, gap: bool) -> MentionBatch:
        return MentionBatch(batch.mentions, batch.newest_id, batch.posts_read, gap, batch.errors)

    # -- retries ---------------------------------------------------------------------------------------

    def _call(self, fetch: Callable[..., Any], **params: Any) -> Page:
        """Call tweepy with bounded retries; raise RateLimited or UpstreamError when they run out."""
        attempt = 0
        while True:
            backoff = min(self._max_wait, 2.0**attempt)
            try:
                page = fetch(**params)
                return page if isinstance(page, dict) else {}
            except tweepy.TooManyRequests as exc:
                self._on_rate_limited()
                reset = exc.response.headers.get("x-rate-limit-reset")
                wait = min(self._max_wait, max(1.0, float(reset) - self._clock() + 1)) if reset else backoff
                if attempt == self._max_retries:
                    raise RateLimited("X answered 429 after retries", retry_after=wait) from None
            except (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError) as exc:
                wait = backoff
                if attempt == self._max_retries:
                    raise UpstreamError(f"X failed after {attempt + 1} attempts: {type(exc).__name__}") from None
            except tweepy.HTTPException as exc:
                raise UpstreamError(f"X answered {exc.response.status_code}") from None
            self._sleep(wait)
            attempt += 1
