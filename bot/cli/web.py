"""`commsdesk web`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def web() -> None:
    """Not available yet."""
    not_yet("commsdesk web", 2)
