"""A local stand-in for the X API v2 endpoints the bot uses: point tweepy (via `X_API_URL`) at `sandbox.url`.

Tweets come from JSONL response pages (the shape of `GET /2/users/:id/mentions`), from `add_mentions` at run
time, and from `POST /2/tweets`, which needs a user-context token from the OAuth 2.0 stand-in (`_x_oauth.py`:
`issue_token`, or the authorize/token flow after `consent_as`) and follows X's reply rules (`_x_posts.py`).
Every answer carries x-rate-limit-* headers; 429s, hangs and `errors[]` in a 200 are injected per path prefix,
and posts have their own faults (`rate_limit_posts`, `fail_posts`, `reset_after_accept`).

    with XSandbox() as x:
        x.load_pages(SHARED / "data" / "mentions_dev.jsonl")
        client = build_x_client("token", x.url, timeout=5)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.sandbox._faults import Fault, FaultQueue
from bot.sandbox._http import LoopbackServer, Reply, Request
from bot.sandbox._x_oauth import OAuthStandIn
from bot.sandbox._x_posts import PostDesk
from bot.sandbox._x_routes import route
from bot.sandbox._x_store import XStore, now_iso

WINDOW_SECONDS = 900


@dataclass(frozen=True)
class XCall:
    """One request as received, with the status answered (even when the client gave up waiting)."""

    method: str
    path: str
    query: dict[str, str]
    time: float
    status: int


class XSandbox(LoopbackServer):
    """X API v2 stand-in on 127.0.0.1; `url` has no trailing slash (requests go to `{url}/2/...`)."""

    def __init__(self, rate_limit: int = 450, post_limit: int = 100) -> None:
        super().__init__()
        self.store = XStore()
        self.oauth = OAuthStandIn()
        self.posts = PostDesk(post_limit)
        self.rate_limit = rate_limit
        self._lock = threading.Lock()
        self._calls: list[XCall] = []
        self._used: dict[str, int] = {}
        self._window_start = time.time()
        self._faults = FaultQueue(match_prefix=True)
        self.bearer_token: str | None = None  # when set, any other bearer token answers 401

    @property
    def url(self) -> str:
        return self.origin

    # -- data ------------------------------------------------------------------------------------------

    def load_pages(self, path: str | Path) -> int:
        """Add every tweet and user of a JSONL file of response pages; return how many tweets."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return self.add_pages(json.loads(line) for line in lines if line.strip())

    def add_pages(self, pages: Iterable[Mapping[str, Any]]) -> int:
        count = 0
        for page in pages:
            for user in (page.get("includes") or {}).get("users") or []:
                self.store.add_user(user)
            for tweet in page.get("data") or []:
                self.store.add_tweet(tweet)
                count += 1
        return count

    def add_user(self, user_id: str, username: str, name: str = "") -> None:
        self.store.add_user({"id": user_id, "username": username, "name": name or username})

    def add_mentions(
        self, account_id: str, username: str, count: int = 1, text: str = "@{username} synthetic mention {n}"
    ) -> list[str]:
        """Inject `count` new tweets mentioning the account, newer than anything stored; return their ids."""
        ids = []
        for n in range(count):
            tweet_id = self.store.next_id()
            author_id = f"9{n % 1000:03d}000"
            body = text.format(username=username, n=n)
            self.store.add_user({"id": author_id, "username": f"citizen{n % 1000}", "name": f"Citizen {n % 1000}"})
            self.store.add_tweet(
                {
                    "id": tweet_id,
                    "text": body,
                    "author_id": author_id,
                    "created_at": now_iso(),
                    "conversation_id": tweet_id,
                    "lang": "en",
                    "edit_history_tweet_ids": [tweet_id],
                    "entities": {
                        "mentions": [{"start": 0, "end": len(username) + 1, "username": username, "id": account_id}]
                    },
                }
            )
            ids.append(tweet_id)
        return ids

    def add_own_post(
        self,
        account_id: str,
        text: str,
        in_reply_to_tweet_id: str | None = None,
        public_metrics: Mapping[str, int] | None = None,
    ) -> str:
        """Record a post by a desk account (a reply when `in_reply_to_tweet_id` is given); return its id."""
        tweet = self.store.new_post(account_id, text, in_reply_to_tweet_id, public_metrics)
        return str(tweet["id"])

    def delete(self, tweet_id: str) -> None:
        self.store.delete(tweet_id)

    def own_posts(self, account_id: str) -> list[dict[str, Any]]:
        return self.store.get(str(i) for i in self.store.own_ids(account_id))

    # -- accounts and posting --------------------------------------------------------------------------

    def consent_as(self, user_id: str) -> None:
        """Sign `user_id` in: the next authorisation request is approved as that account."""
        self.oauth.consenting_user = user_id

    def issue_token(self, user_id: str, seconds: int = 7200) -> dict[str, Any]:
        """Mint user-context tokens for `user_id` as the token endpoint would (access, refresh, expiry)."""
        return self.oauth.issue(user_id, seconds)

    def restrict_replies(self, tweet_id: str) -> None:
        """Make X refuse replies to `tweet_id` (its author limited who may reply)."""
        self.posts.restricted.add(tweet_id)

    def rate_limit_posts(self, times: int = 1, reset_header: bool = True, reset_in: int = 2) -> None:
        """Answer 429 to the next `times` posts, with x-rate-limit-reset `reset_in` s ahead unless told not to."""
        self.posts.queue(Fault("rate_limit", retry_after=reset_in if reset_header else None), times)

    def fail_posts(self, status: int = 503, times: int = 1) -> None:
        self.posts.queue(Fault("status", status=status), times)

    def reset_after_accept(self, times: int = 1) -> None:
        """Accept the next `times` posts, then drop the connection before answering (the post exists)."""
        self.posts.queue(Fault("reset"), times)

    def replies_to(self, tweet_id: str) -> list[dict[str, Any]]:
        """Every stored post replying to `tweet_id`."""
        return self.store.replies_to(tweet_id)

    # -- inspection and faults -------------------------------------------------------------------------

    @property
    def calls(self) -> list[XCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, path_prefix: str) -> list[XCall]:
        return [call for call in self.calls if call.path.startswith(path_prefix)]

    def rate_limit_next(self, path_prefix: str, times: int = 1, reset_header: bool = True, reset_in: int = 2) -> None:
        """Answer 429 to the next `times` requests under `path_prefix`, with x-rate-limit-reset `reset_in` s ahead."""
        self._faults.add(path_prefix, Fault("rate_limit", retry_after=reset_in if reset_header else None), times)

    def hang_next(self, path_prefix: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` requests under `path_prefix` for `seconds` before answering."""
        self._faults.add(path_prefix, Fault("hang", seconds=seconds), times)

    def errors_next(self, path_prefix: str, errors: list[dict[str, Any]], times: int = 1) -> None:
        """Add `errors` beside `data` in the next `times` 200 answers under `path_prefix`."""
        self._faults.add(path_prefix, Fault("errors", errors=list(errors)), times)

    def fail_next(self, path_prefix: str, status: int = 503, times: int = 1) -> None:
        """Answer the next `times` requests under `path_prefix` with an error status such as 500 or 503."""
        self._faults.add(path_prefix, Fault("status", status=status), times)

    def reset(self) -> None:
        """Forget calls, faults and rate-limit usage; tweets stay."""
        with self._lock:
            self._calls.clear()
            self._used.clear()
            self._window_start = time.time()
        self._faults.clear()
        self.posts.faults.clear()

    # -- serving ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        hang = self._faults.take(request.path, ("hang",))
        if hang is not None:
            self.pause(hang.seconds)
        reply = self._answer(request)
        with self._lock:
            self._calls.append(XCall(request.method, request.path, dict(request.query), time.time(), reply.status))
        return reply

    def _answer(self, request: Request) -> Reply:
        if request.path == "/i/oauth2/authorize":
            return self.oauth.authorize(request)
        if request.method == "POST" and request.path == "/2/oauth2/token":
            return self.oauth.token(request)
        headers = self._rate_headers(request.path)
        token = request.bearer_token()
        if not token or (self.bearer_token not in (None, token) and not self.oauth.is_user_token(token)):
            return Reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401}, headers)
        if request.method == "POST" and request.path == "/2/tweets":
            return self.posts.answer(self, request, headers)
        if request.path == "/2/users/me":
            return self._me(token, headers)
        fault = self._faults.take(request.path, ("rate_limit", "status"))
        if fault is not None and fault.kind == "rate_limit":
            headers["x-rate-limit-remaining"] = "0"
            if fault.retry_after is None:
                headers.pop("x-rate-limit-reset")
            else:
                headers["x-rate-limit-reset"] = str(int(time.time()) + fault.retry_after)
            return Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}, headers)
        if fault is not None:
            return Reply(fault.status, {"title": "Service Unavailable", "status": fault.status}, headers)
        status, body = route(self, request)
        extra = self._faults.take(request.path, ("errors",)) if status == 200 else None
        if extra is not None:
            body.setdefault("errors", []).extend(extra.errors)
        return Reply(status, body, headers)

    def _me(self, token: str, headers: dict[str, str]) -> Reply:
        user = self.oauth.user_of(token)
        found = self.store.users.get(user or "")
        if found is None:
            return Reply(403, {"title": "Unsupported Authentication", "status": 403, "type": "about:blank"}, headers)
        return Reply(200, {"data": {k: found[k] for k in ("id", "username", "name") if k in found}}, headers)

    def _rate_headers(self, path: str) -> dict[str, str]:
        family = "/".join(part if not part.isdigit() else ":id" for part in path.split("/"))
        with self._lock:
            now = time.time()
            if now - self._window_start >= WINDOW_SECONDS:
                self._window_start, self._used = now, {}
            self._used[family] = self._used.get(family, 0) + 1
            remaining = max(0, self.rate_limit - self._used[family])
            reset = int(self._window_start + WINDOW_SECONDS)
        return {
            "x-rate-limit-limit": str(self.rate_limit),
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset),
        }
