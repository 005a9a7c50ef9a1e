"""Route X API v2 requests to the stand-in's store and shape answers like X does."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.sandbox._http import Request

if TYPE_CHECKING:
    from bot.sandbox.x_api import XSandbox

Answer = tuple[int, dict[str, Any]]
MENTIONS = re.compile(r"^/2/users/(\d+)/mentions$")
OWN_TWEETS = re.compile(r"^/2/users/(\d+)/tweets$")
BY_USERNAME = re.compile(r"^/2/users/by/username/(\w+)$")


def _bad_request(message: str) -> Answer:
    return 400, {
        "title": "Invalid Request",
        "detail": message,
        "type": "https://api.twitter.com/2/problems/invalid-request",
        "errors": [{"message": message}],
    }


def _not_found(kind: str, parameter: str, value: str) -> dict[str, Any]:
    return {
        "value": value,
        "detail": f"Could not find {kind} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": kind,
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def route(x: XSandbox, request: Request) -> Answer:
    path, q = request.path, request.query
    if request.method != "GET":
        return 404, {"title": "Not Found", "status": 404}
    if match := MENTIONS.match(path):
        return _timeline(x, x.store.mention_ids(match[1]), q, low=5, token="pagination_token", authors=True)
    if path == "/2/tweets/search/recent":
        if not q.get("query"):
            return _bad_request("The `query` query parameter can not be empty")
        return _timeline(x, x.store.search_ids(q["query"]), q, low=10, token="next_token", authors=True)
    if match := OWN_TWEETS.match(path):
        return _timeline(x, x.store.own_ids(match[1]), q, low=5, token="pagination_token", authors=False)
    if path == "/2/tweets":
        return _lookup(x, q.get("ids", ""))
    if path == "/2/users/by":
        return _users_by(x, [u for u in q.get("usernames", "").split(",") if u])
    if match := BY_USERNAME.match(path):
        status, body = _users_by(x, [match[1]])
        return status, {**body, "data": body["data"][0]} if "data" in body else body
    return 404, {"title": "Not Found", "status": 404}


def _timeline(x: XSandbox, newest_first: list[int], q: dict[str, str], low: int, token: str, authors: bool) -> Answer:
    """Filter by since_id/until_id, then page newest first; a token names the page's oldest id, so it stays valid."""
    try:
        limit = int(q.get("max_results") or 10)
    except ValueError:
        return _bad_request("max_results must be an integer")
    if not low <= limit <= 100:
        return _bad_request(f"The `max_results` query parameter value [{limit}] is not between {low} and 100")
    cursor = q.get(token) or ""
    if cursor and not (cursor.startswith("t") and cursor[1:].isdigit()):
        return _bad_request(f"The `{token}` query parameter value is not valid")
    since = int(q.get("since_id") or 0)
    untils = [int(v) for v in (q.get("until_id"), cursor[1:]) if v]
    until = min(untils) if untils else None
    ids = [i for i in newest_first if i > since and (until is None or i < until)]
    page = x.store.get(str(i) for i in ids[:limit])
    if not page:
        return 200, {"meta": {"result_count": 0}}
    meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
    if len(ids) > limit:
        meta["next_token"] = f"t{page[-1]['id']}"
    body: dict[str, Any] = {"data": page, "meta": meta}
    if authors and "author_id" in q.get("expansions", ""):
        body["includes"] = {"users": x.store.authors(page)}
    return 200, body


def _lookup(x: XSandbox, ids_param: str) -> Answer:
    ids = [i for i in ids_param.split(",") if i]
    if not 1 <= len(ids) <= 100:
        return _bad_request("The `ids` query parameter must hold 1 to 100 ids")
    found = {t["id"]: t for t in x.store.get(ids)}
    body: dict[str, Any] = {}
    if found:
        body["data"] = [found[i] for i in ids if i in found]
    missing = [_not_found("tweet", "ids", i) for i in ids if i not in found]
    if missing:
        body["errors"] = missing
    return 200, body


def _users_by(x: XSandbox, usernames: list[str]) -> Answer:
    if not 1 <= len(usernames) <= 100:
        return _bad_request("The `usernames` query parameter must hold 1 to 100 usernames")
    found = [(u, x.store.user_by_username(u)) for u in usernames]
    body: dict[str, Any] = {}
    if any(user for _, user in found):
        body["data"] = [user for _, user in found if user]
    missing = [_not_found("user", "username", name) for name, user in found if not user]
    if missing:
        body["errors"] = missing
    return 200, body
