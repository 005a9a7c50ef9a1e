"""Helpers shared by CLI commands: load settings and desk config or exit with a clear message."""

from __future__ import annotations

from typing import NoReturn

import click

from bot.core.errors import ConfigurationError
from bot.core.triage.decide import Triage
from bot.services import build_triage
from config.desk import Desk, DeskConfigError, load_desk
from config.settings import Settings, SettingsError, load_settings


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(message, err=True)
    raise SystemExit(code)


def settings_or_exit(*required: str) -> Settings:
    """Load settings and require `required` (field names), or exit naming each bad variable."""
    try:
        settings = load_settings()
        settings.require(*required)
    except SettingsError as exc:
        fail(str(exc))
    return settings


def triage_or_exit(desk: Desk) -> Triage:
    """Load the trained triage model once for this process, or exit saying how to get a usable one."""
    try:
        return build_triage(desk)
    except ConfigurationError as exc:
        fail(str(exc))


def desk_or_exit(path: str) -> Desk:
    try:
        return load_desk(path)
    except DeskConfigError as exc:
        fail(str(exc))
