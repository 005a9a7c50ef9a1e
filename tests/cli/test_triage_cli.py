"""`commsdesk triage` per contract.md: JSON lines in input order, a table, malformed lines, stdin, --eval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import DEV, EXAMPLE_DESK, REPO


def _page(*texts: str) -> str:
    tweets = [
        {"id": str(100 + n), "text": t, "author_id": "9", "created_at": "2026-11-16T20:50:32.000Z"}
        for n, t in enumerate(texts)
    ]
    return json.dumps({"data": tweets, "includes": {"users": [{"id": "9", "username": "pat"}]}, "meta": {}})


def test_json_lines_in_input_order(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text(
        _page("@MPOldfield van broken into on Brook Road overnight", "@MidshirePolice useless clowns")
        + "\n"
        + _page("RT @MPRiverside: appeal")
        + "\n"
    )
    result = CliRunner().invoke(main, ["triage", str(pages), "--json", "--config", str(EXAMPLE_DESK)])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["100", "101", "100"]
    assert set(rows[0]) == {"id", "category", "urgent", "possible", "urgency", "needs_reply", "route", "reasons"}
    assert (rows[0]["category"], rows[0]["route"], rows[0]["needs_reply"]) == ("crime_report", "oldfield", True)
    assert (rows[1]["category"], rows[2]["category"]) == ("abuse", "chatter")


def test_malformed_line_reported_and_rest_classified(tmp_path: Path) -> None:
    pages = tmp_path / "bad.jsonl"
    pages.write_text("{not json\n" + _page("@MidshirePolice is Oldfield station open?") + '\n{"data": 3}\n')
    result = CliRunner().invoke(main, ["triage", str(pages), "--json", "--config", str(EXAMPLE_DESK)])
    assert result.exit_code == 1
    assert f"{pages}:1: not valid JSON" in result.stderr
    assert f"{pages}:3: 'data' is not a list" in result.stderr
    assert [json.loads(line)["category"] for line in result.stdout.splitlines()] == ["question"]


def test_readable_table_by_default(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text(_page("@MPRiverside man with a knife chasing a lad down Mill Lane now") + "\n")
    result = CliRunner().invoke(main, ["triage", str(pages), "--config", str(EXAMPLE_DESK)])
    assert result.exit_code == 0
    assert "emergency" in result.stdout and "URGENT" in result.stdout and "control_room" in result.stdout


def test_eval_prints_report() -> None:
    result = CliRunner().invoke(
        main,
        ["triage", str(DEV / "mentions.jsonl"), "--config", str(EXAMPLE_DESK), "--eval", str(DEV / "labels.jsonl")],
    )
    assert result.exit_code == 0, result.stderr
    assert "urgent recall" in result.stdout and "route accuracy" in result.stdout


def test_installed_script_reads_stdin_with_packaged_config(tmp_path: Path) -> None:
    script = REPO / ".venv" / "bin" / "commsdesk"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    done = subprocess.run(
        [*command, "triage", "-", "--json"],
        input=_page("@MidshireRoads is the bypass still shut?") + "\nnope\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["route"] == "roads"
    assert done.stderr.strip().startswith("-:2: not valid JSON")
