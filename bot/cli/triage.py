"""`commsdesk triage`: classify X API v2 pages offline (contract.md), optionally scored against gold labels."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

import config
from bot.cli._common import desk_or_exit, fail, triage_or_exit
from bot.core.models import Mention, TriageDecision
from bot.core.pages import PageError, mentions_from_page
from bot.core.triage.evaluation import evaluate, format_report, labels_of, read_labels

DEFAULT_CONFIG = "config/desk.toml"
PACKAGED_CONFIG = Path(config.__file__).resolve().parent / "desk.example.toml"


def _config_path(given: str | None) -> str:
    """Return --config, else $COMMSDESK_CONFIG, else config/desk.toml, else the packaged example."""
    if given:
        return given
    if env := os.environ.get("COMMSDESK_CONFIG"):
        return env
    return DEFAULT_CONFIG if Path(DEFAULT_CONFIG).exists() else str(PACKAGED_CONFIG)


def _read_mentions(name: str, stream: IO[str], problems: list[str]) -> Iterator[Mention]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield from mentions_from_page(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{number}: not valid JSON ({exc.msg})")
        except PageError as exc:
            problems.append(f"{name}:{number}: {exc}")


def _pages(mentions: Iterator[Mention], size: int = 256) -> Iterator[list[Mention]]:
    """Group mentions so the model reads many at once, keeping input order."""
    page: list[Mention] = []
    for mention in mentions:
        page.append(mention)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def _row(mention: Mention, decision: TriageDecision) -> dict[str, object]:
    return {
        "id": mention.id,
        "category": decision.category.value,
        "urgent": decision.urgent,
        "possible": decision.possible,
        "urgency": decision.urgency,
        "needs_reply": decision.needs_reply,
        "route": decision.route,
        "reasons": list(decision.reasons),
    }


def _table_line(mention: Mention, decision: TriageDecision) -> str:
    flags = ("POSSIBLE" if decision.possible else "URGENT" if decision.urgent else "-") + (
        " reply" if decision.needs_reply else ""
    )
    text = " ".join(mention.text.split())[:60]
    return f"{mention.id:<20} {decision.category.value:<12} {flags:<13} {decision.route:<13} {text}"


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per tweet, in input order.")
@click.option(
    "--config", "config_path", default=None, help="Desk config (default: $COMMSDESK_CONFIG or config/desk.toml)."
)
@click.option("--eval", "labels_file", type=click.File("r", encoding="utf-8"), help="Score against a labels JSONL.")
def triage(files: tuple[IO[str], ...], as_json: bool, config_path: str | None, labels_file: IO[str] | None) -> None:
    """Classify mentions in X API v2 page files (JSON Lines; '-' for stdin)."""
    desk = desk_or_exit(_config_path(config_path))
    problems: list[str] = []
    predicted = {}
    if not as_json and labels_file is None:
        click.echo(f"{'id':<20} {'category':<12} {'urgent/reply':<13} {'route':<13} text")
    triage = triage_or_exit(desk)
    for stream in files:
        name = "-" if stream.name == "<stdin>" else stream.name
        for page in _pages(_read_mentions(name, stream, problems)):
            for mention, decision in zip(page, triage.decide_many(page), strict=True):
                predicted[mention.id] = labels_of(decision)
                if as_json:
                    click.echo(json.dumps(_row(mention, decision), ensure_ascii=False))
                elif labels_file is None:
                    click.echo(_table_line(mention, decision))
    if labels_file is not None:
        try:
            gold = read_labels(labels_file)
        except ValueError as exc:
            fail(f"{labels_file.name}: {exc}")
        click.echo(format_report(evaluate(gold, predicted)), err=as_json)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
