"""`/commsdesk help | status | digest`: answered privately to the caller, in the command's own response."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.blocks.commsdesk import build_digest_preview, build_digest_preview_text, build_help, build_status
from bot.core.desk_status import DeskViews
from bot.core.errors import Forbidden


def answer_commsdesk(ack: Ack, command: dict[str, Any], desk_views: DeskViews) -> None:
    """Answer the subcommand with what the caller may see; help for an empty or unknown one."""
    words = (command.get("text") or "").split()
    subcommand = words[0].casefold() if words else "help"
    user = command["user_id"]
    try:
        if subcommand == "status":
            ack(response_type="ephemeral", text="Comms Desk status", blocks=build_status(desk_views.status(user)))
        elif subcommand == "digest":
            digests = desk_views.digest(user)
            ack(
                response_type="ephemeral", text=build_digest_preview_text(digests), blocks=build_digest_preview(digests)
            )
        else:
            ack(response_type="ephemeral", text="Comms Desk help", blocks=build_help())
    except Forbidden as refusal:
        ack(response_type="ephemeral", text=str(refusal))
