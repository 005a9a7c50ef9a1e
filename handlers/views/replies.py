"""Submission of the reply modal: errors inline, "send anyway?" in the modal, or queued / sent for approval."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.replies import (
    approval_metadata,
    approval_notice,
    build_approval_card,
    build_checked_modal,
    error_block,
    queued_notice,
    read_reply_modal,
)
from bot.core.errors import CommsDeskError, InvalidInput
from bot.core.replies.desk import TEXT, Next, ReplyDesk, Submitted


def submit_reply(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, reply_desk: ReplyDesk
) -> None:
    """Queue the reply, ask about flagged words first, or send the draft to the desk for approval."""
    user, version = body["user"]["id"], 0
    try:
        draft = read_reply_modal(view)
        version = draft.version
        submitted = reply_desk.submit(draft.tweet_id, user, draft.channel, draft.text, draft.account, draft.confirmed)
    except CommsDeskError as exc:
        said = exc.errors if isinstance(exc, InvalidInput) else {TEXT: str(exc)}
        ack(response_action="errors", errors={error_block(field, version): message for field, message in said.items()})
        return
    if submitted.next is Next.CONFIRM and submitted.composition is not None:
        ack(response_action="update", view=build_checked_modal(draft, submitted))
        return
    ack()
    if submitted.intent is None:
        return
    if submitted.next is Next.APPROVAL:
        _send_for_approval(client, reply_desk, submitted)
        client.chat_postEphemeral(channel=draft.channel, user=user, text=approval_notice(submitted.intent))
    else:
        client.chat_postEphemeral(channel=draft.channel, user=user, text=queued_notice(submitted.intent))


def _send_for_approval(client: WebClient, reply_desk: ReplyDesk, submitted: Submitted) -> None:
    """Post the draft's approval card in the desk channel and remember it, so decisions redraw it."""
    intent, composition = submitted.intent, submitted.composition
    assert intent is not None and composition is not None
    card = build_approval_card(intent, composition.tracked.mention.text, submitted.flags)
    posted = client.chat_postMessage(
        channel=reply_desk.policy.desk_channel,
        unfurl_links=False,
        unfurl_media=False,
        metadata=approval_metadata(intent),
        **card,
    )
    reply_desk.attach_approval(intent.tweet_id, str(posted["channel"]), str(posted["ts"]))
