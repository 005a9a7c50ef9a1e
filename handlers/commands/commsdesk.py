"""`/commsdesk help | status | digest`: answered privately to the caller, in the command's own response."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.blocks.commsdesk import build_digest_preview, build_help, build_status
from bot.blocks.digest import build_digest_summary
from bot.core.desk_status import DeskStatus, DigestPreview


def answer_commsdesk(ack: Ack, command: dict[str, Any], desk_status: DeskStatus, digest_preview: DigestPreview) -> None:
    """Answer the subcommand; help for an empty or unknown one."""
    words = (command.get("text") or "").split()
    subcommand = words[0].casefold() if words else "help"
    if subcommand == "status":
        ack(response_type="ephemeral", text="Comms Desk status", blocks=build_status(desk_status.current()))
    elif subcommand == "digest":
        digest = digest_preview.yesterday()
        ack(response_type="ephemeral", text=build_digest_summary(digest), blocks=build_digest_preview(digest))
    else:
        ack(response_type="ephemeral", text="Comms Desk help", blocks=build_help())
