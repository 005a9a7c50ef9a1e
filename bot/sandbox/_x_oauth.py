"""The X stand-in's OAuth 2.0 (Authorization Code with PKCE): consent, the token endpoint, user-context tokens.

`GET /i/oauth2/authorize` consents at once as the user set with `XSandbox.consent_as` and redirects to the
client's callback with a code; `POST /2/oauth2/token` trades a code (checking the PKCE verifier) or a refresh
token (rotating it) for a bearer token that acts as that user. Errors are shaped as X's OAuth errors.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.sandbox._http import Reply, Request

ACCESS_SECONDS = 7200


@dataclass(frozen=True)
class _Grant:
    user_id: str
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str


class OAuthStandIn:
    """Codes, access tokens and refresh tokens, and who each acts for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.consenting_user = ""
        self._codes: dict[str, _Grant] = {}
        self._access: dict[str, tuple[str, float]] = {}  # token -> (user id, expiry)
        self._refresh: dict[str, str] = {}  # token -> user id
        self.refreshes = 0

    def issue(self, user_id: str, seconds: int = ACCESS_SECONDS) -> dict[str, Any]:
        """Mint tokens for `user_id` (what the token endpoint answers), e.g. to link an account in a test."""
        access, refresh = f"sbx-at-{secrets.token_urlsafe(16)}", f"sbx-rt-{secrets.token_urlsafe(16)}"
        with self._lock:
            self._access[access] = (user_id, time.time() + seconds)
            self._refresh[refresh] = user_id
        scope = "tweet.read tweet.write users.read offline.access"
        return {
            "token_type": "bearer",
            "expires_in": seconds,
            "access_token": access,
            "refresh_token": refresh,
            "scope": scope,
        }

    def user_of(self, token: str) -> str | None:
        """The user a live access token acts for; None for an app-only or unknown token."""
        with self._lock:
            found = self._access.get(token)
        return found[0] if found and found[1] > time.time() else None

    def is_user_token(self, token: str) -> bool:
        with self._lock:
            return token in self._access

    def expire(self, user_id: str) -> None:
        """Make every access token of `user_id` expired (to exercise refresh)."""
        with self._lock:
            self._access = {t: (u, 0.0 if u == user_id else e) for t, (u, e) in self._access.items()}

    def authorize(self, request: Request) -> Reply:
        q = request.query
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return Reply(400, {"error": "invalid_request", "error_description": "PKCE with S256 is required"})
        if not self.consenting_user:
            return Reply(400, {"error": "access_denied", "error_description": "nobody is signed in to the sandbox"})
        code = secrets.token_urlsafe(16)
        grant = _Grant(
            self.consenting_user,
            q.get("client_id", ""),
            q.get("redirect_uri", ""),
            q["code_challenge"],
            q.get("scope", ""),
        )
        with self._lock:
            self._codes[code] = grant
        location = f"{grant.redirect_uri}?{urlencode({'state': q.get('state', ''), 'code': code})}"
        return Reply(302, None, {"Location": location})

    def token(self, request: Request) -> Reply:
        form = dict(parse_qsl(request.body.decode("utf-8")))
        if form.get("grant_type") == "authorization_code":
            with self._lock:
                grant = self._codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant is None or grant.redirect_uri != form.get("redirect_uri") or grant.challenge != challenge:
                return _invalid("Value passed for the authorization code was invalid.")
            return Reply(200, self.issue(grant.user_id))
        if form.get("grant_type") == "refresh_token":
            with self._lock:
                user = self._refresh.pop(form.get("refresh_token", ""), None)  # rotated: usable once
                self.refreshes += 1
            if user is None:
                return _invalid("Value passed for the token was invalid.")
            return Reply(200, self.issue(user))
        return _invalid("Missing or unsupported grant_type.")


def _invalid(description: str) -> Reply:
    return Reply(400, {"error": "invalid_request", "error_description": description})
