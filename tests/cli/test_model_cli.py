"""`commsdesk model train`: writes a loadable artefact from given data folders, and refuses bad data clearly."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.learning.model import load_model
from tests.conftest import REPO

TRAIN = REPO / "data" / "mentions" / "train"


def _small_data(folder: Path, pages: int) -> Path:
    """Copy the first pages of the training set with their labels into a data folder."""
    folder.mkdir()
    lines = (TRAIN / "mentions.jsonl").read_text(encoding="utf-8").splitlines()[:pages]
    (folder / "mentions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "labels.jsonl").write_text((TRAIN / "labels.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_train_writes_an_artefact_from_several_folders(tmp_path: Path) -> None:
    first, second = _small_data(tmp_path / "a", 4), _small_data(tmp_path / "b", 2)
    output = tmp_path / "model.json.gz"
    args = ["model", "train", "--data", str(first), "--data", str(second), "--output", str(output), "--folds", "3"]
    result = CliRunner().invoke(main, [*args, "--repeats", "1"])
    assert result.exit_code == 0, result.output
    assert f"wrote {output}" in result.stdout
    model = load_model(output)
    assert model.body["training"]["examples"] == 120
    assert "band: lower" in result.stdout


def test_train_names_a_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["model", "train", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere/mentions.jsonl: not found" in result.stderr


def test_train_refuses_too_few_examples(tmp_path: Path) -> None:
    folder = _small_data(tmp_path / "tiny", 1)
    result = CliRunner().invoke(main, ["model", "train", "--data", str(folder), "--output", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "too few for 5-fold cross-validation" in result.stderr
