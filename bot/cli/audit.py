"""`commsdesk audit export [--since DATE] [--output FILE]`: the audit stream (mentions and requests) as CSV."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

import click
import redis

from bot.adapters.store import AuditLog, connect
from bot.cli._common import fail, settings_or_exit
from bot.cli.requests import safe_cell

COLUMNS = ("entry_id", "at", "actor", "action", "subject", "detail")


def audit_rows(entries: list[dict[str, str]]) -> list[list[str]]:
    """One row per audit entry, oldest first, every cell safe to open in a spreadsheet."""
    rows = []
    for entry in entries:
        detail = entry.get("detail", "")
        flat = "; ".join(f"{k}={v}" for k, v in sorted(json.loads(detail).items())) if detail else ""
        row = [entry["id"], entry.get("at", ""), entry.get("actor", ""), entry.get("action", "")]
        rows.append([safe_cell(value) for value in [*row, entry.get("subject", ""), flat]])
    return rows


def _write(rows: list[list[str]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)


@click.group()
def audit() -> None:
    """The audit stream: every state change of mentions and platform requests, by whom and when."""


@audit.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only entries from DATE (UTC) on.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of stdout.")
def export(since: datetime | None, output: Path | None) -> None:
    """Write the audit entries (oldest first) as CSV."""
    settings = settings_or_exit()
    start = _start(since.date()) if since else "-"
    try:
        entries = AuditLog(connect(settings.redis_url)).entries(count=10_000_000, since=start)
    except redis.RedisError as exc:
        fail(f"cannot read the audit stream from Redis: {exc}; check REDIS_URL", 1)
    rows = audit_rows(entries)
    if output is None:
        _write(rows, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as file:
        _write(rows, file)
    click.echo(f"Wrote {len(rows)} rows to {output}", err=True)


def _start(day: date) -> str:
    """The first stream id on `day` (UTC): stream ids begin with their time in milliseconds."""
    return f"{int(datetime.combine(day, datetime.min.time(), tzinfo=UTC).timestamp() * 1000)}-0"
