"""Actions listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.ids import MentionAction, ReplyAction, RequestAction
from handlers.actions import mentions, platform_requests, replies


def register(app: App) -> None:
    """Register the actions listeners on `app`."""
    for move in platform_requests.MOVES:
        app.action(move)(platform_requests.move_request)
    app.action(RequestAction.DECLINE)(platform_requests.open_decline_modal)
    app.action(RequestAction.ASK_INFO)(platform_requests.open_info_modal)
    app.action(RequestAction.UPDATE)(platform_requests.open_update_form)
    for action in mentions.MOVES:
        app.action(action)(mentions.work_mention_card)
    for link in (MentionAction.REPLY_ON_X, MentionAction.TRANSLATE):
        app.action(link)(mentions.acknowledge_link)
    app.action(MentionAction.REPLY)(replies.open_reply_modal)
    app.action(ReplyAction.PICK_SAVED)(replies.fill_saved_reply)
    app.action(ReplyAction.CHECK)(replies.check_reply)
    for decision in (ReplyAction.APPROVE, ReplyAction.EDIT, ReplyAction.REJECT):
        app.action(decision)(replies.decide_reply)
