"""Mention lines in messages that list many mentions (surge summaries, digest backlogs), each its own block.

Every line carries a block id naming its mention, so one line can be redrawn or removed in place while the rest
of the message stays exactly as it was posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Block = dict[str, Any]
REMOVED = "(removed)"
_PREFIX = "mention:"


def line_block_id(tweet_id: str) -> str:
    """Name the block that shows `tweet_id`'s line."""
    return _PREFIX + tweet_id


def removed_line(tweet_id: str, bullet: str = "• ") -> Block:
    """Build the line left where a deleted or expired mention was listed: no text, author or link."""
    elements = [{"type": "mrkdwn", "text": f"{bullet}{REMOVED}"}]
    return {"type": "context", "block_id": line_block_id(tweet_id), "elements": elements}


def replace_lines(blocks: Sequence[Block], lines: Mapping[str, Block]) -> list[Block] | None:
    """Swap in the new line of each mention in `lines`; None when the message lists none of them."""
    ids = {line_block_id(tweet_id): line for tweet_id, line in lines.items()}
    if not any(block.get("block_id") in ids for block in blocks):
        return None
    return [ids.get(str(block.get("block_id")), block) for block in blocks]
