"""Small pieces of mention cards: Slack-rendered times, durations, user and account names, links we build."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.blocks.safe import ELLIPSIS, inert, plain
from bot.core.desk import TeamView
from bot.core.models import SLACK_USER, Category, Mention, Platform

Block = dict[str, Any]
X_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
TWEET_ID = re.compile(r"^\d{1,20}$")
MENTION_ID = re.compile(r"^(?:\d{1,20}|fb-\d{1,20}(?:_\d{1,20}){0,2}|ig-\d{1,20})$")  # see core.models.desk_id
META_LINK = re.compile(r"^https://www\.(?:facebook|instagram)\.com/[A-Za-z0-9_./?=&-]{1,200}$")

CATEGORY_LABELS: Mapping[Category, str] = {
    Category.EMERGENCY: "Emergency",
    Category.CRIME_REPORT: "Crime report",
    Category.INFORMATION: "Information offered",
    Category.MEDIA: "Media enquiry",
    Category.COMPLAINT: "Complaint",
    Category.QUESTION: "Question",
    Category.PRAISE: "Praise",
    Category.ABUSE: "Abuse",
    Category.CHATTER: "Chatter",
}


def when(moment: datetime) -> str:
    """Show a time in each reader's own time zone (Slack date token), falling back to UTC text."""
    utc = moment.astimezone(UTC)
    fallback = utc.strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def user(user_id: str) -> str:
    """Mention a Slack user we hold the id of; anything that is not an id is shown literally."""
    return f"<@{user_id}>" if SLACK_USER.match(user_id) else inert(user_id, 40)


def handle(name: str) -> str:
    """Show an X handle as inert text with its @."""
    return "@" + inert(name.lstrip("@"), 40)


def post_url(mention: Mention) -> str:
    """Build the post's address ourselves from its id, never from text the tweet supplied."""
    if mention.platform is not Platform.X:
        return mention.link if META_LINK.match(mention.link) else ""  # built from Graph ids by core.meta
    if not TWEET_ID.match(mention.id):
        return ""
    username = mention.author.username if X_USERNAME.match(mention.author.username) else "i/web"
    return f"https://x.com/{username}/status/{mention.id}"


def reply_url(tweet_id: str) -> str:
    return f"https://x.com/intent/post?in_reply_to={tweet_id}" if TWEET_ID.match(tweet_id) else ""


def page_name(mention: Mention, teams: Sequence[TeamView]) -> str:
    """Name the desk's Facebook Page or Instagram account a comment was left on."""
    accounts = [a for t in teams for a in (*t.facebook_pages, *t.instagram_accounts)]
    return next((a.name for a in accounts if a.id == mention.account_id), "")


def desk_accounts(mention: Mention, teams: Sequence[TeamView]) -> list[str]:
    """Return the desk's accounts the post mentions (in its order), or every mentioned handle if none are ours."""
    ours = {a.handle.casefold(): a.handle for t in teams for a in t.accounts}
    mentioned = [ours[h.casefold()] for h in mention.mentioned if h.casefold() in ours]
    return list(dict.fromkeys(mentioned or mention.mentioned))[:5]


def team_name(key: str, teams: Sequence[TeamView]) -> str:
    names = {t.key: t.name for t in teams} | {"desk": "Comms desk", "control_room": "Control room"}
    return names.get(key, key)


def text(value: str, limit: int = 150) -> Block:
    return {"type": "plain_text", "text": plain(value, limit) or " ", "emoji": True}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def quote(untrusted: str, limit: int) -> str:
    """Quote untrusted text line by line, inert and within `limit` characters however many lines it has."""
    if len(untrusted) > 2 * limit:  # long posts run to 25,000 characters; only the start can be shown
        untrusted = untrusted[: 2 * limit] + ELLIPSIS
    budget = limit
    while True:
        body = inert(untrusted, budget) or "(no text)"
        quoted = "\n".join("> " + line for line in body.split("\n"))
        if len(quoted) <= limit or budget <= 0:
            return quoted[:limit]
        budget -= max(len(quoted) - limit, 50)
