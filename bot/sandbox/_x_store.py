"""The X stand-in's tweets and users, and the timeline/search/lookup queries over them."""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

MENTIONS_CAP = 800  # X's mentions timeline reaches back over the most recent 800 mentions only
HANDLE = re.compile(r"@(\w{1,15})")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class XStore:
    """Tweets by id, users by id, and which tweets each account posted itself."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.tweets: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.own: dict[str, list[str]] = {}
        self._by_mentioned_id: dict[str, set[int]] = {}
        self._by_handle: dict[str, set[int]] = {}
        self._max_id = 2_000_000_000_000_000_000

    def next_id(self) -> str:
        with self._lock:
            self._max_id += 1
            return str(self._max_id)

    def add_user(self, user: Mapping[str, Any]) -> None:
        with self._lock:
            known = self.users.get(str(user["id"]), {})
            self.users[str(user["id"])] = {**known, **copy.deepcopy(dict(user))}

    def add_tweet(self, tweet: Mapping[str, Any]) -> None:
        with self._lock:
            self.tweets[str(tweet["id"])] = copy.deepcopy(dict(tweet))
            self._max_id = max(self._max_id, int(tweet["id"]))
            for mentioned in (tweet.get("entities") or {}).get("mentions") or []:
                self._by_mentioned_id.setdefault(str(mentioned.get("id")), set()).add(int(tweet["id"]))
                self._by_handle.setdefault(str(mentioned.get("username")).casefold(), set()).add(int(tweet["id"]))
                if mentioned.get("id") and mentioned["id"] not in self.users:
                    self.users[mentioned["id"]] = {
                        "id": mentioned["id"],
                        "username": mentioned["username"],
                        "name": mentioned["username"],
                    }

    def add_own(self, account_id: str, tweet: Mapping[str, Any]) -> None:
        with self._lock:
            self.add_tweet(tweet)
            self.own.setdefault(account_id, []).append(str(tweet["id"]))

    def delete(self, tweet_id: str) -> None:
        with self._lock:
            tweet = self.tweets.pop(tweet_id, None) or {}
            for mentioned in (tweet.get("entities") or {}).get("mentions") or []:
                self._by_mentioned_id.get(str(mentioned.get("id")), set()).discard(int(tweet_id))
                self._by_handle.get(str(mentioned.get("username")).casefold(), set()).discard(int(tweet_id))

    def user_by_username(self, username: str) -> dict[str, Any] | None:
        with self._lock:
            wanted = username.lstrip("@").casefold()
            return next((dict(u) for u in self.users.values() if str(u.get("username", "")).casefold() == wanted), None)

    def get(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Return the tweets that still exist, in the order asked (stored tweets are never mutated in place)."""
        with self._lock:
            return [dict(self.tweets[i]) for i in ids if i in self.tweets]

    def _newest_first(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, reverse=True)

    def mention_ids(self, user_id: str) -> list[int]:
        """Ids of tweets mentioning the user, newest first, within X's 800-mention reach."""
        with self._lock:
            return self._newest_first(self._by_mentioned_id.get(user_id, ()))[:MENTIONS_CAP]

    def search_ids(self, query: str) -> list[int]:
        """Ids of tweets mentioning any @handle in the query (the `@A OR @B` form the bot sends), newest first."""
        with self._lock:
            found = set().union(*(self._by_handle.get(h.casefold(), set()) for h in HANDLE.findall(query)))
            return self._newest_first(found)

    def own_ids(self, account_id: str) -> list[int]:
        with self._lock:
            return self._newest_first(int(i) for i in self.own.get(account_id, []) if i in self.tweets)

    def authors(self, tweets: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        with self._lock:
            ids = dict.fromkeys(str(t.get("author_id")) for t in tweets)
            return [dict(self.users[i]) for i in ids if i in self.users]

    def new_post(
        self, author_id: str, text: str, in_reply_to: str | None, metrics: Mapping[str, int] | None = None
    ) -> dict[str, Any]:
        """Create a post by `author_id`, replying to `in_reply_to` when given."""
        with self._lock:
            tweet: dict[str, Any] = {
                "id": self.next_id(),
                "text": text,
                "author_id": author_id,
                "created_at": now_iso(),
                "edit_history_tweet_ids": [],
                "public_metrics": {
                    "retweet_count": 0,
                    "reply_count": 0,
                    "like_count": 0,
                    "quote_count": 0,
                    "bookmark_count": 0,
                    "impression_count": 0,
                },
            }
            tweet["edit_history_tweet_ids"] = [tweet["id"]]
            tweet["public_metrics"].update(metrics or {})
            parent = self.tweets.get(in_reply_to or "")
            tweet["conversation_id"] = str(parent.get("conversation_id") or parent["id"]) if parent else tweet["id"]
            if in_reply_to:
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": in_reply_to}]
                if parent:
                    tweet["in_reply_to_user_id"] = str(parent.get("author_id") or "")
            self.add_own(author_id, tweet)
            return copy.deepcopy(tweet)

    def replies_to(self, tweet_id: str) -> list[dict[str, Any]]:
        with self._lock:
            replied = {"type": "replied_to", "id": tweet_id}
            return [copy.deepcopy(t) for t in self.tweets.values() if replied in (t.get("referenced_tweets") or [])]
