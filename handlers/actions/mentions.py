"""Buttons of a mention card: ack, read the click, hand it to MentionDesk, which redraws the card."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.ids import MentionAction
from bot.blocks.mention_card import read_mention_action
from bot.core.errors import CommsDeskError
from bot.core.mention_actions import Move
from bot.core.mention_desk import MentionDesk

MOVES = {
    MentionAction.CLAIM: Move.CLAIM,
    MentionAction.RELEASE: Move.RELEASE,
    MentionAction.MARK_REPLIED: Move.MARK_REPLIED,
    MentionAction.NO_REPLY_NEEDED: Move.NO_REPLY_NEEDED,
    MentionAction.REOPEN: Move.REOPEN,
    MentionAction.REASSIGN: Move.REASSIGN,
    MentionAction.ESCALATE: Move.ESCALATE,
    MentionAction.CONFIRM_URGENT: Move.CONFIRM_URGENT,
    MentionAction.NOT_URGENT: Move.NOT_URGENT,
    MentionAction.RECATEGORISE: Move.RECATEGORISE,
}


def work_mention_card(ack: Ack, body: dict[str, Any], client: WebClient, mention_desk: MentionDesk) -> None:
    """Hand a card click (claim, release, replied, no reply, reopen, reassign, escalate, urgency, category) on.

    MentionDesk decides whether this person may, from the channel the card is in; a refusal goes back to the
    clicker alone and the card stays as it is.
    """
    ack()
    user, channel = body["user"]["id"], body["channel"]["id"]
    try:
        tweet_id, action, argument = read_mention_action(body)
        mention_desk.act(tweet_id, MOVES[action], user, team=argument, channel=channel)
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=channel, user=user, text=str(exc))


def acknowledge_link(ack: Ack) -> None:
    """Acknowledge a link button ("Reply on X", "Translate"); Slack opens the link in the browser itself."""
    ack()
