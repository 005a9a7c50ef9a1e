"""`commsdesk digest [--date YYYY-MM-DD] [--dry-run]`: build a date's digests; post them once, or print them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import DigestMarks, Leases, connect
from bot.blocks.digest_text import render_digest_text
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.core.clock import utc_now
from bot.jobs.build_digest import DigestBuilder, local_yesterday, pending_requests_from
from bot.jobs.post_digest import DigestPoster, PostStatus
from bot.logs import configure_logging
from bot.services import build_slack_client


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD, e.g. 2026-03-10") from None


@click.command()
@click.option("--date", "day", callback=_parse_date, metavar="YYYY-MM-DD", help="Day to report (default: yesterday).")
@click.option("--dry-run", is_flag=True, help="Print the digests and write the desk chart PNG instead of posting.")
def digest(day: date | None, dry_run: bool) -> None:
    """Build the morning digest for a date; post it unless already posted for that date and channel."""
    settings = settings_or_exit() if dry_run else settings_or_exit("slack_bot_token")
    configure_logging(settings.log_level, settings.log_format)
    desk = desk_or_exit(settings.commsdesk_config)
    redis_client = connect(settings.redis_url)
    builder = DigestBuilder(
        RedisAggregates(redis_client, desk.zone), desk, pending_requests_from(RedisRequestRepository(redis_client))
    )
    day = day or local_yesterday(utc_now(), desk.zone)
    if dry_run:
        digests = builder.build(day)
        click.echo("\n\n".join(render_digest_text(d) for d in digests))
        chart = Path.cwd() / f"digest-{day.isoformat()}.png"
        chart.write_bytes(builder.chart(digests[0]))
        click.echo(f"\nChart written to {chart}")
        return
    mentions = RedisMentionStore(redis_client, desk.retention.mention_days)
    poster = DigestPoster(
        SlackMessages(build_slack_client(settings)),
        DigestMarks(redis_client),
        Leases(redis_client),
        mentions,
        desk,
        builder,
    )
    outcomes = poster.post(day)
    if outcomes is None:
        fail(f"another worker is posting the digest for {day.isoformat()} right now; try again in a minute", 1)
    for outcome in outcomes:
        click.echo(f"{outcome.team:<16} {outcome.channel:<12} {outcome.status}")
    if any(o.status is PostStatus.FAILED for o in outcomes):
        raise SystemExit(1)
