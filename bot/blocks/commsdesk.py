"""Block Kit of `/commsdesk`: help, the desk's live status and a private preview of yesterday's digest.

Mention text is untrusted and goes through `bot.blocks.safe`; links are built from tweet ids only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.digest import build_digest, build_digest_summary
from bot.blocks.durations import duration
from bot.blocks.ids import Command
from bot.blocks.mention_parts import META_LINK
from bot.blocks.safe import inert
from bot.blocks.x_reads import build_forecast_line
from bot.core.desk_status import DeskState, WorkerBeat
from bot.core.digest import BacklogItem, Digest

Block = dict[str, Any]
OPEN_TEXT_LIMIT = 100
SECTION_LIMIT = 3000
WORKERS_SHOWN = 5
BLOCK_LIMIT = 50

HELP = f"""*Comms Desk* relays public mentions of the force's X accounts to the right team's channel, \
sends urgent ones to the control room at once, chases replies against the SLA, handles requests for \
new platforms and posts a morning digest.

*Commands* (only you see the answers)
• `{Command.COMMSDESK} status`: the outbox, mentions waiting for a reply (and how many are overdue), \
X reads this month against the budget and a month's forecast, running worker jobs, workers alive and their \
last heartbeat, and the oldest open mentions
• `{Command.COMMSDESK} digest`: yesterday's digest
Desk and control-room members see the whole desk; a team channel's members see their team's mentions.
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
    limited = f" ({', '.join(inert(team, 32) for team in state.teams)})" if state.teams else ""
    figures = [
        f"*Outbox*\n{state.outbox_depth} waiting{outbox_age}",
        f"*Waiting for a reply*{limited}\n{state.open_mentions} open, {state.overdue_mentions} overdue",
        f"*X reads this month*\n{state.x_reads_month:,} of {state.x_read_budget:,} ({state.budget_used_pct:.0f}%)",
        f"*Worker jobs running*\n{', '.join(state.leases_held) or 'none right now'}",
        _workers(state),
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Comms Desk status"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"As of {state.at:%d %b %H:%M %Z}"}]},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": text} for text in figures]},
    ]
    if state.x_forecast is not None:
        line = build_forecast_line(state.x_forecast)
        blocks.append(_context(line[0].upper() + line[1:]))
    blocks.append({"type": "divider"})
    if not state.oldest_open:
        return [*blocks, _section("Nothing is waiting for a reply.")]
    shown = len(state.oldest_open)
    title = "*Open mentions*, oldest first"
    if state.open_mentions > shown:
        title += f" ({shown} of {state.open_mentions})"
    blocks += [_section(text) for text in _pack([title, *(_open_line(item) for item in state.oldest_open)])]
    return blocks


def build_home_queue(state: DeskState | None) -> list[Block]:
    """List the open mentions someone may see on App Home, or say who sees them."""
    if state is None:
        return [_context("Open mentions are shown to members of the desk, control-room and team channels.")]
    limited = f" ({', '.join(inert(team, 32) for team in state.teams)})" if state.teams else ""
    title = f"*Open mentions*{limited}: {state.open_mentions} waiting for a reply, {state.overdue_mentions} overdue"
    lines = [title, *(_open_line(item) for item in state.oldest_open)]
    return [*(_section(text) for text in _pack(lines)), {"type": "divider"}]


def build_digest_preview(digests: Sequence[Digest]) -> list[Block]:
    """Show digests to one person, as many as fit one message, saying they were not posted."""
    note = "Only you can see this preview; the morning digest with its chart goes to each channel."
    blocks: list[Block] = []
    for digest in digests:
        part = [*([{"type": "divider"}] if blocks else []), *build_digest(digest)]
        if len(blocks) + len(part) >= BLOCK_LIMIT:
            note = f"{note} Some teams' digests did not fit; they are in each team's channel."
            break
        blocks += part
    return [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]


def build_digest_preview_text(digests: Sequence[Digest]) -> str:
    """Return the notification fallback of a digest preview: numbers only."""
    return "; ".join(build_digest_summary(digest) for digest in digests)


def _workers(state: DeskState) -> str:
    """Say how many workers beat and when each last did, so a stuck one is seen (and restarted)."""
    alive = sum(1 for worker in state.workers if worker.alive)
    lines = [_worker_line(worker, state) for worker in state.workers[:WORKERS_SHOWN]]
    more = len(state.workers) - WORKERS_SHOWN
    if more > 0:
        lines.append(f"and {more} more")
    return "\n".join([f"*Workers*\n{alive} alive" if state.workers else "*Workers*\nnone seen today", *lines])


def _worker_line(worker: WorkerBeat, state: DeskState) -> str:
    beat = worker.last_beat.astimezone(state.at.tzinfo)
    return f"{inert(worker.consumer, 60)}: {'alive' if worker.alive else 'not beating'}, last beat {beat:%H:%M:%S}"


def _open_line(item: BacklogItem) -> str:
    when = f"{item.received_at:%d %b %H:%M}"
    if item.tweet_id.isascii() and item.tweet_id.isdigit():
        link = f"<https://x.com/i/status/{item.tweet_id}|{when}>"
    else:
        link = f"<{item.url}|{when}>" if META_LINK.match(item.url) else when  # a Facebook or Instagram comment
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


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
