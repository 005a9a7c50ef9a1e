"""`commsdesk subject find|erase`: what the desk holds about one author, as JSON; or erase it everywhere.

The author is an X or Instagram HANDLE, or a Facebook commenter named by `--facebook-id` (their page-scoped id,
repeatable: one per page) or found by `--facebook-name` (exact display name, which two people can share).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
import redis

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.slack_cards import SlackCardPublisher
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import AuditLog, connect
from bot.adapters.subject_records import RedisSubjectRecords
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.core.errors import CommsDeskError
from bot.jobs.subject_rights import Subject, SubjectRights
from bot.services import build_slack_client

F = TypeVar("F", bound=Callable[..., Any])


def _rights(*required: str) -> SubjectRights:
    settings = settings_or_exit(*required)
    desk = desk_or_exit(settings.commsdesk_config)
    client = connect(settings.redis_url)
    cards = SlackCardPublisher(SlackMessages(build_slack_client(settings)), desk)
    store = RedisMentionStore(client, desk.retention.mention_days)
    pages = {page.id: page.name for _, page in desk.facebook_pages()}
    return SubjectRights(RedisSubjectRecords(client), store, cards, AuditLog(client), pages)


def _named(command: F) -> F:
    """The ways to name an author, shared by find and erase."""
    command = click.option(
        "--facebook-name", default="", help="A Facebook commenter's exact display name (find lists who matched)."
    )(command)
    command = click.option(
        "--facebook-id", "facebook_ids", multiple=True, help="A Facebook commenter's page-scoped id; repeatable."
    )(command)
    return click.argument("handle", required=False, default="")(command)


def _subject(handle: str, facebook_ids: tuple[str, ...], facebook_name: str) -> Subject:
    """The author named, or exit when none or more than one way of naming them was given."""
    ids = frozenset(i.strip() for i in facebook_ids)
    named = (bool(handle.strip().lstrip("@")), bool(ids), bool(facebook_name.strip()))
    if named.count(True) != 1 or "" in ids:
        fail("name one author: an X or Instagram HANDLE, or a Facebook commenter by --facebook-id or --facebook-name")
    return Subject(handle, ids, facebook_name.strip())


@click.group()
def subject() -> None:
    """Subject rights for the authors of mentions on X, Facebook and Instagram (docs/data-protection.md)."""


@subject.command()
@_named
def find(handle: str, facebook_ids: tuple[str, ...], facebook_name: str) -> None:
    """Print as JSON everything held about an author: mentions, cards, audit entries, corrections, queued posts."""
    wanted = _subject(handle, facebook_ids, facebook_name)
    try:
        holdings = _rights().find(wanted)
    except redis.RedisError as exc:
        fail(f"cannot read from Redis: {exc}; check REDIS_URL", 1)
    click.echo(json.dumps(holdings.export(), indent=2, sort_keys=True))


@subject.command()
@_named
@click.option("--yes", is_flag=True, help="Erase without asking.")
def erase(handle: str, facebook_ids: tuple[str, ...], facebook_name: str, yes: bool) -> None:
    """Redact an author's mentions in Redis and on their Slack cards, auditing each erasure without content."""
    wanted = _subject(handle, facebook_ids, facebook_name)
    rights = _rights("slack_bot_token")
    try:
        holdings = rights.find(wanted)
        if not holdings.mentions:
            click.echo(f"Nothing held about {wanted}.")
            return
        if len({c.id for c in holdings.commenters}) > 1 and not wanted.facebook_ids:
            found = "; ".join(f"{c.id} on {c.page or c.page_id}" for c in holdings.commenters)
            fail(f"{wanted} names several page-scoped ids ({found}): erase the requester's by --facebook-id", 1)
        cards = sum(len(t.cards) for t in holdings.mentions)
        question = f"Erase {len(holdings.mentions)} mentions by {wanted} and redraw {cards} Slack cards?"
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
