"""`commsdesk subject find|erase HANDLE`: what the desk holds about an X author, as JSON; or erase it everywhere."""

from __future__ import annotations

import json

import click
import redis

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.slack_cards import SlackCardPublisher
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import AuditLog, connect
from bot.adapters.subject_records import RedisSubjectRecords
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.core.errors import CommsDeskError
from bot.jobs.subject_rights import SubjectRights
from bot.services import build_slack_client


def _rights(*required: str) -> SubjectRights:
    settings = settings_or_exit(*required)
    desk = desk_or_exit(settings.commsdesk_config)
    client = connect(settings.redis_url)
    cards = SlackCardPublisher(SlackMessages(build_slack_client(settings)), desk)
    store = RedisMentionStore(client, desk.retention.mention_days)
    return SubjectRights(RedisSubjectRecords(client), store, cards, AuditLog(client))


@click.group()
def subject() -> None:
    """Subject rights for X authors whose posts mention the force (docs/data-protection.md)."""


@subject.command()
@click.argument("handle")
def find(handle: str) -> None:
    """Print as JSON everything held about HANDLE: mentions, Slack cards, audit entries, corrections, queued posts."""
    try:
        holdings = _rights().find(handle)
    except redis.RedisError as exc:
        fail(f"cannot read from Redis: {exc}; check REDIS_URL", 1)
    click.echo(json.dumps(holdings.export(), indent=2, sort_keys=True))


@subject.command()
@click.argument("handle")
@click.option("--yes", is_flag=True, help="Erase without asking.")
def erase(handle: str, yes: bool) -> None:
    """Redact HANDLE's mentions in Redis and on their Slack cards, auditing each erasure without content."""
    rights = _rights("slack_bot_token")
    try:
        holdings = rights.find(handle)
        if not holdings.mentions:
            click.echo(f"Nothing held about @{holdings.handle}.")
            return
        cards = sum(len(t.cards) for t in holdings.mentions)
        question = f"Erase {len(holdings.mentions)} mentions by @{holdings.handle} and redraw {cards} Slack cards?"
        if not yes and not click.confirm(question):
            fail("Nothing erased.", 1)
        done = rights.erase(holdings)
    except (redis.RedisError, CommsDeskError) as exc:
        fail(f"erasure incomplete: {exc}; run the same command again (it is safe to repeat)", 1)
    click.echo(f"Erased {done.redacted} mentions, redrew {done.cards} cards, dropped {done.dead_letters} dead letters.")
    if done.still_queued:
        click.echo(f"{done.still_queued} cards were still queued: run this again once the worker has posted them.")
    if done.cards_failed:
        fail(f"Slack did not redraw the cards of {done.cards_failed} mentions: run this again.", 1)
