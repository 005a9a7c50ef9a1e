"""Structured logging (structlog over stdlib) with secrets redacted before anything is written."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

_SECRET_PATTERNS = (
    re.compile(r"xox[abposr]-[A-Za-z0-9-]+"),
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9%._~+/=-]{8,}"),
    re.compile(r"(?i)(v0=)[0-9a-f]{16,}"),
)
_SENSITIVE_KEYS = {"token", "secret", "password", "authorization", "body", "text"}
# Libraries that print whole request and response bodies (mention text, names, card text) at DEBUG.
BODY_LOGGERS = ("slack_sdk", "slack_bolt", "tweepy")


def redact(value: str) -> str:
    """Mask anything shaped like a Slack token, bearer token or request signature."""
    for pattern in _SECRET_PATTERNS:
        value = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", value)
    return value


def _redact_event(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        if key in _SENSITIVE_KEYS and key != "event":
            event[key] = "[redacted]"
        elif isinstance(value, str):
            event[key] = redact(value)
    return event


class _RedactingFilter(logging.Filter):
    """Redact secrets in records from libraries that log through stdlib (slack_sdk, urllib3, ...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: str = "INFO", fmt: str = "console", stream: TextIO | None = None) -> None:
    """Route structlog and stdlib logging to `stream` (default stderr) in one format, redacting secrets.

    Services log to stdout, where container platforms expect a service's log; one-off commands keep stdout
    for their output (CSV, JSON lines, reports) and log to stderr.
    """
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,  # tracebacks as text, so they are redacted and reach JSON logs
        _redact_event,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    handler.addFilter(_RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in BODY_LOGGERS:  # DEBUG is for our own structured events, never for personal data in bodies
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelNamesMapping()[level]))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
