"""What the Graph API stand-in holds: pages and Instagram accounts with their tokens, posts, media and comments."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GraphObject:
    """A post, a media item or a comment, with what the Graph API answers about it."""

    id: str
    owner: str  # page or Instagram account id
    parent: str  # for comments: the post/media or comment replied to; "" for posts and media
    post: str  # the post or media the thread hangs off (itself for posts and media)
    author: dict[str, str]
    text: str
    created: int  # unix seconds
    kind: str  # "post" | "media" | "comment" | "ig_comment"
    counts: dict[str, int] = field(default_factory=dict)  # reactions, shares (posts)


class GraphStore:
    """Thread-safe objects by id; ids grow, like the real ones, so newest-first orders by them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: dict[str, str] = {}  # account id -> its token
        self.names: dict[str, str] = {}  # account id -> page name or Instagram username
        self.instagram: set[str] = set()
        self.objects: dict[str, GraphObject] = {}
        self._ids = itertools.count(int(time.time()) * 1000)

    def next_id(self) -> str:
        return str(next(self._ids))

    def add(self, obj: GraphObject) -> GraphObject:
        with self.lock:
            self.objects[obj.id] = obj
        return obj

    def get(self, object_id: str) -> GraphObject | None:
        with self.lock:
            return self.objects.get(object_id)

    def remove(self, object_id: str) -> None:
        with self.lock:
            self.objects.pop(object_id, None)

    def children(self, parent: str, kind: str) -> list[GraphObject]:
        with self.lock:
            return sorted((o for o in self.objects.values() if o.kind == kind and o.parent == parent), key=_order)

    def thread(self, post: str) -> list[GraphObject]:
        """Every comment under a post or media item, replies included, oldest first (`filter=stream`)."""
        with self.lock:
            found = (o for o in self.objects.values() if o.kind in ("comment", "ig_comment") and o.post == post)
            return sorted(found, key=_order)

    def owned(self, owner: str, kind: str) -> list[GraphObject]:
        """Posts or media of an account, newest first as the feed and media edges list them."""
        with self.lock:
            return sorted((o for o in self.objects.values() if o.kind == kind and o.owner == owner), key=_order)[::-1]


def _order(obj: GraphObject) -> tuple[int, int]:
    return obj.created, int(obj.id.rsplit("_", 1)[-1])


def iso(unix: int) -> str:
    """Graph's time format: ISO 8601 with a `+0000` offset."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(unix))


def render(obj: GraphObject, fields: set[str]) -> dict[str, Any]:
    """Answer an object with the fields asked for (Graph returns only those, plus id)."""
    out: dict[str, Any] = {"id": obj.id}
    if obj.kind == "ig_comment":
        values: dict[str, Any] = {
            "text": obj.text,
            "timestamp": iso(obj.created),
            "username": obj.author.get("username", ""),
            "from": {"id": obj.author.get("id", ""), "username": obj.author.get("username", "")},
            "parent_id": obj.parent if obj.parent != obj.post else None,
            "media": {"id": obj.post},
        }
    else:
        values = {
            "message": obj.text,
            "created_time": iso(obj.created),
            "from": dict(obj.author),
            "permalink_url": f"https://www.facebook.com/{obj.post}",
            "parent": {"id": obj.parent} if obj.kind == "comment" and obj.parent != obj.post else None,
            "timestamp": iso(obj.created),
            "caption": obj.text,
            "permalink": f"https://www.instagram.com/p/{obj.id}/",
        }
    for name in fields:
        if name in values and values[name] is not None:
            out[name] = values[name]
    return out
