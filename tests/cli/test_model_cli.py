"""`commsdesk model train`: writes a loadable artefact from given data folders, and refuses bad data clearly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.cli import main
from bot.core.corrections import Correction, Label
from bot.learning.model import load_model
from bot.sandbox.redis_server import RedisServer
from config.desk import Desk
from tests.conftest import EXAMPLE_DESK, REPO
from tests.support.factories import tracked

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
    # neither folder has the 100 urgent examples that would hold the band's recall on it alone
    assert model.body["cross_validation"]["recall_held_on"] == ["all"]
    assert "(98% recall held on: all)" in result.stdout


def test_train_names_a_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["model", "train", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "nowhere/mentions.jsonl: not found" in result.stderr


def test_train_refuses_too_few_examples(tmp_path: Path) -> None:
    folder = _small_data(tmp_path / "tiny", 1)
    result = CliRunner().invoke(main, ["model", "train", "--data", str(folder), "--output", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "too few for 5-fold cross-validation" in result.stderr


def _corrected_mention(redis_server: RedisServer, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI at a deployment's Redis holding one mention the desk marked urgent."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("COMMSDESK_CONFIG", str(EXAMPLE_DESK))
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    record = tracked("2122000000000000077")
    RedisMentionStore(client, 30).record_new(record)
    RedisAggregates(client, desk.zone).record_received("northtown", datetime.now(UTC), record.decision)
    fix = Correction(
        tweet_id=record.mention.id,
        at=datetime.now(UTC),
        actor="U0DESK00001",
        label=Label.URGENT,
        model="false",
        desk="true",
        model_category=record.decision.category,
    )
    RedisCorrectionLog(client, 365).record(fix)


def test_train_with_desk_corrections_adds_the_corrected_mentions(
    tmp_path: Path, redis_client: redis.Redis, redis_server: RedisServer, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corrected_mention(redis_server, desk, monkeypatch)
    output = tmp_path / "model.json.gz"
    args = ["model", "train", "--data", str(_small_data(tmp_path / "a", 4)), "--output", str(output)]
    result = CliRunner().invoke(main, [*args, "--folds", "3", "--repeats", "1", "--with-desk-corrections"])
    assert result.exit_code == 0, result.output
    assert "adding 1 mentions corrected by the desk" in result.stderr
    assert load_model(output).body["training"]["examples"] == 81


def test_report_prints_agreement_by_category_by_platform_and_urgent_recall(
    redis_client: redis.Redis, redis_server: RedisServer, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corrected_mention(redis_server, desk, monkeypatch)
    result = CliRunner().invoke(main, ["model", "report", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert (
        "Triage and the desk over the last 3 days: the desk corrected 1 of 1 decisions (0% agreement)" in result.stdout
    )
    assert "urgent recall as the desk judged it 0% (0 of 1)" in result.stdout
    assert "crime_report" in result.stdout
    assert result.stdout.splitlines()[-3].split() == ["X", "1", "1", "0%", "0", "1", "0%"]
