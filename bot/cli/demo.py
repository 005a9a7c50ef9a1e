"""`commsdesk demo`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def demo() -> None:
    """Not available yet."""
    not_yet("commsdesk demo", 2)
