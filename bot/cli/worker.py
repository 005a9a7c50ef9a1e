"""`commsdesk worker`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def worker() -> None:
    """Not available yet."""
    not_yet("commsdesk worker", 3)
