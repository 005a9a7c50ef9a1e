"""An in-memory `RequestPublisher` for core tests: remembers what would have been shown in Slack."""

from __future__ import annotations

from bot.core.platform_requests import PlatformRequest


class ShownRequests:
    """Each review card posted or redrawn, and each DM, as (what, request id, state) in order."""

    def __init__(self, channel_id: str = "C0REQUESTS1") -> None:
        self.channel_id = channel_id
        self.shown: list[tuple[str, str, str]] = []

    def post_card(self, channel: str, request: PlatformRequest, team_name: str) -> tuple[str, str]:
        self.shown.append(("card", request.id, request.state))
        return self.channel_id, f"1700000000.{len(self.shown):06d}"

    def redraw_card(self, request: PlatformRequest, team_name: str) -> None:
        self.shown.append(("redraw", request.id, request.state))

    def tell_requester(self, request: PlatformRequest) -> None:
        self.shown.append(("dm", request.id, request.state))
