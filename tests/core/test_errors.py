"""One exception tree: every error Comms Desk raises on purpose is a CommsDeskError, wherever it is defined."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import CommsDeskError, ConfigurationError
from bot.core.pages import PageError, mentions_from_page
from bot.web.front_door import Rejected
from config.desk import DeskConfigError, load_desk
from config.settings import Settings, SettingsError


@pytest.mark.parametrize("error", [SettingsError, DeskConfigError])
def test_config_errors_are_configuration_errors(error: type[Exception]) -> None:
    assert issubclass(error, ConfigurationError)


@pytest.mark.parametrize("error", [PageError, Rejected])
def test_page_and_door_errors_join_the_tree(error: type[Exception]) -> None:
    assert issubclass(error, CommsDeskError)


def test_a_bad_page_is_caught_as_a_comms_desk_error_and_still_as_a_value_error() -> None:
    with pytest.raises(CommsDeskError):
        mentions_from_page({"data": "not a list"})
    with pytest.raises(ValueError):
        mentions_from_page({"data": "not a list"})


def test_a_missing_desk_config_is_caught_as_a_comms_desk_error(tmp_path: Path) -> None:
    with pytest.raises(CommsDeskError):
        load_desk(tmp_path / "missing.toml")


def test_missing_settings_are_caught_as_a_comms_desk_error() -> None:
    with pytest.raises(CommsDeskError):
        Settings(slack_bot_token=None).require("slack_bot_token")
