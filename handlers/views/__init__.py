"""Views listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.ids import ReplyView, RequestView
from handlers.views import platform_requests, replies


def register(app: App) -> None:
    """Register the views listeners on `app`."""
    app.view(RequestView.FORM)(platform_requests.submit_request_form)
    app.view(RequestView.DECLINE_REASON)(platform_requests.submit_decision_note)
    app.view(RequestView.INFO_QUESTION)(platform_requests.submit_decision_note)
    app.view(ReplyView.COMPOSE)(replies.submit_reply)
