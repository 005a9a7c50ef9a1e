"""`commsdesk model train | report`: build the triage model from labelled mentions; compare it with the desk."""

from __future__ import annotations

from pathlib import Path

import click

from bot.adapters.store import connect
from bot.blocks.triage_report import agreement_report
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.core.errors import CommsDeskError
from bot.jobs.desk_lessons import DeskLessons
from bot.learning import artefact
from bot.learning.examples import Example, ExamplesError, read_examples, training_folders
from bot.learning.training import FOLDS, REPEATS, SEED, train
from bot.services import build_desk_lessons

DATA_ROOT = Path("data/mentions")


@click.group()
def model() -> None:
    """Train the learned triage model (docs/triage.md)."""


@model.command("train")
@click.option(
    "--data",
    "folders",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder with labels.jsonl and mentions.jsonl (X) or deliveries.jsonl (Meta); repeat for more "
    f"(default: every {DATA_ROOT}/train* folder).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=artefact.DEFAULT_ARTEFACT,
    show_default="the packaged bot/learning/triage-model.json.gz",
    help="Where to write the artefact.",
)
@click.option("--seed", default=SEED, show_default=True, help="Seed for the folds and the solvers.")
@click.option("--folds", default=FOLDS, show_default=True, help="Cross-validation folds (for the band and figures).")
@click.option("--repeats", default=REPEATS, show_default=True, help="Cross-validation repeats.")
@click.option(
    "--with-desk-corrections",
    "with_corrections",
    is_flag=True,
    help="Add the desk's corrections made in Slack (read from REDIS_URL) whose mention text is still held.",
)
def train_command(
    folders: tuple[Path, ...], output: Path, seed: int, folds: int, repeats: int, with_corrections: bool
) -> None:
    """Train on labelled mentions, choose the safety band by cross-validation, and write the artefact."""
    folders = folders or tuple(training_folders(DATA_ROOT))
    if not folders:
        fail(f"no {DATA_ROOT}/train* folders here: run from the repository root or give --data")
    examples: list[Example] = []
    sources: list[str] = []  # where each example came from: the band keeps its recall on each big source
    for folder in folders:
        try:
            rows = read_examples(folder)
        except ExamplesError as exc:
            fail(str(exc))
        examples += rows
        sources += [folder.name] * len(rows)
    if with_corrections:
        corrected = _desk_lessons().examples()
        click.echo(f"adding {len(corrected)} mentions corrected by the desk", err=True)
        examples += corrected
        sources += ["desk corrections"] * len(corrected)
    if len(examples) < 10 * folds:
        fail(f"{len(examples)} examples are too few for {folds}-fold cross-validation; give more --data")
    click.echo(f"training on {len(examples)} examples ({folds} folds x {repeats} repeats)...", err=True)
    body = train(examples, seed=seed, folds=folds, repeats=repeats, sources=sources)
    sha = artefact.write(body, output)
    figures = body["cross_validation"]["figures"]
    click.echo(f"wrote {output} (sha256 {sha}, {output.stat().st_size} bytes)")
    held = ", ".join(body["cross_validation"]["recall_held_on"])
    click.echo(f"band: lower {body['band']['lower']}  upper {body['band']['upper']} (98% recall held on: {held})")
    for name, value in figures.items():
        click.echo(f"  {name:<34}{value['mean']:>9.3f} ± {value['sd']:.3f}")


@model.command("report")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 400), help="Days to look back.")
def report_command(days: int) -> None:
    """Print how often the desk agreed with triage over the last N days, by category, with urgent recall."""
    click.echo(agreement_report(_desk_lessons().agreement(days), days))


def _desk_lessons() -> DeskLessons:
    """Read the desk's corrections from the deployment's Redis, or exit saying what is missing."""
    settings = settings_or_exit()
    desk = desk_or_exit(settings.commsdesk_config)
    try:
        return build_desk_lessons(desk, connect(settings.redis_url))
    except CommsDeskError as exc:
        fail(str(exc))
