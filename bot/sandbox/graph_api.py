"""A local stand-in for the Meta Graph API endpoints the bot uses: point `META_API_URL` at `sandbox.url`.

Pages and Instagram accounts each have a token; every request must carry the owning account's token as
`access_token` (else error 190). It serves the page feed and posts, post comments (`filter=stream` for the
whole thread), Instagram media and media comments (with `replies`), object reads, `mentioned_comment`, and
replies (`POST /{comment}/comments`, `POST /{ig-comment}/replies`, read back with `GET`). Lists page with
`limit` and `after` cursors and honour `since`. Every answer carries `X-App-Usage` and
`X-Business-Use-Case-Usage` computed from the calls made in the current window against `capacity`; past it,
Graph's throttle (error 4, HTTP 403).

    with GraphSandbox() as graph:
        graph.add_page("1500000000000003", "Northtown Neighbourhood Police", token="page-token")
        post = graph.add_post("1500000000000003", "Street surgery on Saturday")
        comment = graph.add_comment(post.id, "Will you be at the market?", {"id": "77", "name": "Ann"})
        MetaDeliveries(web_url, "app-secret").send(graph.feed_change(comment, "add"))
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.sandbox._faults import Fault, FaultQueue
from bot.sandbox._graph_store import GraphObject, GraphStore, render
from bot.sandbox._http import LoopbackServer, Reply, Request

VERSION = "v24.0"
_MENTIONED = re.compile(r"mentioned_comment\.comment_id\((\d+)\)")
_SUB_FIELDS = re.compile(r"\{[^{}]*\}|\.[a-z_]+\([^)]*\)")


@dataclass(frozen=True)
class GraphCall:
    method: str
    path: str
    query: dict[str, str]
    status: int


def _error(code: int, message: str, status: int = 400, subcode: int | None = None) -> Reply:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error})


class GraphSandbox(LoopbackServer):
    """Graph API stand-in on 127.0.0.1; requests go to `{url}/{VERSION}/...`."""

    def __init__(self, capacity: int = 200, window_seconds: float = 3600.0) -> None:
        super().__init__()
        self.store = GraphStore()
        self.capacity = capacity  # calls per window before the throttle, app-wide and per account
        self.window_seconds = window_seconds
        self.usage_floor = 0  # percent reported at least, to drive a client's back-off in tests
        self.down = False  # an outage: every request answers 503
        self._lock = threading.Lock()
        self._calls: list[GraphCall] = []
        self._used: dict[str, int] = {}
        self._window_start = time.time()
        self._faults = FaultQueue(match_prefix=True)

    @property
    def url(self) -> str:
        return self.origin

    # -- data ------------------------------------------------------------------------------------------

    def add_page(self, page_id: str, name: str, token: str) -> None:
        with self.store.lock:
            self.store.tokens[page_id], self.store.names[page_id] = token, name

    def add_instagram(self, account_id: str, username: str, token: str) -> None:
        self.add_page(account_id, username, token)
        with self.store.lock:
            self.store.instagram.add(account_id)

    def add_post(self, page_id: str, text: str, author: dict[str, str] | None = None, **counts: int) -> GraphObject:
        """Post on a page's feed: by the page itself unless `author` (a visitor post) is given."""
        post_id = f"{page_id}_{self.store.next_id()}"
        who = author or {"id": page_id, "name": self.store.names.get(page_id, "")}
        return self.store.add(GraphObject(post_id, page_id, "", post_id, who, text, int(time.time()), "post", counts))

    def add_media(self, account_id: str, caption: str, likes: int = 0) -> GraphObject:
        media_id = self.store.next_id()
        media = GraphObject(
            media_id, account_id, "", media_id, {}, caption, int(time.time()), "media", {"likes": likes}
        )
        return self.store.add(media)

    def add_comment(self, parent_id: str, text: str, author: dict[str, str] | None = None) -> GraphObject:
        """Comment on a post, media item or comment; by the owning account itself when `author` is None."""
        parent = self.store.get(parent_id)
        if parent is None:
            raise KeyError(parent_id)
        owner = parent.owner
        instagram = owner in self.store.instagram
        if author is None:
            name_key = "username" if instagram else "name"
            author = {"id": owner, name_key: self.store.names.get(owner, "")}
        native = self.store.next_id()
        comment_id = native if instagram else f"{parent.post.split('_', 1)[-1]}_{native}"
        kind = "ig_comment" if instagram else "comment"
        return self.store.add(
            GraphObject(comment_id, owner, parent_id, parent.post, author, text, int(time.time()), kind)
        )

    def delete(self, object_id: str) -> None:
        self.store.remove(object_id)

    # -- webhook payloads ------------------------------------------------------------------------------

    def feed_change(self, obj: GraphObject, verb: str = "add") -> dict[str, Any]:
        """The `page` webhook delivery Meta sends for a comment or visitor post on a page's feed."""
        value: dict[str, Any] = {
            "from": obj.author,
            "item": "comment" if obj.kind == "comment" else "status",
            "verb": verb,
            "post_id": obj.post,
            "created_time": obj.created,
            "message": obj.text,
        }
        if obj.kind == "comment":
            value |= {"comment_id": obj.id, "parent_id": obj.parent}
        entry = {"id": obj.owner, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}
        return {"object": "page", "entry": [entry]}

    def instagram_change(self, obj: GraphObject) -> dict[str, Any]:
        """The `instagram` webhook delivery Meta sends for a comment on the account's media."""
        value: dict[str, Any] = {"from": obj.author, "media": {"id": obj.post}, "id": obj.id, "text": obj.text}
        if obj.parent != obj.post:
            value["parent_id"] = obj.parent
        entry = {"id": obj.owner, "time": obj.created, "changes": [{"field": "comments", "value": value}]}
        return {"object": "instagram", "entry": [entry]}

    # -- inspection and faults -------------------------------------------------------------------------

    @property
    def calls(self) -> list[GraphCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, suffix: str) -> list[GraphCall]:
        return [c for c in self.calls if c.path.endswith(suffix)]

    def throttle_next(self, path_prefix: str = "/", times: int = 1) -> None:
        """Answer the next `times` requests with Graph's rate-limit error (code 4)."""
        self._faults.add(path_prefix, Fault("rate_limit"), times)

    def fail_next(self, path_prefix: str = "/", status: int = 503, times: int = 1) -> None:
        self._faults.add(path_prefix, Fault("status", status=status), times)

    # -- serving ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        reply = self._answer(request)
        with self._lock:
            self._calls.append(GraphCall(request.method, request.path, dict(request.query), reply.status))
        return reply

    def _answer(self, request: Request) -> Reply:
        if self.down:
            return _error(2, "Service temporarily unavailable", 503)
        parts = request.path.strip("/").split("/")
        if len(parts) not in (2, 3) or parts[0] != VERSION:
            return _error(2500, f"Unknown path components: {request.path}")
        params = request.params()
        owner = self._owner(parts[1])
        if owner is None:
            return _error(100, f"Object with ID '{parts[1]}' does not exist", subcode=33)
        if params.get("access_token") != self.store.tokens.get(owner):
            return _error(190, "Invalid OAuth access token - Cannot parse access token")
        fault = self._faults.take(request.path, ("rate_limit", "status"))
        app_pct, account_pct = self._count(owner)
        headers = self._usage_headers(owner, app_pct, account_pct)
        if fault is not None and fault.kind == "status":
            return _error(2, "An unexpected error has occurred", fault.status)
        if (fault is not None) or max(app_pct, account_pct) > 100:
            return Reply(403, {"error": {"message": "(#4) Application request limit reached", "code": 4}}, headers)
        reply = self._route(request.method, parts[1], parts[2] if len(parts) == 3 else "", params)
        reply.headers.update(headers)
        return reply

    def _owner(self, object_id: str) -> str | None:
        if object_id in self.store.tokens:
            return object_id
        obj = self.store.get(object_id)
        return obj.owner if obj else None

    def _count(self, owner: str) -> tuple[int, int]:
        with self._lock:
            now = time.time()
            if now - self._window_start >= self.window_seconds:
                self._window_start, self._used = now, {}
            for key in ("app", owner):
                self._used[key] = self._used.get(key, 0) + 1
            app, account = self._used["app"], self._used[owner]
        return (
            max(self.usage_floor, app * 100 // self.capacity),
            max(self.usage_floor, account * 100 // self.capacity),
        )

    def _usage_headers(self, owner: str, app_pct: int, account_pct: int) -> dict[str, str]:
        regain = 0 if account_pct <= 100 else max(1, int(self.window_seconds // 60))
        business = {
            "type": "pages",
            "call_count": account_pct,
            "total_cputime": account_pct // 2,
            "total_time": account_pct // 2,
            "estimated_time_to_regain_access": regain,
        }
        return {
            "X-App-Usage": json.dumps(
                {"call_count": app_pct, "total_cputime": app_pct // 2, "total_time": app_pct // 2}
            ),
            "X-Business-Use-Case-Usage": json.dumps({owner: [business]}),
        }

    def _route(self, method: str, object_id: str, edge: str, params: dict[str, Any]) -> Reply:
        fields = _fields(str(params.get("fields", "")))
        if method == "POST" and edge in ("comments", "replies"):
            message = str(params.get("message", "")).strip()
            if not message:
                return _error(100, "(#100) The parameter message is required")
            return Reply(200, {"id": self.add_comment(object_id, message).id})
        if method != "GET":
            return _error(100, f"Unsupported {method} request")
        if edge == "":
            return self._read(object_id, fields, str(params.get("fields", "")))
        since = int(params.get("since") or 0)
        if edge in ("feed", "posts"):
            items = [o for o in self.store.owned(object_id, "post") if o.created >= since]
        elif edge == "media":
            items = self.store.owned(object_id, "media")
        elif edge == "comments" and params.get("filter") == "stream":
            items = [o for o in self.store.thread(object_id) if o.created >= since]
        elif edge == "comments":
            kind = "ig_comment" if self._owner(object_id) in self.store.instagram else "comment"
            items = [o for o in self.store.children(object_id, kind) if o.created >= since]
        elif edge == "replies":
            items = self.store.children(object_id, "ig_comment")
        else:
            return _error(2500, f"Unknown edge {edge}")
        return Reply(200, self._page([self._with_extras(o, fields) for o in items], params))

    def _read(self, object_id: str, fields: set[str], raw_fields: str) -> Reply:
        if object_id in self.store.tokens:
            key = "username" if object_id in self.store.instagram else "name"
            body: dict[str, Any] = {"id": object_id, key: self.store.names[object_id]}
            if found := _MENTIONED.search(raw_fields):
                comment = self.store.get(found.group(1))
                if comment is None:
                    return _error(100, "Invalid comment id", subcode=33)
                body["mentioned_comment"] = render(comment, {"text", "timestamp", "username", "from", "media"})
            return Reply(200, body)
        obj = self.store.get(object_id)
        if obj is None:
            return _error(100, f"Object with ID '{object_id}' does not exist", subcode=33)
        return Reply(200, self._with_extras(obj, fields))

    def _with_extras(self, obj: GraphObject, fields: set[str]) -> dict[str, Any]:
        out = render(obj, fields)
        if "reactions" in fields:
            out["reactions"] = {"data": [], "summary": {"total_count": obj.counts.get("reactions", 0)}}
        if "comments" in fields:
            out["comments"] = {"data": [], "summary": {"total_count": len(self.store.thread(obj.id))}}
        if "like_count" in fields and obj.kind == "media":
            out["like_count"] = obj.counts.get("likes", 0)
        if "comments_count" in fields and obj.kind == "media":
            out["comments_count"] = len(self.store.thread(obj.id))
        if "shares" in fields and obj.counts.get("shares"):
            out["shares"] = {"count": obj.counts["shares"]}
        if "replies" in fields and obj.kind == "ig_comment":
            out["replies"] = {"data": [render(r, fields) for r in self.store.children(obj.id, "ig_comment")]}
        return out

    def _page(self, items: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = max(1, min(100, int(params.get("limit") or 25)))
        start = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
        chunk = items[start : start + limit]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            cursors = {"before": _cursor(start), "after": _cursor(start + len(chunk))}
            body["paging"] = {"cursors": cursors}
            if start + limit < len(items):
                body["paging"]["next"] = f"{self.url}/next?after={cursors['after']}"
        return body


def _cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def _fields(raw: str) -> set[str]:
    """Top-level field names of a Graph `fields` parameter (`a,b.summary(true),c{d,e}` -> a, b, c)."""
    flat = raw
    while True:
        reduced = _SUB_FIELDS.sub("", flat)
        if reduced == flat:
            break
        flat = reduced
    return {name.strip() for name in flat.split(",") if name.strip()}
