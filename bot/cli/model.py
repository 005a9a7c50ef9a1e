"""`commsdesk model train`: build the triage model artefact reproducibly from labelled mentions."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli._common import fail
from bot.learning import artefact
from bot.learning.examples import Example, ExamplesError, read_examples
from bot.learning.training import FOLDS, REPEATS, SEED, train

DEFAULT_DATA = "data/mentions/train"


@click.group()
def model() -> None:
    """Train the learned triage model (docs/triage.md)."""


@model.command("train")
@click.option(
    "--data",
    "folders",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder with mentions.jsonl and labels.jsonl; repeat for more (default: {DEFAULT_DATA}).",
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
def train_command(folders: tuple[Path, ...], output: Path, seed: int, folds: int, repeats: int) -> None:
    """Train on labelled mentions, choose the safety band by cross-validation, and write the artefact."""
    examples: list[Example] = []
    for folder in folders or (Path(DEFAULT_DATA),):
        try:
            examples += read_examples(folder)
        except ExamplesError as exc:
            fail(str(exc))
    if len(examples) < 10 * folds:
        fail(f"{len(examples)} examples are too few for {folds}-fold cross-validation; give more --data")
    click.echo(f"training on {len(examples)} examples ({folds} folds x {repeats} repeats)...", err=True)
    body = train(examples, seed=seed, folds=folds, repeats=repeats)
    sha = artefact.write(body, output)
    figures = body["cross_validation"]["figures"]
    click.echo(f"wrote {output} (sha256 {sha}, {output.stat().st_size} bytes)")
    click.echo(f"band: lower {body['band']['lower']}  upper {body['band']['upper']}")
    for name, value in figures.items():
        click.echo(f"  {name:<34}{value['mean']:>9.3f} ± {value['sd']:.3f}")
