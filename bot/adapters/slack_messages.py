"""The one way the jobs talk to Slack: post with metadata, find a message by its metadata, read, edit and upload.

Every Web API refusal leaves here as `SlackRefused` (the project's `UpstreamError`), carrying Slack's error code,
HTTP status and `Retry-After`, so no job needs slack_sdk to decide whether to retry, park or skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.ids import MetadataType
from bot.core.errors import SlackRefused

Message = dict[str, Any]
Matches = Callable[[Message], bool]


def metadata_of(message: Message) -> tuple[str, dict[str, Any]]:
    """A message's metadata event type and payload, empty when it carries none."""
    meta = message.get("metadata") or {}
    return str(meta.get("event_type", "")), meta.get("event_payload") or {}


def metadata(event_type: MetadataType, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Slack's message metadata for one of our event types."""
    return {"event_type": event_type.value, "event_payload": dict(payload)}


@contextmanager
def _translated() -> Iterator[None]:
    """Turn a Slack Web API refusal into `SlackRefused`."""
    try:
        yield
    except SlackApiError as exc:
        headers = exc.response.headers or {}
        retry = headers.get("Retry-After", headers.get("retry-after"))
        raise SlackRefused(
            str(exc.response.get("error", "")), exc.response.status_code, None if retry is None else float(retry)
        ) from exc


class SlackMessages:
    """Messages in Slack channels through one WebClient; refusals raise `SlackRefused`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post(
        self, channel: str, message: Mapping[str, Any], meta: Mapping[str, Any] | None = None, **options: Any
    ) -> str:
        """Post `message` (text, blocks, …) without unfurls, with `meta` as its metadata; return its ts."""
        extra: dict[str, Any] = {"metadata": dict(meta)} if meta is not None else {}
        with _translated():
            reply = self._client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **message, **extra, **options
            )
        return str(reply["ts"])

    def post_card(self, channel: str, message: Mapping[str, Any], meta: Mapping[str, Any]) -> tuple[str, str]:
        """Post a card; return the channel id Slack answered with and the card's ts."""
        with _translated():
            reply = self._client.chat_postMessage(
                channel=channel, metadata=dict(meta), unfurl_links=False, unfurl_media=False, **message
            )
        return str(reply["channel"]), str(reply["ts"])

    def find(self, channel: str, oldest: float, matches: Matches, pages: int) -> Message | None:
        """The first message in `channel` since `oldest` (epoch seconds) that `matches`, reading at most `pages`."""
        cursor = None
        for _ in range(pages):
            with _translated():
                page: Any = self._client.conversations_history(
                    channel=channel, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=200, cursor=cursor
                )
            for message in page.get("messages", []):
                if matches(message):
                    return dict(message)
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def read(self, channel: str, ts: str) -> Message | None:
        """The message at `ts` in `channel` as Slack holds it now, or None when it is gone."""
        with _translated():
            page: Any = self._client.conversations_history(
                channel=channel, oldest=ts, latest=ts, inclusive=True, limit=1
            )
        found = [m for m in page.get("messages", []) if m.get("ts") == ts]
        return dict(found[0]) if found else None

    def update(self, channel: str, ts: str, message: Mapping[str, Any]) -> None:
        """Replace the message at `ts` with `message` (text, blocks)."""
        with _translated():
            self._client.chat_update(channel=channel, ts=ts, **message)

    def permalink(self, channel: str, ts: str) -> str:
        with _translated():
            return str(self._client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])

    def thread_has_file(self, channel: str, ts: str) -> bool:
        """Whether any reply in the thread under `ts` carries a file."""
        with _translated():
            page: Any = self._client.conversations_replies(channel=channel, ts=ts, limit=50)
        return any(m.get("files") for m in page.get("messages", []) if m.get("ts") != ts)

    def upload(self, channel: str, thread_ts: str, file: bytes, filename: str, title: str, alt_txt: str) -> None:
        """Upload a file as a reply in the thread under `thread_ts`."""
        with _translated():
            self._client.files_upload_v2(
                channel=channel, thread_ts=thread_ts, file=file, filename=filename, title=title, alt_txt=alt_txt
            )

    def tell(self, user: str, channel: str, text: str) -> None:
        """Tell `user` something only they see: in `channel` when the bot is there, else by direct message."""
        if channel:
            try:
                with _translated():
                    self._client.chat_postEphemeral(channel=channel, user=user, text=text)
                return
            except SlackRefused:
                pass
        with _translated():
            self._client.chat_postMessage(channel=user, text=text, unfurl_links=False, unfurl_media=False)
