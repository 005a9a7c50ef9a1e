"""Block Kit of `/commsdesk`: help, the desk's live status and a private preview of yesterday's digest.

Mention text is untrusted and goes through `bot.blocks.safe`; links are built from tweet ids only.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.digest import build_digest
from bot.blocks.digest_text import duration
from bot.blocks.ids import Command
from bot.blocks.safe import inert
from bot.core.desk_status import DeskState
from bot.core.digest import BacklogItem, Digest

Block = dict[str, Any]
OPEN_TEXT_LIMIT = 100
SECTION_LIMIT = 3000

HELP = f"""*Comms Desk* relays public mentions of the force's X accounts to the right team's channel, \
sends urgent ones to the control room at once, chases replies against the SLA, handles requests for \
new platforms and posts a morning digest.

*Commands* (only you see the answers)
• `{Command.COMMSDESK} status`: the outbox, mentions waiting for a reply (and how many are overdue), \
X reads this month against the budget, running worker jobs, and the oldest open mentions
• `{Command.COMMSDESK} digest`: yesterday's desk digest
• `{Command.COMMSDESK} help`: this message
• `{Command.REQUEST_PLATFORM}`: ask Corp Comms for a new platform; `{Command.REQUEST_PLATFORM} list` shows \
your requests (and, for approvers, the queue)

*Mention cards*
• *Claim* before you answer, so nobody else does; a claim runs out after a while, or *Release* it
• *Reply on X* opens the reply; the desk sees the account's reply and marks the card replied by itself
• *Mark replied* or *No reply needed* closes a card by hand; *Reopen* undoes that
• *Reassign* moves the card to another team; *Escalate* sends it to the control room
• Every change shows on the card with who made it, and is kept in the audit trail"""


def build_help() -> list[Block]:
    """Say what the bot does, its commands and how cards work."""
    return [_section(HELP)]


def build_status(state: DeskState) -> list[Block]:
    """Lay out the desk's state: figures first, then the oldest open mentions with links."""
    outbox_age = f", oldest {duration(state.outbox_oldest_age_seconds)}" if state.outbox_depth else ""
    figures = [
        f"*Outbox*\n{state.outbox_depth} waiting{outbox_age}",
        f"*Waiting for a reply*\n{state.open_mentions} open, {state.overdue_mentions} overdue",
        f"*X reads this month*\n{state.x_reads_month:,} of {state.x_read_budget:,} ({state.budget_used_pct:.0f}%)",
        f"*Worker jobs running*\n{', '.join(state.leases_held) or 'none right now'}",
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Comms Desk status"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"As of {state.at:%d %b %H:%M %Z}"}]},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": text} for text in figures]},
        {"type": "divider"},
    ]
    if not state.oldest_open:
        return [*blocks, _section("Nothing is waiting for a reply.")]
    shown = len(state.oldest_open)
    title = "*Open mentions*, oldest first"
    if state.open_mentions > shown:
        title += f" ({shown} of {state.open_mentions})"
    blocks += [_section(text) for text in _pack([title, *(_open_line(item) for item in state.oldest_open)])]
    return blocks


def build_digest_preview(digest: Digest) -> list[Block]:
    """Show a digest to one person, saying it was not posted and where the chart goes."""
    note = "Only you can see this preview; the morning digest with its chart goes to the desk channel."
    return [*build_digest(digest), {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]


def _open_line(item: BacklogItem) -> str:
    when = f"{item.received_at:%d %b %H:%M}"
    link = (
        f"<https://x.com/i/status/{item.tweet_id}|{when}>"
        if item.tweet_id.isascii() and item.tweet_id.isdigit()
        else when
    )
    return f"• {link} {inert(item.team, 30)} · {inert(item.category, 30)}: {inert(item.text, OPEN_TEXT_LIMIT)}"


def _pack(lines: list[str]) -> list[str]:
    """Join lines into as few section texts as fit Slack's 3,000-character limit."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= SECTION_LIMIT:
            texts[-1] += "\n" + line
        else:
            texts.append(line[:SECTION_LIMIT])
    return texts


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
