from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings


def test_defaults_match_the_contract() -> None:
    settings = load_settings()
    assert str(settings.slack_api_url) == "https://slack.com/api/"
    assert str(settings.x_api_url) == "https://api.x.com/"
    assert settings.redis_url == "redis://localhost:6379/0"
    assert (settings.commsdesk_config, settings.port) == ("config/desk.toml", 3000)
    assert (settings.log_level, settings.log_format) == ("INFO", "console")


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nPORT=8080\n")
    settings = load_settings()
    assert settings.port == 8080
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-dotenv"


def test_invalid_values_name_each_variable_without_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token-secret")
    monkeypatch.setenv("PORT", "seventy")
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError) as err:
        load_settings()
    lines = str(err.value).splitlines()
    assert [line.split(" ")[0] for line in lines] == ["SLACK_BOT_TOKEN", "PORT", "LOG_FORMAT"]
    assert "xoxp-user-token-secret" not in str(err.value)


def test_a_secret_key_that_is_not_a_fernet_key_says_how_to_make_one_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMMSDESK_SECRET_KEY", "correct-horse-battery-staple")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith("COMMSDESK_SECRET_KEY is invalid: Value error, must be a Fernet key")
    assert "Fernet.generate_key()" in str(err.value) and "correct-horse" not in str(err.value)


def test_require_names_every_missing_variable() -> None:
    with pytest.raises(SettingsError) as err:
        load_settings().require("slack_bot_token", "slack_signing_secret")
    assert str(err.value).splitlines() == [
        "SLACK_BOT_TOKEN is not set: export it or add it to .env",
        "SLACK_SIGNING_SECRET is not set: export it or add it to .env",
    ]


def test_a_required_secret_is_handed_out_or_named_with_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret-value")
    settings = load_settings()
    assert settings.secret("slack_signing_secret") == "signing-secret-value"
    with pytest.raises(SettingsError, match=r"^X_BEARER_TOKEN is not set: export it or add it to \.env$"):
        settings.secret("x_bearer_token")


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "very-secret-value")
    assert "very-secret-value" not in repr(load_settings())


@pytest.mark.parametrize("concurrency", ["0", "many"])
def test_a_bad_web_concurrency_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, concurrency: str
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", concurrency)
    with pytest.raises(SettingsError, match="^WEB_CONCURRENCY is invalid"):
        load_settings()


def test_worker_metrics_default_to_port_9101_on_the_metrics_host() -> None:
    settings = load_settings()
    assert (settings.metrics_host, settings.worker_metrics_port, settings.web_concurrency) == ("127.0.0.1", 9101, 2)


def test_secrets_are_read_from_files_in_commsdesk_secrets_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "slack_bot_token").write_text("xoxb-from-a-file\n")
    (secrets / "SLACK_SIGNING_SECRET").write_text("signing-from-a-file")
    monkeypatch.setenv("COMMSDESK_SECRETS_DIR", str(secrets))
    settings = load_settings()
    assert settings.slack_bot_token is not None and settings.slack_signing_secret is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-a-file"
    assert settings.slack_signing_secret.get_secret_value() == "signing-from-a-file"
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    assert load_settings().slack_bot_token.get_secret_value() == "xoxb-from-the-environment"  # type: ignore[union-attr]


def test_a_secret_file_is_validated_like_the_variable_and_never_echoed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "slack_bot_token").write_text("xoxp-user-token-in-a-file")
    monkeypatch.setenv("COMMSDESK_SECRETS_DIR", str(tmp_path))
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith("SLACK_BOT_TOKEN is invalid") and "xoxp-user" not in str(err.value)


def test_a_missing_secrets_dir_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COMMSDESK_SECRETS_DIR", str(tmp_path / "absent"))
    with pytest.raises(SettingsError, match="^COMMSDESK_SECRETS_DIR is invalid: .*absent is not a directory"):
        load_settings()
