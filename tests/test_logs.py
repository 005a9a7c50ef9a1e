from __future__ import annotations

import json
import logging
import sys

import pytest

from bot.logs import BODY_LOGGERS, configure_logging, get_logger


@pytest.fixture(autouse=True)
def restore_root_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in BODY_LOGGERS}
    yield None
    root.handlers[:], root.level = handlers, level
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)


def test_json_logs_carry_the_traceback_with_secrets_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    try:
        raise ConnectionError("auth failed for xoxb-1234-abcd-secret")
    except ConnectionError:
        get_logger("test").exception("outbox step failed; retrying")
    [line] = capsys.readouterr().err.strip().splitlines()
    record = json.loads(line)
    assert record["event"] == "outbox step failed; retrying" and record["level"] == "error"
    assert "ConnectionError: auth failed for [redacted]" in record["exception"]
    assert "xoxb-1234" not in line


def test_stdlib_library_logs_are_redacted_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", "console")
    logging.getLogger("urllib3.connectionpool").debug("Starting new connection: Bearer xoxb-99-secret")
    logging.getLogger("slack_sdk").info("Rate limited: token xoxb-98-secret")
    err = capsys.readouterr().err
    assert "Starting new connection" in err and "Rate limited" in err
    assert "xoxb-99" not in err and "xoxb-98" not in err


@pytest.mark.parametrize("name", ["slack_sdk.web.base_client", "slack_bolt.App", "tweepy.client"])
def test_debug_leaves_out_library_lines_that_print_bodies(capsys: pytest.CaptureFixture[str], name: str) -> None:
    configure_logging("DEBUG", "json")
    logging.getLogger(name).debug('Received API response: Content: {"text": "@MPNorthtown Amelia Quist stole it"}')
    get_logger("bot.test").debug("own debug event")
    err = capsys.readouterr().err
    assert "own debug event" in err and "Amelia Quist" not in err


def test_services_can_log_to_stdout_and_commands_keep_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json", sys.stdout)
    get_logger("test").info("worker started")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["event"] == "worker started" and captured.err == ""
    configure_logging("INFO", "json")
    get_logger("test").info("digest dry run")
    captured = capsys.readouterr()
    assert json.loads(captured.err)["event"] == "digest dry run" and captured.out == ""
