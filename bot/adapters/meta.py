"""Read comments and post replies through the Meta Graph API (a pinned version) over `requests`.

Every request carries the owning page's or account's token (stored encrypted, `bot.adapters.meta_tokens`) and
its `appsecret_proof`. Lists follow `paging.cursors.after` up to `max_pages` pages.

Rate limits: Graph reports how much of its budget the app and each page have used in `X-App-Usage` and
`X-Business-Use-Case-Usage` (percentages of call count, CPU time and total time). Once the highest reaches
`backoff_at` percent the adapter slows down, pausing longer the nearer it gets to 100, so polling eases off before
Graph throttles; when Graph names a time to regain access, or throttles anyway (codes 4, 17, 32, 613, 80001+,
or HTTP 429), it raises `RateLimited` with that wait instead of retrying into the limit. Timeouts, connection
errors and 5xx back off exponentially and give up after `max_retries` with `UpstreamError`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from bot.core.errors import ConfigurationError, RateLimited, UpstreamError
from bot.core.meta import (
    AccountReply,
    Comment,
    MetaEvent,
    facebook_comment,
    facebook_visitor_post,
    graph_time,
    instagram_comment,
    instagram_link,
)
from bot.core.models import OwnPost, Platform, PostMetrics
from bot.core.pages import PageError

GRAPH_VERSION = "v24.0"  # pinned; Meta supports each version for about two years (docs/meta.md)
THROTTLE_CODES = {4, 17, 32, 613} | set(range(80001, 80015))
MISSING_CODE = 100  # with subcode 33: the object does not exist (deleted) or cannot be seen
COMMENT_FIELDS = "id,message,from,created_time,parent{id}"
POST_FIELDS = (
    "id,message,from,created_time,reactions.summary(total_count).limit(0),comments.summary(true).limit(0),shares"
)
MEDIA_FIELDS = "id,caption,timestamp,permalink,like_count,comments_count"
IG_COMMENT_FIELDS = "id,text,timestamp,username,from,replies{id,text,timestamp,username,from}"
Json = dict[str, Any]


@dataclass(frozen=True)
class MetaBatch:
    """What one poll of a page or account found: events oldest first, its own posts, and the newest time seen."""

    events: Sequence[MetaEvent]
    own_posts: Sequence[OwnPost] = ()
    newest: datetime | None = None
    problems: Sequence[str] = field(default_factory=tuple)


def usage_percent(headers: Any) -> tuple[int, int]:
    """Return (highest usage percent, minutes until access returns) from Graph's usage headers."""
    highest, regain = 0, 0
    app = _loads(headers.get("X-App-Usage"))
    if isinstance(app, dict):
        highest = max([highest, *(int(v) for v in app.values() if isinstance(v, int | float))])
    business = _loads(headers.get("X-Business-Use-Case-Usage"))
    for entries in business.values() if isinstance(business, dict) else ():
        for entry in entries if isinstance(entries, list) else ():
            for name in ("call_count", "total_cputime", "total_time"):
                highest = max(highest, int(entry.get(name) or 0))
            regain = max(regain, int(entry.get("estimated_time_to_regain_access") or 0))
    return highest, regain


def _loads(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


class GraphMetaSource:
    """Comments, visitor posts, own posts, existence checks and replies for the desk's pages and accounts."""

    def __init__(
        self,
        api_url: str,
        app_secret: str,
        token_for: Callable[[str], str | None],
        timeout: float = 10.0,
        max_pages: int = 5,
        backoff_at: int = 80,
        max_retries: int = 2,
        max_wait: float = 60.0,
        lookback: timedelta = timedelta(days=7),
        sleep: Callable[[float], None] = time.sleep,
        on_rate_limited: Callable[[], None] = lambda: None,
    ) -> None:
        self._base = f"{api_url.rstrip('/')}/{GRAPH_VERSION}"
        self._secret = app_secret.encode()
        self._token_for = token_for
        self._timeout = timeout
        self._max_pages = max_pages
        self._backoff_at = backoff_at
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._lookback = lookback
        self._sleep = sleep
        self._on_rate_limited = on_rate_limited
        self._session = requests.Session()
        self.usage = 0  # the highest usage percent Graph last reported

    # -- reads -----------------------------------------------------------------------------------------

    def page_events(self, page_id: str, since: datetime | None, now: datetime) -> MetaBatch:
        """Visitor posts and comments on the page's recent posts since `since`, and the page's own posts."""
        floor = since or now - self._lookback
        events: list[MetaEvent] = []
        own: list[OwnPost] = []
        problems: list[str] = []
        posts = self._list(page_id, f"{page_id}/feed", fields=POST_FIELDS, since=_unix(now - self._lookback))
        for post in posts:
            try:
                visitor = facebook_visitor_post(page_id, post)
                if visitor is None:
                    own.append(_own_post(page_id, post))
                elif visitor.mention.created_at >= floor:
                    events.append(visitor)
                comments = self._list(
                    page_id, f"{post['id']}/comments", fields=COMMENT_FIELDS, filter="stream", since=_unix(floor)
                )
                events.extend(e for c in comments if (e := facebook_comment(page_id, c, str(post["id"]))) is not None)
            except PageError as exc:
                problems.append(str(exc))
        return _batch(events, own, problems)

    def instagram_events(self, account_id: str, since: datetime | None, now: datetime) -> MetaBatch:
        """Comments (and replies) on the account's recent media since `since`, and the media as own posts."""
        floor = since or now - self._lookback
        events: list[MetaEvent] = []
        own: list[OwnPost] = []
        problems: list[str] = []
        for media in self._list(account_id, f"{account_id}/media", fields=MEDIA_FIELDS):
            try:
                created = graph_time(media.get("timestamp"), f"media {media.get('id')}")
                if created < now - self._lookback:
                    break  # newest first: the rest are older still
                own.append(_own_media(account_id, media, created))
                link = instagram_link(str(media.get("permalink") or ""))
                for raw in self._list(account_id, f"{media['id']}/comments", fields=IG_COMMENT_FIELDS):
                    for item in (raw, *((raw.get("replies") or {}).get("data") or [])):
                        reply_to = {"parent_id": raw["id"]} if item is not raw else {}
                        event = instagram_comment(account_id, item | reply_to, str(media["id"]), permalink=link)
                        if event is not None and _at(event) >= floor:
                            events.append(event)
            except PageError as exc:
                problems.append(str(exc))
        return _batch(events, own, problems)

    def mentioned(self, account_id: str, comment_id: str, media_id: str) -> MetaEvent | None:
        """Fetch an Instagram comment that @mentions the account (the `mentions` webhook carries ids only)."""
        fields = f"mentioned_comment.comment_id({comment_id}){{text,timestamp,username,from,media}}"
        found = self._get(account_id, account_id, fields=fields).get("mentioned_comment") or {}
        event = instagram_comment(account_id, found | {"id": comment_id}, media_id) if found else None
        return event if isinstance(event, Comment) else None

    def existing(self, account_id: str, graph_ids: Sequence[str]) -> set[str]:
        """Which of these comments or posts still exist: each is read by id; Graph's code 100 means gone."""
        found: set[str] = set()
        for graph_id in graph_ids:
            try:
                self._get(account_id, graph_id, fields="id")
            except _Missing:
                continue
            found.add(graph_id)
        return found

    def account_name(self, account_id: str, instagram: bool = False) -> str:
        """Read a page's name or an account's username: what `commsdesk check` proves it can reach."""
        answer = self._get(account_id, account_id, fields="username" if instagram else "name")
        return str(answer.get("username") or answer.get("name") or "")

    # -- writes ----------------------------------------------------------------------------------------

    def reply(self, platform: Platform, account_id: str, comment_id: str, text: str) -> str:
        """Reply to a comment as the page or account; return the new comment's Graph id.

        Facebook: `POST /{comment-id}/comments`; Instagram: `POST /{comment-id}/replies`. Tried once: after a
        timeout or a 5xx the reply may exist, so the caller looks for it (`find_reply`) before sending again.
        """
        edge = "replies" if platform is Platform.INSTAGRAM else "comments"
        answer = self._call("POST", account_id, f"{comment_id}/{edge}", {"message": text}, retries=0)
        return str(answer.get("id") or "")

    def find_reply(self, platform: Platform, account_id: str, comment_id: str, since: datetime) -> str | None:
        """Return the id of a reply by the page or account itself to `comment_id` since `since`, if there is one.

        Graph has no idempotency key: this is how the sender learns whether an attempt cut short landed.
        """
        instagram = platform is Platform.INSTAGRAM
        edge, stamp = ("replies", "timestamp") if instagram else ("comments", "created_time")
        for item in self._list(account_id, f"{comment_id}/{edge}", fields=f"id,from,{stamp}"):
            by = str((item.get("from") or {}).get("id") or "")
            if by == account_id and graph_time(item.get(stamp), f"reply {item.get('id')}") >= since:
                return str(item["id"])
        return None

    # -- plumbing --------------------------------------------------------------------------------------

    def _list(self, account_id: str, path: str, **params: Any) -> list[Json]:
        return [item for page in self._pages(account_id, path, params) for item in page]

    def _pages(self, account_id: str, path: str, params: dict[str, Any]) -> Iterator[list[Json]]:
        after: str | None = None
        for _ in range(self._max_pages):
            answer = self._get(account_id, path, **params, **({"after": after} if after else {}))
            yield [item for item in answer.get("data") or [] if isinstance(item, dict)]
            paging = answer.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
            if not after:
                return

    def _get(self, account_id: str, path: str, **params: Any) -> Json:
        return self._call("GET", account_id, path, params)

    def _call(
        self, method: str, account_id: str, path: str, params: dict[str, Any], retries: int | None = None
    ) -> Json:
        token = self._token_for(account_id)
        if not token:
            raise ConfigurationError(f"no token is linked for Meta account {account_id}: run `commsdesk meta link`")
        auth = {
            "access_token": token,
            "appsecret_proof": hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest(),
        }
        url = f"{self._base}/{path}"
        retries = self._max_retries if retries is None else retries
        for attempt in range(retries + 1):
            try:
                if method == "GET":
                    response = self._session.get(url, params=params | auth, timeout=self._timeout)
                else:
                    response = self._session.post(url, data=params | auth, timeout=self._timeout)
            except (requests.Timeout, requests.ConnectionError) as exc:
                failure = f"Graph API unreachable: {type(exc).__name__}"
            else:
                if response.status_code < 500:
                    return self._read(response)
                failure = f"Graph API answered {response.status_code}"
            if attempt < retries:
                self._sleep(min(self._max_wait, 0.5 * 2.0**attempt))
        raise UpstreamError(f"{failure} after {retries + 1} attempts")

    def _read(self, response: requests.Response) -> Json:
        self.usage, regain = usage_percent(response.headers)
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) or response.status_code >= 400:
            code = int((error or {}).get("code") or 0)
            if code in THROTTLE_CODES or response.status_code == 429:
                self._on_rate_limited()
                raise RateLimited(f"Graph API throttled (code {code})", retry_after=max(60.0, regain * 60.0))
            if code == MISSING_CODE and (error or {}).get("error_subcode") == 33:
                raise _Missing(str((error or {}).get("message") or "missing"))
            raise GraphRefused(f"Graph API refused the request (code {code}): {(error or {}).get('message', '')}"[:300])
        if regain:
            raise RateLimited("Graph API asks to wait before more calls", retry_after=regain * 60.0)
        self._ease_off()
        return body if isinstance(body, dict) else {}

    def _ease_off(self) -> None:
        """Pause in proportion to how far usage is past `backoff_at`, so the throttle is never reached."""
        if self.usage < self._backoff_at:
            return
        share = (self.usage - self._backoff_at + 1) / max(1, 100 - self._backoff_at + 1)
        self._sleep(min(self._max_wait, self._max_wait * share))


class GraphRefused(UpstreamError):
    """Graph refused one request (a bad or expired token, a missing permission): other accounts may still work."""


class _Missing(GraphRefused):
    """Graph says the object does not exist (or is no longer visible): deleted, for the compliance check."""


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


def _at(event: MetaEvent) -> datetime:
    """When an event happened; polls yield only comments and replies, which both carry a time."""
    if isinstance(event, Comment):
        return event.mention.created_at
    return event.at if isinstance(event, AccountReply) else datetime.min.replace(tzinfo=UTC)


def _batch(events: list[MetaEvent], own: list[OwnPost], problems: list[str]) -> MetaBatch:
    events.sort(key=_at)
    newest = max((_at(e) for e in events), default=None)
    return MetaBatch(events, own, newest, tuple(problems))


def _own_post(page_id: str, post: Json) -> OwnPost:
    metrics = PostMetrics(
        likes=int(((post.get("reactions") or {}).get("summary") or {}).get("total_count") or 0),
        replies=int(((post.get("comments") or {}).get("summary") or {}).get("total_count") or 0),
        reposts=int((post.get("shares") or {}).get("count") or 0),
    )
    created = graph_time(post.get("created_time"), f"post {post.get('id')}")
    return OwnPost(
        id=str(post["id"]),
        account_id=page_id,
        text=str(post.get("message") or ""),
        created_at=created,
        metrics=metrics,
        platform=Platform.FACEBOOK,
    )


def _own_media(account_id: str, media: Json, created: datetime) -> OwnPost:
    metrics = PostMetrics(likes=int(media.get("like_count") or 0), replies=int(media.get("comments_count") or 0))
    caption = str(media.get("caption") or "")
    return OwnPost(
        id=str(media["id"]),
        account_id=account_id,
        text=caption,
        created_at=created,
        metrics=metrics,
        platform=Platform.INSTAGRAM,
    )
