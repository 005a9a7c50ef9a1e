"""The surge summary: one message standing in for many no-reply mention cards, with a few inert examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.safe import inert
from bot.core.surge import tally
from bot.core.tracking import MentionState, TrackedMention

SURGE_METADATA_TYPE = "commsdesk_surge_summary"
EXAMPLES = 3
EXAMPLE_LIMIT = 200


def _period(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


def build_surge_summary(channel: str, mentions: Sequence[TrackedMention], period_seconds: int) -> dict[str, Any]:
    """Build the summary of `mentions` rolled up for `channel`: how many, of what kind, where the list is."""
    counts = ", ".join(f"{n} {category.value.replace('_', ' ')}" for category, n in
                       tally(t.decision.category for t in mentions))  # fmt: skip
    noun = "mention" if len(mentions) == 1 else "mentions"
    headline = (
        f"{len(mentions)} more {noun} that need no reply arrived for <#{channel}> in the last "
        f"{_period(period_seconds)}: {counts} — see `/commsdesk status` for the open list"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f":ocean: *Surge:* {headline}"}},
    ]
    shown = [t for t in mentions if t.state is not MentionState.REDACTED][:EXAMPLES]
    if shown:
        lines = [f"• @{inert(t.mention.author.username, 40)}: {inert(t.mention.text, EXAMPLE_LIMIT)}" for t in shown]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "\n".join(lines)}]})
    return {"text": headline, "blocks": blocks}
