"""`commsdesk run`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def run() -> None:
    """Not available yet."""
    not_yet("commsdesk run", 3)
