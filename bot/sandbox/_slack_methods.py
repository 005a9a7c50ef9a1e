"""The Slack stand-in's state and the Web API methods the bot uses, applied under one lock."""

from __future__ import annotations

import copy
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

MESSAGE_FIELDS = ("text", "blocks", "attachments", "metadata", "thread_ts", "unfurl_links", "unfurl_media", "mrkdwn")
Answer = dict[str, Any]


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _in_channel(message: dict[str, Any]) -> bool:
    """Tell whether a message shows in the channel: not a thread reply, unless it was broadcast."""
    return message.get("thread_ts", message["ts"]) == message["ts"] or message.get("subtype") == "thread_broadcast"


class SlackState:
    """Channels, messages, views, users and files of one sandbox workspace."""

    def __init__(self, team_id: str, bot_user_id: str, upload_base: Callable[[], str]) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self._upload_base = upload_base
        self._lock = threading.RLock()
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.members: dict[str, list[str]] = {}  # channel -> member user ids; a channel not here is not found
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._channels: dict[str, list[dict[str, Any]]] = {}
            self._ephemerals: list[dict[str, Any]] = []
            self._views: dict[str, dict[str, Any]] = {}
            self.home_views: dict[str, dict[str, Any]] = {}
            self._uploads: dict[str, dict[str, Any]] = {}
            self._ids = itertools.count(1)
            self._last_ts = 0.0

    # -- helpers ---------------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        self._last_ts = max(round(time.time(), 6), round(self._last_ts + 0.000001, 6))
        return f"{self._last_ts:.6f}"

    def dm_channel(self, user_id: str) -> str:
        return f"D{user_id[1:]}" if user_id.startswith(("U", "W")) else user_id

    def resolve_channel(self, channel: str) -> str:
        return self.dm_channel(channel) if channel.startswith(("U", "W")) else channel

    def messages(self, channel: str | None) -> list[dict[str, Any]]:
        with self._lock:
            if channel is not None:
                return copy.deepcopy(self._channels.get(self.resolve_channel(channel), []))
            return copy.deepcopy([m for msgs in self._channels.values() for m in msgs])

    def ephemeral_messages(self, channel: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy([m for m in self._ephemerals if channel in (None, m["channel"])])

    def completed_files(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy([f for f in self._uploads.values() if f.get("completed")])

    def all_views(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._views)

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self._channels.get(channel, []) if m["ts"] == ts), None)

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None:
                return False
            upload["content"] = content
            return True

    # -- methods ---------------------------------------------------------------------------------------

    def dispatch(self, method: str, params: dict[str, Any]) -> Answer:
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        with self._lock:
            answer: Answer = handler(params)
            return answer

    def _auth_test(self, p: dict[str, Any]) -> Answer:
        return {
            "ok": True,
            "url": "https://sandbox.slack.test/",
            "team": "Sandbox",
            "team_id": self.team_id,
            "user": "commsdesk",
            "user_id": self.bot_user_id,
            "bot_id": "B0BOT",
        }

    def _chat_postMessage(self, p: dict[str, Any]) -> Answer:
        channel = self.resolve_channel(str(p.get("channel") or ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (p.get("text") or p.get("blocks") or p.get("attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        message: dict[str, Any] = {"type": "message", "ts": ts, "channel": channel, "user": self.bot_user_id}
        message.update({k: p[k] for k in MESSAGE_FIELDS if k in p})
        for flag in ("unfurl_links", "unfurl_media"):
            if flag in message:
                message[flag] = _flag(message[flag])
        if str(message.get("thread_ts") or "") == "":
            message.pop("thread_ts", None)
        else:
            self._reply_to(channel, message, _flag(p.get("reply_broadcast")))
        self._channels.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _reply_to(self, channel: str, reply: dict[str, Any], broadcast: bool) -> None:
        """Thread `reply` under its parent as Slack does: the parent counts it; a broadcast shows in the channel."""
        parent = self._find(channel, str(reply["thread_ts"]))
        if parent is not None and parent.get("thread_ts", parent["ts"]) != parent["ts"]:
            parent = self._find(channel, str(parent["thread_ts"]))  # a reply to a reply joins the same thread
        if parent is not None:
            reply["thread_ts"] = parent["ts"]
            count = int(parent.get("reply_count", 0)) + 1
            parent.update(thread_ts=parent["ts"], reply_count=count, latest_reply=reply["ts"])
        if broadcast:
            reply["subtype"] = "thread_broadcast"

    def _chat_update(self, p: dict[str, Any]) -> Answer:
        channel = self.resolve_channel(str(p.get("channel") or ""))
        message = self._find(channel, str(p.get("ts") or ""))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.update({k: p[k] for k in ("text", "blocks", "attachments", "metadata") if k in p})
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"ok": True, "channel": channel, "ts": message["ts"], "text": message.get("text", "")}

    def _chat_delete(self, p: dict[str, Any]) -> Answer:
        """Delete a message; a parent with replies leaves Slack's tombstone so the thread stays readable."""
        channel, ts = self.resolve_channel(str(p.get("channel") or "")), str(p.get("ts") or "")
        message = self._find(channel, ts)
        if message is None or message.get("subtype") == "tombstone":
            return {"ok": False, "error": "message_not_found"}
        if message.get("reply_count"):
            kept = {k: message[k] for k in ("ts", "thread_ts", "reply_count", "latest_reply", "channel")}
            message.clear()
            message.update(kept, type="message", subtype="tombstone", text="This message was deleted.", hidden=True)
            return {"ok": True, "channel": channel, "ts": ts}
        self._channels[channel].remove(message)
        parent = self._find(channel, str(message.get("thread_ts") or "")) if message.get("thread_ts") != ts else None
        if parent is not None:
            thread = [m for m in self._channels[channel] if m is not parent and m.get("thread_ts") == parent["ts"]]
            replies = [m["ts"] for m in thread]
            parent["reply_count"] = len(replies)
            if replies:
                parent["latest_reply"] = replies[-1]
            else:
                for key in ("reply_count", "latest_reply", "thread_ts"):
                    parent.pop(key, None)
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_postEphemeral(self, p: dict[str, Any]) -> Answer:
        ts = self._next_ts()
        entry = {"channel": str(p.get("channel") or ""), "user": str(p.get("user") or ""), "ts": ts}
        entry.update({k: p[k] for k in ("text", "blocks", "thread_ts") if k in p})
        self._ephemerals.append(entry)
        return {"ok": True, "message_ts": ts}

    def _chat_getPermalink(self, p: dict[str, Any]) -> Answer:
        channel, ts = self.resolve_channel(str(p.get("channel") or "")), str(p.get("message_ts") or "")
        if self._find(channel, ts) is None:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://sandbox.slack.test/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _conversations_history(self, p: dict[str, Any]) -> Answer:
        channel = self.resolve_channel(str(p.get("channel") or ""))
        oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or "inf")
        inclusive = _flag(p.get("inclusive"))
        visible = [m for m in self._channels.get(channel, []) if _in_channel(m)]

        def within(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        newest_first = [m for m in reversed(visible) if within(float(m["ts"]))]
        return self._page(newest_first, p, _flag(p.get("include_all_metadata")))

    def _conversations_replies(self, p: dict[str, Any]) -> Answer:
        channel, ts = self.resolve_channel(str(p.get("channel") or "")), str(p.get("ts") or "")
        if self._find(channel, ts) is None:
            return {"ok": False, "error": "thread_not_found"}
        thread = [m for m in self._channels.get(channel, []) if ts in (m["ts"], m.get("thread_ts"))]
        return self._page(thread, p, _flag(p.get("include_all_metadata")))

    def _page(self, items: list[dict[str, Any]], p: dict[str, Any], with_metadata: bool) -> Answer:
        start, limit = int(p.get("cursor") or 0), max(1, min(int(p.get("limit") or 100), 999))
        page = copy.deepcopy(items[start : start + limit])
        if not with_metadata:
            for message in page:
                message.pop("metadata", None)
        more = start + limit < len(items)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _conversations_members(self, p: dict[str, Any]) -> Answer:
        channel = str(p.get("channel") or "")
        if channel not in self.members:
            return {"ok": False, "error": "channel_not_found"}
        start, limit = int(p.get("cursor") or 0), max(1, min(int(p.get("limit") or 100), 1000))
        members = self.members[channel]
        more = start + limit < len(members)
        return {
            "ok": True,
            "members": list(members[start : start + limit]),
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _conversations_open(self, p: dict[str, Any]) -> Answer:
        users = [u for u in str(p.get("users") or "").split(",") if u]
        if len(users) != 1:
            return {"ok": False, "error": "users_list_not_supplied" if not users else "not_supported"}
        channel = self.dm_channel(users[0])
        self._channels.setdefault(channel, [])
        return {"ok": True, "channel": {"id": channel, "is_im": True, "user": users[0]}}

    def _store_view(self, view: Any, view_id: str | None = None) -> Answer:
        if not isinstance(view, dict) or "type" not in view:
            return {"ok": False, "error": "invalid_arguments"}
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = dict(view, id=view_id, team_id=self.team_id, hash=f"h{time.monotonic_ns()}")
        self._views[view_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _views_open(self, p: dict[str, Any]) -> Answer:
        if not p.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._store_view(p.get("view"))

    _views_push = _views_open

    def _views_update(self, p: dict[str, Any]) -> Answer:
        view_id = str(p.get("view_id") or "")
        if not view_id and p.get("external_id"):
            found = (k for k, v in self._views.items() if v.get("external_id") == p["external_id"])
            view_id = next(found, "")
        if view_id not in self._views:
            return {"ok": False, "error": "not_found"}
        return self._store_view(p.get("view"), view_id)

    def _views_publish(self, p: dict[str, Any]) -> Answer:
        answer = self._store_view(p.get("view"))
        if answer["ok"]:
            self.home_views[str(p.get("user_id") or "")] = answer["view"]
        return answer

    def _usergroups_users_list(self, p: dict[str, Any]) -> Answer:
        group = str(p.get("usergroup") or "")
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.usergroups[group])}

    def _users_info(self, p: dict[str, Any]) -> Answer:
        user = self.users.get(str(p.get("user") or ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": dict(user, team_id=self.team_id)}

    def _conversations_info(self, p: dict[str, Any]) -> Answer:
        channel = str(p.get("channel") or "")
        if channel not in self.members:
            return {"ok": False, "error": "channel_not_found"}
        is_member = self.bot_user_id in self.members[channel]
        info = {"id": channel, "name": channel.lower(), "is_private": channel.startswith("G"), "is_member": is_member}
        return {"ok": True, "channel": info}

    def _apps_connections_open(self, p: dict[str, Any]) -> Answer:
        return {"ok": True, "url": "wss://sandbox.slack.test/link/?ticket=sandbox"}

    def _files_getUploadURLExternal(self, p: dict[str, Any]) -> Answer:
        if not p.get("filename") or not p.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self._uploads[file_id] = {
            "id": file_id,
            "name": p["filename"],
            "alt_txt": p.get("alt_txt") or "",
            "length": int(p["length"]),
            "content": None,
            "completed": False,
        }
        return {"ok": True, "file_id": file_id, "upload_url": f"{self._upload_base()}{file_id}"}

    def _files_completeUploadExternal(self, p: dict[str, Any]) -> Answer:
        items = p.get("files")
        if not isinstance(items, list) or not items:
            return {"ok": False, "error": "invalid_arguments"}
        if any(self._uploads.get(str(i.get("id")), {}).get("content") is None for i in items):
            return {"ok": False, "error": "file_not_found"}
        channel = self.resolve_channel(str(p.get("channel_id") or ""))
        done = []
        for item in items:
            upload = self._uploads[str(item["id"])]
            upload.update(
                completed=True,
                title=item.get("title") or upload["name"],
                channel_id=channel,
                initial_comment=p.get("initial_comment") or "",
                thread_ts=p.get("thread_ts") or "",
            )
            done.append({"id": upload["id"], "title": upload["title"], "name": upload["name"]})
        if channel:
            message = {
                "type": "message",
                "ts": self._next_ts(),
                "channel": channel,
                "user": self.bot_user_id,
                "text": p.get("initial_comment") or "",
                "files": done,
            }
            self._channels.setdefault(channel, []).append(message)
        return {"ok": True, "files": done}
