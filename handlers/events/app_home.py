"""The App Home tab: the open mentions the user may see, their platform requests and, for approvers, the queue."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.commsdesk import build_home_queue
from bot.blocks.platform_request import build_home
from bot.core.desk_status import DeskViews
from bot.core.request_flow import PlatformRequests


def publish_home(
    event: dict[str, Any], client: WebClient, platform_requests: PlatformRequests, desk_views: DeskViews
) -> None:
    """Publish the Home tab when the user opens it."""
    if event.get("tab", "home") != "home":
        return
    user = event["user"]
    mine, pending = platform_requests.listing(user)
    teams = dict(platform_requests.policy.teams)
    queue = build_home_queue(desk_views.queue(user))
    client.views_publish(user_id=user, view=build_home(mine, pending, teams, platform_requests.now(), queue))
