"""The Slack bot-token scopes the code uses, each with the calls that need it: config/slack_manifest.yml matches this.

`commsdesk check` compares them with the scopes Slack reports for the token on `auth.test`, and a test keeps
the manifest equal to this list, so a scope is added here, in the manifest and in the code together.
"""

from __future__ import annotations

from collections.abc import Mapping

BOT_SCOPES: Mapping[str, str] = {
    "chat:write": "chat.postMessage, chat.update, chat.postEphemeral: cards, digests, requester DMs",
    "channels:history": "conversations.history/replies in public channels: reconcile cards and digests",
    "groups:history": "conversations.history/replies in private channels (e.g. the control room)",
    "channels:read": "conversations.info and conversations.members in public channels: `check`, access",
    "groups:read": "conversations.info and conversations.members in private channels",
    "commands": "/request-platform and /commsdesk",
    "files:write": "files.uploadV2: the digest chart",
    "usergroups:read": "usergroups.users.list: the approver user group and [access] user groups",
    "users:read": "users.info: `check` confirms each approver exists",
}
APP_TOKEN_SCOPE = "connections:write"  # the app-level token's scope: apps.connections.open for Socket Mode
