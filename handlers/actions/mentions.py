"""Buttons of a mention card: each acks, reads the click, and hands it to MentionDesk, which redraws the card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.mention_card import read_mention_action
from bot.core.errors import CommsDeskError
from bot.core.mention_actions import Move
from bot.core.mention_desk import MentionDesk


def _work(body: dict[str, Any], client: WebClient, mention_desk: MentionDesk, move: Move) -> None:
    """Delegate the click; a refusal goes back to the clicker alone, the card stays as it is."""
    user = body["user"]["id"]
    try:
        tweet_id, _, argument = read_mention_action(body)
        mention_desk.act(tweet_id, move, user, team=argument)
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=body["channel"]["id"], user=user, text=str(exc))


def claim_mention(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Take the mention so nobody else answers the same person."""
    ack()
    _work(body, client, mention_desk, Move.CLAIM)


def release_mention(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Give the mention back to the team."""
    ack()
    _work(body, client, mention_desk, Move.RELEASE)


def mark_mention_replied(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Record that the person has had their answer."""
    ack()
    _work(body, client, mention_desk, Move.MARK_REPLIED)


def close_mention_without_reply(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Close the mention as needing no reply."""
    ack()
    _work(body, client, mention_desk, Move.NO_REPLY_NEEDED)


def reopen_mention(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Put the mention back in the queue."""
    ack()
    _work(body, client, mention_desk, Move.REOPEN)


def reassign_mention(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Pass the mention to the team chosen in the select."""
    ack()
    _work(body, client, mention_desk, Move.REASSIGN)


def escalate_mention(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Send the mention to the control room."""
    ack()
    _work(body, client, mention_desk, Move.ESCALATE)


def open_reply_on_x(ack: Ack) -> None:
    """Acknowledge the "Reply on X" link button; Slack opens the intent link in the browser itself."""
    ack()
