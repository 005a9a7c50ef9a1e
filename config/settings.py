"""Process settings read from the environment (and a `.env` file), per docs/contract."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.errors import ConfigurationError

DEFAULT_SECRETS_DIR = Path("/run/secrets")  # where Docker and Kubernetes mount secrets as files


class SettingsError(ConfigurationError):
    """Settings are missing or invalid; the message names each variable and what to do."""


class Settings(BaseSettings):
    """Everything the processes read from the environment, in one place."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: AnyHttpUrl = AnyHttpUrl("https://slack.com/api/")
    x_bearer_token: SecretStr | None = None
    x_api_url: AnyHttpUrl = AnyHttpUrl("https://api.x.com")
    meta_app_secret: SecretStr | None = None  # unset: Meta off (no webhooks, no polling)
    meta_verify_token: SecretStr | None = None
    meta_api_url: AnyHttpUrl = AnyHttpUrl("https://graph.facebook.com")  # the Graph version is pinned in the adapter
    commsdesk_secret_key: SecretStr | None = None  # Fernet key encrypting stored tokens (X accounts, Meta pages)
    x_client_id: str | None = None  # OAuth 2.0 client of the X app, for linking accounts that post replies
    x_client_secret: SecretStr | None = None  # unset for a public client (PKCE alone)
    x_redirect_uri: str = "http://127.0.0.1:8765/x-callback"  # must match the X app's callback URL
    x_authorize_url: AnyHttpUrl = AnyHttpUrl("https://x.com/i/oauth2/authorize")
    redis_url: str = "redis://localhost:6379/0"
    commsdesk_config: str = "config/desk.toml"
    port: int = Field(default=3000, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9100, ge=1, le=65535)
    worker_metrics_port: int = Field(default=9101, ge=1, le=65535)
    web_concurrency: int = Field(default=2, ge=1, le=64)  # gunicorn worker processes of `web`
    prometheus_multiproc_dir: str | None = None  # web's shared metrics files; a private temp dir when unset
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["json", "console"] = "console"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @property
    def meta_enabled(self) -> bool:
        """Meta is on once its app secret is set: webhooks are checked with it and polling needs it too."""
        return self.meta_app_secret is not None

    @property
    def secret_key(self) -> str | None:
        """COMMSDESK_SECRET_KEY's value: the one Fernet key for every stored token (X accounts, Meta pages)."""
        return self.commsdesk_secret_key.get_secret_value() if self.commsdesk_secret_key else None

    @field_validator("commsdesk_secret_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        try:
            raw = base64.urlsafe_b64decode(value.get_secret_value().encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise ValueError(
                "must be a Fernet key (32 url-safe base64 bytes); make one with "
                '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    def missing(self, *names: str) -> list[str]:
        """Name each required variable among `names` that is unset, as its env var."""
        return [name.upper() for name in names if getattr(self, name) is None]

    def require(self, *names: str) -> None:
        """Raise SettingsError naming every unset variable among `names`."""
        if absent := self.missing(*names):
            raise SettingsError("\n".join(f"{name} is not set: export it or add it to .env" for name in absent))

    def secret(self, name: str) -> str:
        """Hand out the required secret `name` (e.g. "slack_bot_token"); SettingsError saying what to set if unset."""
        self.require(name)
        value: SecretStr = getattr(self, name)
        return value.get_secret_value()


def secrets_dir() -> Path | None:
    """Return where secret files are read from: COMMSDESK_SECRETS_DIR, else /run/secrets when it exists."""
    chosen = os.environ.get("COMMSDESK_SECRETS_DIR", "")
    if chosen:
        if not Path(chosen).is_dir():
            raise SettingsError(f"COMMSDESK_SECRETS_DIR is invalid: {chosen} is not a directory")
        return Path(chosen)
    return DEFAULT_SECRETS_DIR if DEFAULT_SECRETS_DIR.is_dir() else None


def load_settings() -> Settings:
    """Read settings (environment, then .env, then secret files), one line per bad variable without values."""
    try:
        return Settings(_secrets_dir=secrets_dir())
    except ValidationError as exc:
        lines = [
            f"{'.'.join(str(p) for p in err['loc']).upper()} is invalid: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        ]
        raise SettingsError("\n".join(lines)) from None
