"""`commsdesk requests export` writes the decision trail from Redis as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from bot.adapters.request_store import RedisRequestRepository
from bot.cli import main
from bot.core.platform_requests import RequestState
from bot.sandbox.redis_server import RedisServer
from tests.adapters.test_request_store import make_request

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def stored(redis_client: redis.Redis) -> None:
    repo = RedisRequestRepository(redis_client)
    first, second = make_request("PR-1", "Nextdoor"), make_request("PR-2", "TikTok")
    repo.create(first)
    repo.create(second)
    asked = first.moved(RequestState.INFO_REQUESTED, "U0APPR00001", T0 + timedelta(hours=1), "Who covers leave?")
    repo.replace(asked, 1)
    repo.replace(second.moved(RequestState.DECLINED, "U0APPR00002", T0 + timedelta(hours=2), "=HYPERLINK(1)"), 1)


def test_export_writes_every_step_oldest_first(
    stored: None, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    result = CliRunner().invoke(main, ["requests", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["request_id"], r["state"]) for r in rows] == [
        ("PR-1", "submitted"),
        ("PR-2", "submitted"),
        ("PR-1", "info_requested"),
        ("PR-2", "declined"),
    ]
    assert rows[2]["note"] == "Who covers leave?" and rows[3]["actor"] == "U0APPR00002"
    assert rows[3]["note"] == "'=HYPERLINK(1)"  # never a live formula


def test_export_to_a_file(
    stored: None, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    out = tmp_path / "decisions.csv"
    result = CliRunner().invoke(main, ["requests", "export", "--output", str(out)])
    assert result.exit_code == 0 and "Wrote 4 rows" in result.stderr
    assert out.read_text().splitlines()[0].startswith("request_id,team,platform")
