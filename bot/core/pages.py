"""Translate X API v2 response pages (plain JSON dicts) into domain records.

Shared by the offline `commsdesk triage` command and the tweepy adapter, so both see a tweet the same way:
HTML entities unescaped (X escapes `&`, `<` and `>`), nothing else changed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.core.errors import CommsDeskError
from bot.core.models import Author, Mention, OwnPost, PostMetrics, ReferencedTweet


class PageError(CommsDeskError, ValueError):
    """A page or tweet is not shaped like an X API v2 response."""


def _require(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind):
        raise PageError(f"{where}: '{key}' missing or not {kind.__name__}")
    return value


def _time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise PageError(f"{where}: 'created_at' missing or not a string")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PageError(f"{where}: 'created_at' is not an ISO 8601 time") from None


def users_by_id(page: Mapping[str, Any]) -> dict[str, Author]:
    includes = page.get("includes") or {}
    users = includes.get("users") or [] if isinstance(includes, Mapping) else []
    out: dict[str, Author] = {}
    for user in users:
        if isinstance(user, Mapping) and isinstance(user.get("id"), str):
            out[user["id"]] = Author(
                id=user["id"],
                username=str(user.get("username") or ""),
                name=str(user.get("name") or ""),
                location=str(user.get("location") or ""),
            )
    return out


def mention_from_tweet(tweet: Mapping[str, Any], users: Mapping[str, Author]) -> Mention:
    """Build a Mention from one tweet object and the page's user expansions."""
    tweet_id = _require(tweet, "id", str, "tweet")
    where = f"tweet {tweet_id}"
    text = _require(tweet, "text", str, where)
    author_id = str(tweet.get("author_id") or "")
    entities = tweet.get("entities") or {}
    mentioned = tuple(
        str(m["username"])
        for m in (entities.get("mentions") or [] if isinstance(entities, Mapping) else [])
        if isinstance(m, Mapping) and m.get("username")
    )
    referenced = tuple(
        ReferencedTweet(type=str(r["type"]), id=str(r["id"]))
        for r in tweet.get("referenced_tweets") or []
        if isinstance(r, Mapping) and "type" in r and "id" in r
    )
    return Mention(
        id=tweet_id,
        text=html.unescape(text),
        author=users.get(author_id) or Author(id=author_id),
        created_at=_time(tweet.get("created_at"), where),
        conversation_id=str(tweet.get("conversation_id") or ""),
        in_reply_to_user_id=str(tweet.get("in_reply_to_user_id") or ""),
        referenced=referenced,
        mentioned=mentioned,
        lang=str(tweet.get("lang") or ""),
    )


def mentions_from_page(page: Any) -> list[Mention]:
    """Return the page's tweets as Mentions, in page order; raise PageError when malformed."""
    if not isinstance(page, Mapping):
        raise PageError("page is not a JSON object")
    data = page.get("data", [])
    if not isinstance(data, list):
        raise PageError("'data' is not a list")
    users = users_by_id(page)
    mentions = []
    for tweet in data:
        if not isinstance(tweet, Mapping):
            raise PageError("an item of 'data' is not a JSON object")
        mentions.append(mention_from_tweet(tweet, users))
    return mentions


def metrics_from(public_metrics: Any) -> PostMetrics:
    m = public_metrics if isinstance(public_metrics, Mapping) else {}
    return PostMetrics(
        impressions=int(m.get("impression_count") or 0),
        likes=int(m.get("like_count") or 0),
        reposts=int(m.get("retweet_count") or 0),
        quotes=int(m.get("quote_count") or 0),
        replies=int(m.get("reply_count") or 0),
        bookmarks=int(m.get("bookmark_count") or 0),
    )


def own_post_from_tweet(tweet: Mapping[str, Any], account_id: str) -> OwnPost:
    """Build an OwnPost from one of a desk account's own tweets."""
    tweet_id = _require(tweet, "id", str, "tweet")
    replied_to = next((str(r["id"]) for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"), "")
    return OwnPost(
        id=tweet_id,
        account_id=account_id,
        text=html.unescape(_require(tweet, "text", str, f"tweet {tweet_id}")),
        created_at=_time(tweet.get("created_at"), f"tweet {tweet_id}"),
        conversation_id=str(tweet.get("conversation_id") or ""),
        in_reply_to_tweet_id=replied_to,
        metrics=metrics_from(tweet.get("public_metrics")),
    )
