"""Draw platform requests in Slack: the review card in the requests channel and the requester's DM."""

from __future__ import annotations

from bot.adapters.slack_messages import SlackMessages
from bot.blocks.platform_request import build_card_metadata, build_requester_dm, build_review_card
from bot.core.platform_requests import PlatformRequest


class SlackRequestPublisher:
    """Review cards and requester DMs through the one Slack messaging adapter; refusals raise `SlackRefused`."""

    def __init__(self, client: SlackMessages) -> None:
        self._client = client

    def post_card(self, channel: str, request: PlatformRequest, team_name: str) -> tuple[str, str]:
        """Post the review card with the request's metadata; return where Slack put it."""
        text, blocks = build_review_card(request, team_name)
        return self._client.post_card(channel, {"text": text, "blocks": blocks}, build_card_metadata(request))

    def redraw_card(self, request: PlatformRequest, team_name: str) -> None:
        """Redraw the review card in place, keeping its metadata."""
        text, blocks = build_review_card(request, team_name)
        card = {"text": text, "blocks": blocks, "metadata": build_card_metadata(request)}
        self._client.update(request.card_channel, request.card_ts, card)

    def tell_requester(self, request: PlatformRequest) -> None:
        """DM the requester where their request stands."""
        text, blocks = build_requester_dm(request)
        self._client.post(request.requester, {"text": text, "blocks": blocks})
