"""Block Kit for the morning digest, its message metadata, the chart's alt text and a one-line fallback."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.blocks.digest_text import (
    BACKLOG_TEXT_LIMIT,
    POST_TEXT_LIMIT,
    categories_line,
    day_label,
    mentions_line,
    outcomes_line,
    platforms_line,
    posts_line,
    request_line,
    response_line,
)
from bot.blocks.durations import duration
from bot.blocks.ids import MetadataType
from bot.blocks.lines import line_block_id
from bot.blocks.mention_parts import META_LINK, TWEET_ID
from bot.blocks.safe import inert, plain
from bot.blocks.triage_report import agreement_line
from bot.core.digest import BacklogItem, Digest, PendingRequest

Block = dict[str, Any]
_X_STATUS = re.compile(r"^https://(x|twitter)\.com/[A-Za-z0-9_]{1,15}/status/\d{1,20}$")


def build_digest(digest: Digest) -> list[Block]:
    """Lay out one digest: mentions, response times, backlog, own posts and (desk only) pending requests."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain(f"Morning digest · {digest.name}", 150)}},
        _context(f"{day_label(digest.day)} · mentions are counted on the day they arrived"),
        _section(f"*Mentions* {mentions_line(digest)}\n*By category* {categories_line(digest)}"),
        _section(f"*Outcomes* {outcomes_line(digest)}\n*First response* {response_line(digest)}"),
    ]
    if digest.platforms:
        blocks.append(_section(f"*By platform* {platforms_line(digest)}"))
    if digest.backlog_total:
        blocks += [{"type": "divider"}, *_backlog_blocks(digest)]
    blocks += [{"type": "divider"}, _section(f"*Our posts* {posts_line(digest)}")]
    top = digest.own.top_post
    if top is not None:
        link = f"<{top.url}|view on {top.platform.label}>" if top.url else f"on {top.platform.label}"
        blocks.append(_section(f"*Top post* {link}\n>{inert(top.text, POST_TEXT_LIMIT)}"))
    if digest.own.mix:
        mix = " · ".join(f"{kind} {count}" for kind, count in digest.own.mix)
        blocks.append(_section(f"*Content mix* {mix}"))
    if digest.own.nudge:
        blocks.append(_context(f":bulb: {digest.own.nudge}"))
    if digest.is_desk and digest.pending_requests:
        blocks += [{"type": "divider"}, _section(_requests_text(digest.pending_requests))]
    if digest.triage is not None and digest.triage.decided:
        blocks.append(_context(f":brain: *Triage*: {agreement_line(digest.triage)}"))
    return blocks


def build_digest_summary(digest: Digest) -> str:
    """Return the notification fallback: numbers only, no untrusted text."""
    return (
        f"Morning digest for {inert(digest.name, 80)}, {day_label(digest.day)}: {digest.received} mentions, "
        f"{digest.replied} replied, {digest.still_open} still open, {digest.backlog_total} waiting now"
    )


def build_digest_metadata(digest: Digest) -> dict[str, Any]:
    """Message metadata that lets a replica find this digest after a crash."""
    return {
        "event_type": MetadataType.DIGEST.value,
        "event_payload": {"date": digest.day.isoformat(), "team": digest.team},
    }


def read_digest_metadata(message: dict[str, Any]) -> tuple[date, str] | None:
    """Return (date, team) of a digest message, or None when the message is not a digest."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") != MetadataType.DIGEST.value or not isinstance(payload, dict):
        return None
    try:
        return date.fromisoformat(str(payload.get("date"))), str(payload.get("team", ""))
    except ValueError:
        return None


def build_chart_alt_text(digest: Digest) -> str:
    """Describe the 7-day chart in words for screen readers."""
    days = "; ".join(
        f"{p.day:%a %d %b} {p.received} received, {p.replied} replied"
        + (f", median first response {duration(p.median_seconds)}" if p.median_seconds is not None else "")
        for p in digest.trend
    )
    return plain(
        f"Mentions received and replied, and median first-response time, for {digest.name} over "
        f"{len(digest.trend)} days to {digest.day:%d %b %Y}: {days}.",
        1000,
    )


def _backlog_blocks(digest: Digest) -> list[Block]:
    """Lay out the backlog one line per block, named by mention, so a removed mention's line can be blanked alone."""
    blocks = [_section(f"*Waiting for a reply now* ({digest.backlog_total}, oldest first)")]
    blocks += [{**_section(_backlog_line(item)), "block_id": line_block_id(item.tweet_id)} for item in digest.backlog]
    if digest.backlog_total > len(digest.backlog):
        blocks.append(_context(f"…and {digest.backlog_total - len(digest.backlog)} more in the queue"))
    return blocks


def _backlog_line(item: BacklogItem) -> str:
    label = f"{item.received_at:%d %b %H:%M}"
    if _X_STATUS.match(item.url) or META_LINK.match(item.url):
        shown = f"<{item.url}|{label}>"
    else:
        shown = f"<https://x.com/i/status/{item.tweet_id}|{label}>" if TWEET_ID.match(item.tweet_id) else label
    return f"• {shown} {inert(item.category, 30)}: {inert(item.text, BACKLOG_TEXT_LIMIT)}"


def _requests_text(requests: tuple[PendingRequest, ...]) -> str:
    return "\n".join(["*Platform requests awaiting a decision*", *(f"• {request_line(r)}" for r in requests)])


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:3000]}]}
