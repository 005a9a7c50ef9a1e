"""The private notice for a request that failed unexpectedly after Slack was answered: what failed, and that
nothing changed, with a reference that matches the error in the logs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.blocks.safe import inert


def _what(body: Mapping[str, Any]) -> str:
    """Name what the person did: the button they clicked, the command they ran or the form they sent."""
    actions = body.get("actions") or []
    if actions and isinstance(actions[0], Mapping):
        label = (actions[0].get("text") or {}).get("text") or actions[0].get("action_id") or "a button"
        return f"your click on “{inert(str(label), 60)}”"
    if body.get("command"):
        return f"your {inert(str(body['command']), 40)} command"
    view = body.get("view")
    if isinstance(view, Mapping):
        title = (view.get("title") or {}).get("text") or "a form"
        return f"sending “{inert(str(title), 60)}”"
    return "your last request"


def build_failure_notice(body: Mapping[str, Any], reference: str) -> str:
    """Tell the person privately that their request failed, that nothing changed, and how to report it."""
    return (
        f":warning: Something went wrong with {_what(body)}, so nothing was changed. Please try again; if it keeps "
        f"failing, tell the desk and quote reference `{inert(reference, 40)}`."
    )
