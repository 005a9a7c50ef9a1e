"""`commsdesk migrate`: bring stored records to the running release's schema; one line per record kind."""

from __future__ import annotations

import click
import redis

from bot.adapters.migrations import KINDS, migrate_records
from bot.adapters.store import connect
from bot.cli._common import fail, settings_or_exit


@click.command()
def migrate() -> None:
    """Scan every stored record and migrate those written in an older schema; exit 1 if any is unreadable."""
    settings = settings_or_exit()
    client = connect(settings.redis_url)
    unreadable = False
    for kind in KINDS:
        try:
            report = migrate_records(client, kind)
        except redis.RedisError as exc:
            fail(f"cannot migrate {kind.name}: {exc}; check REDIS_URL and that Redis is running", 1)
        click.echo(report.summary(kind.schema))
        unreadable = unreadable or bool(report.unreadable)
    if unreadable:
        fail("Some records no longer parse: inspect them with redis-cli GET, then fix or delete them.", 1)
