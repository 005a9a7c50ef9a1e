"""Events listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import app_home


def register(app: App) -> None:
    """Register the events listeners on `app`."""
    app.event("app_home_opened")(app_home.publish_home)
