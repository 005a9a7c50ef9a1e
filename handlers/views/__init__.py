"""Views listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.ids import ReplyView, RequestView
from handlers.views import platform_requests, replies


def register(app: App) -> None:
    """Register the views listeners on `app`."""
    app.view(RequestView.FORM)(platform_requests.submit_request_form)
    for note in platform_requests.NOTES:
        app.view(note)(platform_requests.submit_decision_note)
    app.view(ReplyView.COMPOSE)(replies.submit_reply)
