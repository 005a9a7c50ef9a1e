"""The Slack app manifest asks for exactly the scopes the code uses, and lets requesters read the bot's DMs."""

from __future__ import annotations

import re

from bot.slack_scopes import BOT_SCOPES
from tests.conftest import REPO

MANIFEST = (REPO / "config" / "slack_manifest.yml").read_text(encoding="utf-8")


def _bot_scopes(manifest: str) -> list[str]:
    block = manifest.split("\n    bot:", 1)[1].split("\nsettings:", 1)[0]
    return re.findall(r"^\s+- ([a-z:._]+)", block, re.MULTILINE)


def test_the_manifest_asks_for_exactly_the_scopes_the_code_uses() -> None:
    assert sorted(_bot_scopes(MANIFEST)) == sorted(BOT_SCOPES)


def test_the_messages_tab_is_open_so_requesters_can_read_their_dms() -> None:
    assert "messages_tab_enabled: true" in MANIFEST
    assert "messages_tab_read_only_enabled: false" in MANIFEST
