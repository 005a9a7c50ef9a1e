"""`commsdesk demo`: an offline end-to-end run on the sandbox stand-ins."""

from __future__ import annotations

import click

from bot.cli._common import fail
from bot.logs import configure_logging
from config.settings import SettingsError, load_settings


@click.command()
def demo() -> None:
    """Run the desk offline: sandbox Slack and X, a throwaway Redis unless REDIS_URL is set."""
    from bot.demo.walkthrough import run_demo  # the demo pulls in every part of the bot; keep `--help` fast

    try:
        settings = load_settings()
    except SettingsError as exc:
        fail(str(exc))
    configure_logging("WARNING", "console")
    run_demo(settings, click.echo)
