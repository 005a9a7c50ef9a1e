"""`commsdesk requests export [--output FILE]`: the platform request decision trail as CSV."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import click
import redis

from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.store import connect
from bot.cli._common import fail, settings_or_exit
from bot.core.platform_requests import PlatformRequest

COLUMNS = ("request_id", "team", "platform", "requester", "filed_at", "state", "actor", "at", "note", "review_date")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Keep spreadsheet programs from running an answer as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def decision_rows(requests: Iterable[PlatformRequest]) -> list[list[str]]:
    """One row per filing and per state change, oldest first."""
    rows = []
    for request in requests:
        base = [request.id, request.answers.team, request.answers.platform_name, request.requester]
        filed = request.created_at.isoformat()
        steps = [("submitted", request.requester, filed, "")]
        steps += [(s.state.value, s.actor, s.at.isoformat(), s.note) for s in request.history]
        for state, actor, at, note in steps:
            rows.append([*base, filed, state, actor, at, note, request.answers.review_date.isoformat()])
    rows.sort(key=lambda row: (row[7], row[0]))
    return [[safe_cell(value) for value in row] for row in rows]


def write_csv(rows: list[list[str]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)


@click.group()
def requests() -> None:
    """Platform requests filed with /request-platform."""


@requests.command()
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
def export(output: Path | None) -> None:
    """Write every platform request step (filed, questioned, updated, decided, withdrawn) as CSV."""
    settings = settings_or_exit()
    try:
        rows = decision_rows(RedisRequestRepository(connect(settings.redis_url)).every())
    except redis.RedisError as exc:
        fail(f"cannot read platform requests from Redis: {exc}; check REDIS_URL", 1)
    if output is None:
        write_csv(rows, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as file:
        write_csv(rows, file)
    click.echo(f"Wrote {len(rows)} rows to {output}", err=True)
