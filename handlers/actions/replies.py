"""The Reply button, the reply modal's saved-reply picker, and the approval card's Approve / Edit / Reject."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.ids import ReplyAction
from bot.blocks.mention_card import read_mention_action
from bot.blocks.replies import (
    build_approval_outcome,
    build_checked_modal,
    build_reply_modal,
    read_approval_action,
    read_reply_modal,
    read_saved_pick,
    rejected_notice,
)
from bot.core.errors import CommsDeskError, InvalidInput
from bot.core.replies.desk import ReplyDesk


def open_reply_modal(ack: Ack, body: dict[str, Any], client: WebClient, reply_desk: ReplyDesk) -> None:
    """Open the reply modal for a card, if this person may reply to it; otherwise say why, privately."""
    ack()
    user, channel = body["user"]["id"], body["channel"]["id"]
    try:
        tweet_id, _, _ = read_mention_action(body)
        composition = reply_desk.compose(tweet_id, user, channel)
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=channel, user=user, text=_sentence(exc))
        return
    client.views_open(trigger_id=body["trigger_id"], view=build_reply_modal(composition, channel))


def fill_saved_reply(ack: Ack, body: dict[str, Any], client: WebClient, reply_desk: ReplyDesk) -> None:
    """Put the picked saved reply, filled for this mention and account, in the text box, with its count."""
    ack()
    pick = read_saved_pick(body)
    try:
        composition, text = reply_desk.pick_saved(
            pick.tweet_id, body["user"]["id"], pick.channel, pick.name, pick.account
        )
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=pick.channel, user=body["user"]["id"], text=_sentence(exc))
        return
    view = build_reply_modal(
        composition,
        pick.channel,
        draft=text,
        account=pick.account,
        budget=reply_desk.measure(composition.tracked, text),
        version=pick.version + 1,
    )
    client.views_update(view_id=body["view"]["id"], hash=body["view"].get("hash"), view=view)


def check_reply(ack: Ack, body: dict[str, Any], client: WebClient, reply_desk: ReplyDesk) -> None:
    """Redraw the modal with the draft's count as its platform counts it and anything the second look flags."""
    ack()
    view, user = body["view"], body["user"]["id"]
    draft = read_reply_modal(view)
    try:
        reviewed = reply_desk.review(draft.tweet_id, user, draft.channel, draft.text, draft.account)
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=draft.channel, user=user, text=_sentence(exc))
        return
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=build_checked_modal(draft, reviewed))


def decide_reply(ack: Ack, body: dict[str, Any], client: WebClient, reply_desk: ReplyDesk) -> None:
    """Approve, reject or take over a draft waiting for the desk; a refusal goes back to the clicker alone."""
    ack()
    user, channel = body["user"]["id"], body["channel"]["id"]
    ts = body["container"]["message_ts"]
    try:
        tweet_id, intent_id, action = read_approval_action(body)
        if action is ReplyAction.EDIT:
            composition = reply_desk.edit(tweet_id, intent_id, user, channel)
            client.views_open(trigger_id=body["trigger_id"], view=build_reply_modal(composition, channel))
        elif action is ReplyAction.APPROVE:
            intent = reply_desk.approve(tweet_id, intent_id, user)
        else:
            intent = reply_desk.reject(tweet_id, intent_id, user)
            client.chat_postMessage(channel=intent.by, text=rejected_notice(intent))
    except CommsDeskError as exc:
        client.chat_postEphemeral(channel=channel, user=user, text=_sentence(exc))
        return
    decided = reply_desk.intent(tweet_id)
    if decided is not None and decided.id == intent_id:
        message = build_approval_outcome(decided)
        client.chat_update(channel=channel, ts=ts, text=message["text"], blocks=message["blocks"])


def _sentence(exc: CommsDeskError) -> str:
    return next(iter(exc.errors.values())) if isinstance(exc, InvalidInput) else str(exc)
