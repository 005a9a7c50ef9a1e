from __future__ import annotations

import json
import logging

import pytest

from bot.logs import configure_logging, get_logger


@pytest.fixture(autouse=True)
def restore_root_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:], root.level = handlers, level


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
    logging.getLogger("slack_sdk").debug("Sending a request - headers: Authorization: Bearer xoxb-99-secret")
    err = capsys.readouterr().err
    assert "Sending a request" in err and "xoxb-99" not in err
