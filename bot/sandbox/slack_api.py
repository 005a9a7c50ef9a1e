"""A local stand-in for Slack's Web API: point `WebClient(base_url=sandbox.url)` at it.

It keeps channels, messages (with metadata), views, DMs and uploaded files in memory, records every call,
and misbehaves on demand: 429 with `Retry-After`, 5xx, slow answers, a connection reset after the post was
accepted, and Slack's per-channel posting pace (about one message a second).

    with SlackSandbox() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.messages("C1")[0]["text"] == "hi"
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from bot.sandbox._faults import Fault, FaultQueue
from bot.sandbox._http import LoopbackServer, Reply, Request
from bot.sandbox._slack_methods import SlackState
from bot.slack_scopes import BOT_SCOPES

JSON_FIELDS = ("blocks", "attachments", "metadata", "view", "files", "users")


@dataclass(frozen=True)
class SlackCall:
    """One Web API call as received: `outcome` is "ok", an error code, "429", "500"... or "reset"."""

    method: str
    params: dict[str, Any]
    time: float
    outcome: str


class SlackSandbox(LoopbackServer):
    """Slack Web API stand-in on 127.0.0.1; `url` ends with "/" as slack_sdk expects."""

    def __init__(self, team_id: str = "T0SANDBOX", bot_user_id: str = "U0BOT") -> None:
        super().__init__()
        self.state = SlackState(team_id=team_id, bot_user_id=bot_user_id, upload_base=self._upload_base)
        self._lock = threading.Lock()
        self._calls: list[SlackCall] = []
        self._faults = FaultQueue(match_prefix=False)
        self._delays: dict[str, float] = {}
        self._pace_seconds = 0.0
        self._last_post: dict[str, float] = {}
        self.paced_429s = 0
        self._scopes: tuple[str, ...] = tuple(BOT_SCOPES)
        self._refused_tokens: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"{self.origin}/api/"

    def _upload_base(self) -> str:
        return f"{self.origin}/upload/"

    # -- inspection ------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[SlackCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[SlackCall]:
        return [call for call in self.calls if call.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Return messages as they stand now (after updates), oldest first; a user id means their DM."""
        return self.state.messages(channel)

    def ephemerals(self, channel: str | None = None) -> list[dict[str, Any]]:
        return self.state.ephemeral_messages(channel)

    def files(self) -> list[dict[str, Any]]:
        return self.state.completed_files()

    def views(self) -> dict[str, dict[str, Any]]:
        return self.state.all_views()

    def home(self, user_id: str) -> dict[str, Any] | None:
        return self.state.home_views.get(user_id)

    def dm_channel(self, user_id: str) -> str:
        return self.state.dm_channel(user_id)

    # -- set-up ----------------------------------------------------------------------------------------

    def add_user(
        self, user_id: str, name: str = "", real_name: str = "", tz: str = "Europe/London", deleted: bool = False
    ) -> None:
        """Make `user_id` known to `users.info`; other ids answer user_not_found."""
        user = {"id": user_id, "name": name or user_id.lower(), "real_name": real_name, "tz": tz, "deleted": deleted}
        self.state.users[user_id] = user

    def set_usergroup(self, usergroup_id: str, user_ids: list[str]) -> None:
        self.state.usergroups[usergroup_id] = list(user_ids)

    def set_members(self, channel: str, user_ids: list[str]) -> None:
        """Make `user_ids` the members of `channel` (`conversations.members`); other channels are not found."""
        self.state.members[channel] = list(user_ids)

    def set_scopes(self, scopes: list[str]) -> None:
        """Grant the bot token these scopes, reported in `auth.test`'s `x-oauth-scopes` header."""
        self._scopes = tuple(scopes)

    def refuse_token(self, token: str, error: str = "invalid_auth") -> None:
        """Answer every call made with `token` with `error` (invalid_auth, token_revoked, account_inactive...)."""
        self._refused_tokens[token] = error

    def reset(self) -> None:
        """Forget calls, messages, views, files and faults; users, usergroups and members stay."""
        with self._lock:
            self._calls.clear()
            self._delays.clear()
            self._last_post.clear()
            self._pace_seconds = 0.0
            self.paced_429s = 0
        self._faults.clear()
        self.state.clear()

    # -- fault injection -------------------------------------------------------------------------------

    def fail_next(self, method: str, status: int = 429, retry_after: int | None = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `status` (429 carries `Retry-After`)."""
        self._faults.add(method, Fault("status", status=status, retry_after=retry_after), times)

    def delay(self, method: str, seconds: float) -> None:
        """Answer every call of `method` after `seconds` (0 removes the delay)."""
        with self._lock:
            self._delays[method] = seconds

    def reset_after_accept(self, method: str, times: int = 1) -> None:
        """Apply the next `times` calls of `method`, then drop the connection without answering."""
        self._faults.add(method, Fault("reset"), times)

    def pace_per_channel(self, seconds: float) -> None:
        """Answer 429 to chat.postMessage sent to a channel within `seconds` of its last post (0 turns off)."""
        with self._lock:
            self._pace_seconds = seconds
            self._last_post.clear()

    # -- serving ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/upload/"):
            ok = self.state.receive_upload(request.path.removeprefix("/upload/"), request.body)
            return Reply(status=200 if ok else 404, body={"ok": ok})
        method = request.path.removeprefix("/api/")
        try:
            params = _decode(request.params())
        except (ValueError, UnicodeDecodeError):
            return self._answer(method, {}, Reply(body={"ok": False, "error": "invalid_json"}))
        self.pause(self._delays.get(method, 0.0))
        token = request.bearer_token() or str(params.get("token") or "")
        refusal = self._token_error(method, token)
        if refusal:
            return self._answer(method, params, Reply(body={"ok": False, "error": refusal}))
        fault = self._faults.take(method, ("status",))
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            body = {"ok": False, "error": "ratelimited" if fault.status == 429 else "internal_error"}
            return self._answer(method, params, Reply(status=fault.status, body=body, headers=headers))
        paced = self._paced_retry_after(method, params)
        if paced is not None:
            reply = Reply(status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": paced})
            return self._answer(method, params, reply)
        reply = Reply(body=self.state.dispatch(method, params))
        if method == "auth.test":
            reply.headers["x-oauth-scopes"] = ",".join(self._scopes)
        if self._faults.take(method, ("reset",)) is not None:
            reply.drop = True
        return self._answer(method, params, reply)

    def _token_error(self, method: str, token: str) -> str:
        """Refuse as Slack does: no token, a refused one, or an app token where a bot token belongs (and back)."""
        if not token:
            return "not_authed"
        if token in self._refused_tokens:
            return self._refused_tokens[token]
        if token.startswith("xapp-") != (method == "apps.connections.open"):
            return "not_allowed_token_type"
        return ""

    def _paced_retry_after(self, method: str, params: dict[str, Any]) -> str | None:
        if method != "chat.postMessage":
            return None
        channel = self.state.resolve_channel(str(params.get("channel") or ""))
        with self._lock:
            if self._pace_seconds <= 0:
                return None
            now = time.monotonic()
            wait = self._last_post.get(channel, float("-inf")) + self._pace_seconds - now
            if wait > 0:
                self.paced_429s += 1
                return str(max(1, int(wait + 0.999)))
            self._last_post[channel] = now
        return None

    def _answer(self, method: str, params: dict[str, Any], reply: Reply) -> Reply:
        if reply.drop:
            outcome = "reset"
        elif reply.status != 200:
            outcome = str(reply.status)
        else:
            outcome = "ok" if reply.body.get("ok") else str(reply.body.get("error"))
        with self._lock:
            self._calls.append(SlackCall(method=method, params=params, time=time.time(), outcome=outcome))
        return reply


def _decode(params: dict[str, Any]) -> dict[str, Any]:
    """Parse the JSON-valued fields slack_sdk sends as strings in form bodies."""
    decoded = dict(params)
    for name in JSON_FIELDS:
        value = decoded.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            decoded[name] = json.loads(value)
    return decoded
