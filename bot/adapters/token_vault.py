"""The desk accounts' X tokens in Redis, Fernet-encrypted with COMMSDESK_SECRET_KEY, refreshed under a lock.

`secret_box` (Fernet, as for the Meta pages' tokens) encrypts each account's record before it reaches Redis; a key
that cannot decrypt a record makes it unreadable, never a crash. Nothing
here logs or returns a token except `access_token`, for the poster that needs it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis

from bot.adapters import secret_box
from bot.adapters.store import Keys
from bot.adapters.x_oauth import Tokens, XOAuth
from bot.core.errors import ConfigurationError, NotFound, UnreadableSecret, UpstreamError

REFRESH_MARGIN = timedelta(minutes=2)
REFRESH_LOCK_MS = 15_000
NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LinkedAccount:
    """What `commsdesk accounts list` and `check` show about a linked account: never the tokens."""

    handle: str
    user_id: str
    linked_at: datetime
    expires_at: datetime
    refreshable: bool
    readable: bool = True  # False when the secret key cannot decrypt it (the key changed)


class RedisTokenVault:
    """Encrypted tokens per desk account; hands out a fresh access token, refreshing it under a lock."""

    def __init__(
        self,
        client: redis.Redis,
        secret_key: str,
        oauth: XOAuth | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._key = secret_key
        self._oauth = oauth
        self._clock = clock
        self._sleep = sleep

    def save(self, handle: str, user_id: str, tokens: Tokens, linked_at: datetime | None = None) -> None:
        record = {
            "handle": handle,
            "user_id": user_id,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at.isoformat(),
            "scope": tokens.scope,
            "linked_at": (linked_at or self._clock()).isoformat(),
        }
        self._client.set(Keys.x_tokens(handle), secret_box.encrypt(self._key, json.dumps(record)))

    def linked(self) -> list[LinkedAccount]:
        """Every linked account, readable or not, by handle."""
        out = []
        for key in sorted(str(k) for k in self._client.scan_iter(match=Keys.every_x_token())):
            handle = key.rsplit(":", 1)[1]
            record = self._read_key(key)
            if record is None:
                out.append(LinkedAccount(handle, "", NEVER, NEVER, refreshable=False, readable=False))
                continue
            out.append(
                LinkedAccount(
                    handle=str(record["handle"]),
                    user_id=str(record["user_id"]),
                    linked_at=datetime.fromisoformat(str(record["linked_at"])),
                    expires_at=datetime.fromisoformat(str(record["expires_at"])),
                    refreshable=bool(record["refresh_token"]),
                )
            )
        return out

    def can_post(self) -> set[str]:
        """Handles whose tokens are readable and either live or refreshable."""
        now = self._clock()
        return {a.handle for a in self.linked() if a.readable and (a.refreshable or a.expires_at > now)}

    def access_token(self, handle: str, stale: bool = False) -> str:
        """Return a usable access token, refreshing it first when it expires soon or `stale` (X answered 401)."""
        for _ in range(REFRESH_LOCK_MS // 250):
            record = self._record(handle)
            expires = datetime.fromisoformat(str(record["expires_at"]))
            if not stale and expires - REFRESH_MARGIN > self._clock():
                return str(record["access_token"])
            if self._client.set(Keys.x_token_refresh(handle), "1", nx=True, px=REFRESH_LOCK_MS):
                try:
                    return self._refresh(handle, record, stale)
                finally:
                    self._client.delete(Keys.x_token_refresh(handle))
            self._sleep(0.25)  # another worker is refreshing: use what it stores
            stale = False
        raise UpstreamError(f"Refreshing @{handle}'s X token took too long; try again.")

    def _refresh(self, handle: str, seen: dict[str, object], stale: bool) -> str:
        record = self._record(handle)
        if record["access_token"] != seen["access_token"] and not stale:
            return str(record["access_token"])  # refreshed by another worker meanwhile
        if self._oauth is None or not record["refresh_token"]:
            raise ConfigurationError(f"@{handle}'s X token expired and cannot be refreshed: link it again")
        tokens = self._oauth.refresh(str(record["refresh_token"]))
        self.save(handle, str(record["user_id"]), tokens, datetime.fromisoformat(str(record["linked_at"])))
        return tokens.access_token

    def _record(self, handle: str) -> dict[str, object]:
        record = self._read_key(Keys.x_tokens(handle))
        if record is None:
            raise NotFound(f"@{handle} is not linked for posting (or COMMSDESK_SECRET_KEY changed): link it again")
        return record

    def _read_key(self, key: str) -> dict[str, object] | None:
        raw = self._client.get(key)
        if raw is None:
            return None
        try:
            data: dict[str, object] = json.loads(secret_box.decrypt(self._key, str(raw)))
        except UnreadableSecret:
            return None
        return data
