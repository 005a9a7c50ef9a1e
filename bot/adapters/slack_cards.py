"""Draw mention cards in Slack: redraw or redact every message that shows a mention, post control-room and team cards.

A mention shows in its actionable cards (redrawn in full), in SLA notices that point at them (static until
redacted), and as one line of a message listing many (a surge summary or a digest backlog): there only its line
changes, read back from Slack and written under a per-message lock so two workers never lose each other's edit.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.adapters.slack_messages import SlackMessages, metadata
from bot.blocks.ids import MetadataType
from bot.blocks.lines import Block, removed_line, replace_lines
from bot.blocks.mention_card import build_mention_card, build_redacted_card
from bot.blocks.surge import build_summary_line
from bot.core.desk import TeamView
from bot.core.errors import SlackRefused, UpstreamError
from bot.core.models import CONTROL_ROOM, DESK
from bot.core.tracking import CardRef, CardRole, TrackedMention

Lock = Callable[[str], AbstractContextManager[bool]]  # lock(name) yields True while this caller holds it
LINE_LOCK_SECONDS = 30  # how long a line edit may hold its message: longer than two Slack calls with their timeouts
LOCK_TRIES = 25
LOCK_PAUSE_SECONDS = 0.2


@contextmanager
def _unlocked(name: str) -> Iterator[bool]:
    """Lock for a single process (tests, the CLI): nobody else edits the message."""
    yield True


class CardChannels(Protocol):
    """What the publisher needs of the desk config: the teams and where each route posts."""

    @property
    def teams(self) -> Sequence[TeamView]: ...

    def channel_for(self, route: str) -> str: ...


class SlackCardPublisher:
    """Mention cards through the Web API; a card deleted in Slack is skipped, any other failure is UpstreamError."""

    def __init__(
        self,
        client: SlackMessages,
        desk: CardChannels,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        lock: Lock = _unlocked,
    ) -> None:
        self._client = client
        self._desk = desk
        self._now = now
        self._lock = lock

    def refresh(self, tracked: TrackedMention) -> None:
        """Redraw every card of `tracked` and its line in any summary; try them all before reporting a failure.

        SLA notices stay as posted (they point at the card) and digest lines are the morning's snapshot.
        """
        failed: list[str] = []
        for card in tracked.cards:
            try:
                if card.role.is_card:
                    payload = build_mention_card(tracked, card.role, self._desk.teams, self._now())
                    self._client.update(card.channel, card.ts, payload)
                elif card.role is CardRole.SUMMARY:
                    self._edit_lines(card, {tracked.mention.id: build_summary_line(tracked)})
            except SlackRefused as exc:
                if not exc.gone:
                    failed.append(f"{card.channel}: {exc.error or 'no answer'}")
        if failed:
            raise UpstreamError("Saved, but Slack did not redraw every card (" + "; ".join(failed) + ").")

    def redact(self, cards: Mapping[str, Sequence[CardRef]], reason: str) -> dict[str, int]:
        """Remove each mention from every message that shows it; return, per tweet id, how many Slack refused.

        Cards and notices become the removal notice; in a message listing many mentions only their lines become
        "(removed)", one edit per message however many of its mentions go at once.
        """
        failed = dict.fromkeys(cards, 0)
        lines: dict[CardRef, list[str]] = defaultdict(list)
        for tweet_id, refs in cards.items():
            for ref in refs:
                if ref.role.is_line:
                    lines[CardRef(channel=ref.channel, ts=ref.ts, role=ref.role)].append(tweet_id)
                else:
                    notice = build_redacted_card(tweet_id, reason)
                    failed[tweet_id] += not self._done(self._client.update, ref.channel, ref.ts, notice)
        for message, tweet_ids in lines.items():
            removed = {tweet_id: removed_line(tweet_id) for tweet_id in tweet_ids}
            if not self._done(self._edit_lines, message, removed):
                for tweet_id in tweet_ids:
                    failed[tweet_id] += 1
        return failed

    @staticmethod
    def _done(call: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
        """Make one Slack edit; True when done or when the message is gone (nothing left to change)."""
        try:
            call(*args, **kwargs)
        except SlackRefused as exc:
            return exc.gone
        except UpstreamError:
            return False
        return True

    def _edit_lines(self, message: CardRef, lines: Mapping[str, Block]) -> None:
        """Replace the lines of these mentions in one message, leaving the rest of it as posted."""
        name = f"message:{message.channel}:{message.ts}"
        for _ in range(LOCK_TRIES):
            with self._lock(name) as mine:
                if mine:
                    self._replace_lines(message, lines)
                    return
            time.sleep(LOCK_PAUSE_SECONDS)
        raise UpstreamError(f"Another worker kept editing the message {message.ts} in {message.channel}; try again.")

    def _replace_lines(self, message: CardRef, lines: Mapping[str, Block]) -> None:
        found = self._client.read(message.channel, message.ts)
        if found is None:
            return
        blocks = replace_lines(found.get("blocks") or [], lines)
        if blocks is not None:
            self._client.update(message.channel, message.ts, {"text": str(found.get("text", "")), "blocks": blocks})

    def post_escalation(self, tracked: TrackedMention) -> CardRef:
        """Post the control-room card of an escalated mention."""
        return self._post(tracked, CardRole.CONTROL_ROOM, self._desk.channel_for(CONTROL_ROOM))

    def post_team_card(self, tracked: TrackedMention) -> CardRef | None:
        """Post a card where the mention's route lives now, unless a card is already in that channel."""
        channel = self._desk.channel_for(tracked.route)
        if any(card.channel == channel for card in tracked.cards):
            return None
        role = CardRole.DESK if tracked.route == DESK else CardRole.TEAM
        return self._post(tracked, role, channel)

    def _post(self, tracked: TrackedMention, role: CardRole, channel: str) -> CardRef:
        payload = build_mention_card(tracked, role, self._desk.teams, self._now())
        route = role if role == CONTROL_ROOM else tracked.route
        meta = metadata(MetadataType.MENTION, {"tweet_id": tracked.mention.id, "route": route})
        try:
            posted_in, ts = self._client.post_card(channel, payload, meta)
        except SlackRefused as exc:
            raise UpstreamError(f"Slack refused the card for {channel}: {exc.error or 'no answer'}") from None
        return CardRef(channel=posted_in, ts=ts, role=role)
