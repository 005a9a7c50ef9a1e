"""The App Home tab: the user's platform requests and, for approvers, the pending queue."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.platform_request import build_home
from bot.core.request_flow import PlatformRequests


def publish_home(event: dict[str, Any], client: WebClient, platform_requests: PlatformRequests) -> None:
    """Publish the Home tab when the user opens it."""
    if event.get("tab", "home") != "home":
        return
    user = event["user"]
    mine, pending = platform_requests.listing(user)
    policy = platform_requests.policy
    client.views_publish(user_id=user, view=build_home(mine, pending, dict(policy.teams), platform_requests.now()))
