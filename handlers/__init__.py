"""Thin Bolt listeners by surface; each package exposes `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, events, views


def register_all(app: App) -> None:
    """Register every listener of every surface on `app`."""
    for surface in (commands, actions, views, events):
        surface.register(app)
