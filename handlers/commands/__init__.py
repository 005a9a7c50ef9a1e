"""Commands listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.ids import Command
from handlers.commands import commsdesk, request_platform


def register(app: App) -> None:
    """Register the commands listeners on `app`."""
    app.command(Command.REQUEST_PLATFORM)(request_platform.open_request_form)
    app.command(Command.COMMSDESK)(commsdesk.answer_commsdesk)
