"""`commsdesk requests`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def requests() -> None:
    """Not available yet."""
    not_yet("commsdesk requests", 4)
