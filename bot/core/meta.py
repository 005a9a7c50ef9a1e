"""Translate Meta Graph API objects and webhook deliveries into the desk's events: pure, so both ingest paths agree.

Webhooks (`page` feed changes, `instagram` comments and mentions) and polling (page feed, post comments, media
comments) both end here, so a comment is the same `Mention` whichever way it arrived; its desk id (`fb-…`,
`ig-…`) makes a second arrival a duplicate the mention store drops.

Only the author's own words become the mention's text; the post it was left on is its conversation, shown as a
link on the card, never triaged as if the commenter had written it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.models import Author, Mention, Platform, desk_id
from bot.core.pages import PageError

GRAPH_ID = re.compile(r"^\d{1,20}(?:_\d{1,20}){0,2}$")
INSTAGRAM_LINK = re.compile(r"^https://www\.instagram\.com/[A-Za-z0-9_./?=&-]{1,200}$")
VISITOR_ITEMS = {"post", "status", "photo", "video", "share"}  # a member of the public posting on the page


@dataclass(frozen=True)
class Comment:
    """A comment or visitor post by a member of the public (`edited` when it replaces earlier text)."""

    mention: Mention
    edited: bool = False


@dataclass(frozen=True)
class AccountReply:
    """The page or account itself answered in a thread: `answered` is the desk id of what it replied to."""

    answered: str
    account_id: str
    at: datetime


@dataclass(frozen=True)
class Removed:
    """A comment or post removed on the platform: the desk must redact it within the terms' time."""

    mention_id: str


@dataclass(frozen=True)
class MentionedIn:
    """An Instagram @mention in someone else's comment: the webhook carries ids only, so it is fetched."""

    account_id: str
    comment_id: str
    media_id: str


MetaEvent = Comment | AccountReply | Removed | MentionedIn


def graph_time(value: Any, where: str) -> datetime:
    """Read a Graph time: unix seconds in webhooks, ISO 8601 with a `+0000` offset in API answers."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    raise PageError(f"{where}: time missing or not unix seconds or ISO 8601")


def facebook_link(post_id: str, comment_id: str = "") -> str:
    """Build a Facebook address from Graph ids alone (never from text the platform passed on)."""
    if not GRAPH_ID.match(post_id) or (comment_id and not GRAPH_ID.match(comment_id)):
        return ""
    return f"https://www.facebook.com/{post_id}" + (f"?comment_id={comment_id}" if comment_id else "")


def instagram_link(permalink: str) -> str:
    """Keep an Instagram media permalink only when it is one."""
    return permalink if INSTAGRAM_LINK.match(permalink) else ""


def _id(value: Any, where: str) -> str:
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not GRAPH_ID.match(text):
        raise PageError(f"{where}: missing or malformed Graph id")
    return text


def _author(raw: Any) -> Author:
    who = raw if isinstance(raw, Mapping) else {}
    return Author(id=str(who.get("id") or ""), username=str(who.get("username") or ""), name=str(who.get("name") or ""))


def facebook_comment(
    page_id: str, raw: Mapping[str, Any], post_id: str, created: datetime | None = None, edited: bool = False
) -> MetaEvent | None:
    """Turn one Facebook comment (webhook value or API object) into a Comment or the page's own AccountReply."""
    comment_id = _id(raw.get("comment_id") or raw.get("id"), "facebook comment")
    where = f"facebook comment {comment_id}"
    at = created or graph_time(raw.get("created_time"), where)
    parent = raw.get("parent_id") or (raw.get("parent") or {}).get("id") or post_id
    author = _author(raw.get("from"))
    if author.id == page_id:  # answers the comment it replies to, or a visitor post it comments on
        return AccountReply(desk_id(Platform.FACEBOOK, str(parent)), page_id, at)
    mention = Mention(
        id=desk_id(Platform.FACEBOOK, comment_id),
        text=str(raw.get("message") or ""),
        author=author,
        created_at=at,
        conversation_id=desk_id(Platform.FACEBOOK, post_id),
        platform=Platform.FACEBOOK,
        account_id=page_id,
        link=facebook_link(post_id, comment_id),
    )
    return Comment(mention, edited)


def facebook_visitor_post(page_id: str, raw: Mapping[str, Any], edited: bool = False) -> Comment | None:
    """Turn a post on the page's feed into a Comment when a member of the public wrote it; None for the page's own."""
    post_id = _id(raw.get("post_id") or raw.get("id"), "facebook post")
    author = _author(raw.get("from"))
    if author.id in ("", page_id):
        return None
    mention = Mention(
        id=desk_id(Platform.FACEBOOK, post_id),
        text=str(raw.get("message") or ""),
        author=author,
        created_at=graph_time(raw.get("created_time"), f"facebook post {post_id}"),
        conversation_id=desk_id(Platform.FACEBOOK, post_id),
        platform=Platform.FACEBOOK,
        account_id=page_id,
        link=facebook_link(post_id),
    )
    return Comment(mention, edited)


def instagram_comment(
    account_id: str, raw: Mapping[str, Any], media_id: str, created: datetime | None = None, permalink: str = ""
) -> MetaEvent | None:
    """Turn one Instagram comment (webhook value or API object) into a Comment or the account's own AccountReply."""
    comment_id = _id(raw.get("id"), "instagram comment")
    at = created or graph_time(raw.get("timestamp"), f"instagram comment {comment_id}")
    author = _author(raw.get("from"))
    if not author.username and raw.get("username"):
        author = author.model_copy(update={"username": str(raw["username"])})
    parent = str(raw.get("parent_id") or "")
    if author.id == account_id:
        return AccountReply(desk_id(Platform.INSTAGRAM, parent), account_id, at) if parent else None
    mention = Mention(
        id=desk_id(Platform.INSTAGRAM, comment_id),
        text=str(raw.get("text") or ""),
        author=author,
        created_at=at,
        conversation_id=desk_id(Platform.INSTAGRAM, media_id),
        platform=Platform.INSTAGRAM,
        account_id=account_id,
        link=instagram_link(permalink),
    )
    return Comment(mention)


def read_delivery(payload: Mapping[str, Any]) -> tuple[list[MetaEvent], list[str]]:
    """Read a verified webhook delivery into events, with a line per change that could not be read."""
    events: list[MetaEvent] = []
    problems: list[str] = []
    kind = payload.get("object")
    for entry in payload.get("entry") or []:
        if not isinstance(entry, Mapping):
            continue
        account = str(entry.get("id") or "")
        at = entry.get("time")
        for change in entry.get("changes") or []:
            if not isinstance(change, Mapping) or not isinstance(change.get("value"), Mapping):
                continue
            try:
                event = _change(kind, account, str(change.get("field") or ""), change["value"], at)
            except PageError as exc:
                problems.append(str(exc))
                continue
            if event is not None:
                events.append(event)
    return events, problems


def _change(kind: Any, account: str, field: str, value: Mapping[str, Any], at: Any) -> MetaEvent | None:
    if kind == "page" and field == "feed":
        return _feed_change(account, value)
    if kind == "instagram" and field == "comments":
        media = value.get("media")
        media = media if isinstance(media, Mapping) else {}
        return instagram_comment(account, value, _id(media.get("id"), "instagram media"), graph_time(at, "entry"))
    if kind == "instagram" and field == "mentions":
        return MentionedIn(account, _id(value.get("comment_id"), "mention"), _id(value.get("media_id"), "mention"))
    return None


def _feed_change(page_id: str, value: Mapping[str, Any]) -> MetaEvent | None:
    item, verb = value.get("item"), value.get("verb")
    if verb not in ("add", "edited", "remove"):
        return None  # hide, unhide, reactions: nothing the desk answers
    if item == "comment":
        if verb == "remove":
            return Removed(desk_id(Platform.FACEBOOK, _id(value.get("comment_id"), "removed comment")))
        return facebook_comment(page_id, value, _id(value.get("post_id"), "comment's post"), edited=verb == "edited")
    if item in VISITOR_ITEMS:
        if verb == "remove":
            return Removed(desk_id(Platform.FACEBOOK, _id(value.get("post_id"), "removed post")))
        return facebook_visitor_post(page_id, value, edited=verb == "edited")
    return None
