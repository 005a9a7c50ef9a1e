"""X's OAuth 2.0 Authorization Code flow with PKCE: the authorisation URL, the code exchange and token refresh.

Why OAuth 2.0 with PKCE rather than OAuth 1.0a: the token is scoped to what the desk needs (`tweet.write`,
`tweet.read`, `users.read`, `offline.access`), lives two hours and is refreshed with a refresh token X rotates on
every use, so a leaked copy soon stops working; an account's owner can revoke the app in X's settings without
touching other accounts; and it is X's current flow (OAuth 1.0a user tokens never expire). The cost is refreshing,
which `bot.adapters.token_vault` does under a Redis lock so two workers never spend the same refresh token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from bot.core.errors import UpstreamError

SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access")


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime
    scope: str = ""

    def __repr__(self) -> str:  # never show a token, even in a traceback
        return f"Tokens(expires_at={self.expires_at.isoformat()}, scope={self.scope!r})"


@dataclass(frozen=True)
class Authorisation:
    """One linking attempt: the URL to open, and what the callback must match."""

    url: str
    state: str
    verifier: str


class XOAuth:
    """X's OAuth 2.0 endpoints for one app (client id, optional secret, callback URL)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str | None,
        redirect_uri: str,
        authorize_url: str,
        api_url: str,
        timeout: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client_id = client_id
        self._secret = client_secret
        self._redirect = redirect_uri
        self._authorize = authorize_url
        self.api_url = api_url.rstrip("/")
        self._timeout = timeout
        self._clock = clock

    def begin(self) -> Authorisation:
        """Start linking: a PKCE verifier and state, and the URL the account's owner opens to consent."""
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(24)
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": self._redirect,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return Authorisation(f"{self._authorize}?{urlencode(query)}", state, verifier)

    def exchange(self, callback: str, started: Authorisation) -> Tokens:
        """Trade the code in the callback URL (or the bare code) for tokens; the state must match."""
        code = callback.strip()
        if "?" in code or code.startswith("http"):
            query = parse_qs(urlsplit(code).query)
            if "error" in query:
                raise UpstreamError(f"X did not authorise the app: {query['error'][0]}")
            if query.get("state", [""])[0] != started.state:
                raise UpstreamError("The callback's state does not match this attempt; start `accounts link` again.")
            code = query.get("code", [""])[0]
        if not code:
            raise UpstreamError("No authorisation code found; paste the whole URL X sent you back to.")
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": self._redirect}
        return self._token(data | {"code_verifier": started.verifier})

    def refresh(self, refresh_token: str) -> Tokens:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def whoami(self, access_token: str) -> tuple[str, str]:
        """Return (user id, handle) of the account the token acts for."""
        answer = requests.get(
            f"{self.api_url}/2/users/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=self._timeout
        )
        if answer.status_code != 200:
            raise UpstreamError(f"X answered {answer.status_code} to /2/users/me with the new token")
        user = answer.json()["data"]
        return str(user["id"]), str(user["username"])

    def _token(self, data: dict[str, str]) -> Tokens:
        auth = (self._client_id, self._secret) if self._secret else None
        body = data if auth else data | {"client_id": self._client_id}
        answer = requests.post(f"{self.api_url}/2/oauth2/token", data=body, auth=auth, timeout=self._timeout)
        if answer.status_code != 200:
            detail = _reason(answer)
            raise UpstreamError(f"X's token endpoint answered {answer.status_code}: {detail}")
        got = answer.json()
        expires = self._clock() + timedelta(seconds=int(got.get("expires_in", 7200)))
        return Tokens(str(got["access_token"]), str(got.get("refresh_token", "")), expires, str(got.get("scope", "")))


def _reason(answer: requests.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return answer.reason
    return str(body.get("error_description") or body.get("error") or body.get("detail") or answer.reason)
