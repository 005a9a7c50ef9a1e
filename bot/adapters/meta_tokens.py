"""Page and Instagram account tokens in Redis, encrypted at rest with COMMSDESK_SECRET_KEY (`secret_box`)."""

from __future__ import annotations

import redis

from bot.adapters import secret_box
from bot.adapters.store import Keys
from bot.core.errors import UnreadableSecret, UpstreamError


class RedisMetaTokens:
    """Link, read and unlink the token a page or Instagram account is read and answered with."""

    def __init__(self, client: redis.Redis, secret_key: str) -> None:
        self._client = client
        self._key = secret_key

    def link(self, account_id: str, token: str) -> None:
        """Store a token, encrypted; linking again replaces it."""
        self._client.set(Keys.meta_token(account_id), secret_box.encrypt(self._key, token))

    def unlink(self, account_id: str) -> bool:
        return bool(self._client.delete(Keys.meta_token(account_id)))

    def token(self, account_id: str) -> str | None:
        """Return the decrypted token, or None when none is linked; UpstreamError when Redis does not answer."""
        try:
            stored = self._client.get(Keys.meta_token(account_id))
        except redis.RedisError as exc:
            raise UpstreamError(f"Redis did not answer for a Meta token: {exc}") from exc
        return secret_box.decrypt(self._key, str(stored)) if stored else None

    def usable(self, account_ids: list[str]) -> set[str]:
        """Which of these accounts have a token the key can read: the ones that can answer from Slack."""
        found = set()
        for account_id in account_ids:
            try:
                if self.token(account_id):
                    found.add(account_id)
            except UnreadableSecret:
                continue
        return found
