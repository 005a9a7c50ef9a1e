"""`commsdesk check`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def check() -> None:
    """Not available yet."""
    not_yet("commsdesk check", 2)
