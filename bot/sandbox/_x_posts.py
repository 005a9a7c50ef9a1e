"""The X stand-in's `POST /2/tweets`: user-context auth, X's reply rules, per-user post limits and faults.

App-only tokens are refused as X refuses them (403 Unsupported Authentication). A reply to a deleted or unknown
post, a reply where replies are restricted, and the same text posted twice by one account are refused with X's
403 shapes. Each user may post `post_limit` times per 24 hours (x-user-limit-24hour-* headers, then 429).
Faults queued for posts: 429 (with or without reset), an error status, or a reset after the post was accepted.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Any

from bot.sandbox._faults import Fault, FaultQueue
from bot.sandbox._http import Reply, Request

if TYPE_CHECKING:
    from bot.sandbox.x_api import XSandbox

DAY = 86_400
POSTS = "/2/tweets"
APP_ONLY = (
    "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types "
    "are [OAuth 1.0a User Context, OAuth 2.0 User Context]."
)
DELETED = "You attempted to reply to a Tweet that is deleted or not visible to you."
RESTRICTED = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the "
    "author of the post you are replying to."
)
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."


def _forbidden(detail: str, title: str = "Forbidden") -> dict[str, Any]:
    return {"detail": detail, "type": "about:blank", "title": title, "status": 403}


class PostDesk:
    """What `POST /2/tweets` needs beyond the store: limits, restricted conversations and faults."""

    def __init__(self, post_limit: int = 100) -> None:
        self._lock = threading.Lock()
        self.post_limit = post_limit
        self._posted: dict[str, list[float]] = {}
        self.restricted: set[str] = set()
        self.faults = FaultQueue(match_prefix=False)

    def queue(self, fault: Fault, times: int) -> None:
        self.faults.add(POSTS, fault, times)

    def answer(self, x: XSandbox, request: Request, headers: dict[str, str]) -> Reply:
        user = x.oauth.user_of(request.bearer_token())
        if user is None:
            if x.oauth.is_user_token(request.bearer_token()):
                return Reply(
                    401,
                    {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
                    headers,
                )
            return Reply(403, _forbidden(APP_ONLY, "Unsupported Authentication"), headers)
        fault = self.faults.take(POSTS, ("rate_limit", "status", "reset"))
        if fault is not None and fault.kind == "rate_limit":
            headers |= {"x-rate-limit-remaining": "0"}
            headers.pop("x-rate-limit-reset", None)
            if fault.retry_after is not None:
                headers["x-rate-limit-reset"] = str(int(time.time()) + fault.retry_after)
            return Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}, headers)
        if fault is not None and fault.kind == "status":
            return Reply(fault.status, {"title": "Service Unavailable", "status": fault.status}, headers)
        limit = self._limit_headers(user)
        if limit["x-user-limit-24hour-remaining"] == "0":
            body = {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}
            return Reply(429, body, headers | limit)
        status, body = self._create(x, request, user)
        if status == 201:
            with self._lock:
                self._posted.setdefault(user, []).append(time.time())
            if fault is not None and fault.kind == "reset":
                return Reply(drop=True)  # X has the post; the client never hears so
        return Reply(status, body, headers | self._limit_headers(user))

    def _limit_headers(self, user: str) -> dict[str, str]:
        now = time.time()
        with self._lock:
            recent = [t for t in self._posted.get(user, []) if t > now - DAY]
            self._posted[user] = recent
        reset = int((recent[0] if recent else now) + DAY)
        return {
            "x-user-limit-24hour-limit": str(self.post_limit),
            "x-user-limit-24hour-remaining": str(max(0, self.post_limit - len(recent))),
            "x-user-limit-24hour-reset": str(reset),
        }

    def _create(self, x: XSandbox, request: Request, user: str) -> tuple[int, dict[str, Any]]:
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return 400, {"title": "Invalid Request", "detail": "body is not JSON", "status": 400}
        text = payload.get("text") if isinstance(payload, dict) else None
        if not isinstance(text, str) or not text.strip():
            return 400, {"title": "Invalid Request", "detail": "text is required", "status": 400}
        reply_to = str((payload.get("reply") or {}).get("in_reply_to_tweet_id") or "")
        if reply_to and not x.store.get([reply_to]):
            return 403, _forbidden(DELETED)
        if reply_to in self.restricted:
            return 403, _forbidden(RESTRICTED)
        if any(t.get("text") == text for t in x.own_posts(user)):
            return 403, _forbidden(DUPLICATE)
        tweet = x.store.new_post(user, text, reply_to or None)
        return 201, {"data": {"id": tweet["id"], "text": tweet["text"], "edit_history_tweet_ids": [tweet["id"]]}}
