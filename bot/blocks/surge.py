"""The surge summary: one message standing in for many no-reply mention cards, listing the first few, one line each.

Each listed mention is its own block (`bot.blocks.lines`), so a reply to one, or its removal, redraws only its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.durations import duration
from bot.blocks.lines import Block, line_block_id, removed_line
from bot.blocks.mention_parts import handle
from bot.blocks.safe import inert
from bot.core.surge import tally
from bot.core.tracking import MentionState, TrackedMention

LISTED = 10  # mentions listed one per line; the rest are only counted
LINE_LIMIT = 200


def build_surge_summary(channel: str, mentions: Sequence[TrackedMention], period_seconds: int) -> dict[str, Any]:
    """Build the summary of `mentions` rolled up for `channel`: how many, of what kind, where the list is."""
    counts = ", ".join(
        f"{n} {category.value.replace('_', ' ')}" for category, n in tally(t.decision.category for t in mentions)
    )
    noun = "mention" if len(mentions) == 1 else "mentions"
    headline = (
        f"{len(mentions)} more {noun} that need no reply arrived for <#{channel}> in the last "
        f"{duration(period_seconds)}: {counts} — see `/commsdesk status` for the open list"
    )
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f":ocean: *Surge:* {headline}"}},
        *(build_summary_line(t) for t in mentions[:LISTED]),
    ]
    if len(mentions) > LISTED:
        rest = len(mentions) - LISTED
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"…and {rest} more not listed"}]})
    return {"text": headline, "blocks": blocks}


def build_summary_line(tracked: TrackedMention) -> Block:
    """Build one mention's line of a summary: who and what (inert), and whether it has been answered."""
    if tracked.state is MentionState.REDACTED:
        return removed_line(tracked.mention.id)
    line = f"• @{inert(tracked.mention.author.username, 40)}: {inert(tracked.mention.text, LINE_LIMIT)}"
    if tracked.state is MentionState.REPLIED:
        line += " · :white_check_mark: replied" + (f" by {handle(tracked.replied_by)}" if tracked.replied_by else "")
    elif tracked.state is MentionState.CLOSED:
        line += " · closed"
    elements = [{"type": "mrkdwn", "text": line}]
    return {"type": "context", "block_id": line_block_id(tracked.mention.id), "elements": elements}
