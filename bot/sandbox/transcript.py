"""Render what each Slack channel of the sandbox received, as a person would read it in a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.sandbox.slack_api import SlackSandbox


def _block_lines(block: Mapping[str, Any]) -> Iterable[str]:
    kind = block.get("type")
    if kind in ("header", "section"):
        if block.get("text"):
            yield str(block["text"].get("text", ""))
        for field in block.get("fields") or []:
            yield str(field.get("text", ""))
    elif kind == "context":
        yield " ".join(str(e.get("text", "")) for e in block.get("elements", []) if "text" in e)
    elif kind == "actions":
        labels = [str((e.get("text") or e.get("placeholder") or {}).get("text", "")) for e in block.get("elements", [])]
        yield "[ " + " ] [ ".join(label for label in labels if label) + " ]"
    elif kind == "image":
        yield f"(image: {block.get('alt_text', '')})"


def render_message(message: Mapping[str, Any], indent: str = "  ") -> str:
    """Render one message's blocks (or its text when it has none) line by line."""
    lines = [line for block in message.get("blocks") or [] for line in _block_lines(block)]
    if not lines:
        lines = [str(message.get("text", ""))]
    meta = message.get("metadata") or {}
    if meta:
        lines.append(f"(metadata {meta.get('event_type')} {meta.get('event_payload')})")
    body = "\n".join(f"{indent}{part}" for line in lines for part in line.splitlines() if part.strip())
    return body


def render_channels(slack: SlackSandbox, names: Mapping[str, str]) -> str:
    """Render every channel in `names` (id → label) that received messages, threads indented beneath."""
    out: list[str] = []
    for channel, label in names.items():
        messages = slack.messages(channel)
        if not messages:
            continue
        out.append(f"\n=== {label} ({channel}): {len(messages)} message(s) ===")
        for message in (m for m in messages if not m.get("thread_ts") or m.get("thread_ts") == m.get("ts")):
            out.append(render_message(message))
            for reply in (m for m in messages if m.get("thread_ts") == message.get("ts") and m is not message):
                out.append("    ↳ thread reply:\n" + render_message(reply, indent="      "))
            out.append("  " + "-" * 60)
    for upload in slack.files():
        out.append(
            f"\n=== file uploaded to {upload.get('channel_id')}: {upload.get('title')} "
            f"({len(upload.get('content', b''))} bytes; alt: {upload.get('alt_txt', '')})"
        )
    return "\n".join(out)
