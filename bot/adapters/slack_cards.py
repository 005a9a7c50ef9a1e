"""Draw mention cards in Slack: redraw every card of a mention in place, post control-room and team cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.ids import MetadataType
from bot.blocks.mention_card import build_mention_card
from bot.core.desk import TeamView
from bot.core.errors import UpstreamError
from bot.core.models import CONTROL_ROOM, DESK
from bot.core.tracking import CardRef, TrackedMention

GONE = {"message_not_found", "channel_not_found", "cant_update_message"}


class CardChannels(Protocol):
    """What the publisher needs of the desk config: the teams and where each route posts."""

    @property
    def teams(self) -> Sequence[TeamView]: ...

    def channel_for(self, route: str) -> str: ...


class SlackCardPublisher:
    """Mention cards through the Web API; a card deleted in Slack is skipped, any other failure is UpstreamError."""

    def __init__(
        self, client: WebClient, desk: CardChannels, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._client = client
        self._desk = desk
        self._now = now

    def refresh(self, tracked: TrackedMention) -> None:
        """Redraw every card of `tracked` for its role; try them all before reporting a failure."""
        failed: list[str] = []
        for card in tracked.cards:
            payload = build_mention_card(tracked, card.role, self._desk.teams, self._now())
            try:
                self._client.chat_update(channel=card.channel, ts=card.ts, **payload)
            except SlackApiError as exc:
                error = str(exc.response.get("error", ""))
                if error not in GONE:
                    failed.append(f"{card.channel}: {error or 'no answer'}")
        if failed:
            raise UpstreamError("Saved, but Slack did not redraw every card (" + "; ".join(failed) + ").")

    def post_escalation(self, tracked: TrackedMention) -> CardRef:
        """Post the control-room card of an escalated mention."""
        return self._post(tracked, CONTROL_ROOM, self._desk.channel_for(CONTROL_ROOM))

    def post_team_card(self, tracked: TrackedMention) -> CardRef | None:
        """Post a card where the mention's route lives now, unless a card is already in that channel."""
        channel = self._desk.channel_for(tracked.route)
        if any(card.channel == channel for card in tracked.cards):
            return None
        role = DESK if tracked.route == DESK else "team"
        return self._post(tracked, role, channel)

    def _post(self, tracked: TrackedMention, role: str, channel: str) -> CardRef:
        payload = build_mention_card(tracked, role, self._desk.teams, self._now())
        metadata: dict[str, Any] = {
            "event_type": MetadataType.MENTION.value,
            "event_payload": {"tweet_id": tracked.mention.id, "route": role if role == CONTROL_ROOM else tracked.route},
        }
        try:
            answer = self._client.chat_postMessage(
                channel=channel, metadata=metadata, unfurl_links=False, unfurl_media=False, **payload
            )
        except SlackApiError as exc:
            raise UpstreamError(
                f"Slack refused the card for {channel}: {exc.response.get('error', 'no answer')}"
            ) from None
        return CardRef(channel=str(answer["channel"]), ts=str(answer["ts"]), role=role)
