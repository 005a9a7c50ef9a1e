"""`commsdesk digest`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def digest() -> None:
    """Not available yet."""
    not_yet("commsdesk digest", 5)
