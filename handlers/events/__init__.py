"""Events listeners."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Register the events listeners on `app`."""
