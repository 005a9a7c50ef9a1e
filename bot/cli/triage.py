"""`commsdesk triage`."""

from __future__ import annotations

import click

from bot.cli._common import not_yet


@click.command()
def triage() -> None:
    """Not available yet."""
    not_yet("commsdesk triage", 3)
