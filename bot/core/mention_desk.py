"""The use case behind a mention card's buttons: check who may, change the record atomically, audit, redraw.

Who may act is decided at click time by `Gatekeeper`, inside the same compare-and-set as the change, so a card
that turns urgent between the lookup and the write is judged as it is when written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core import mention_actions as moves
from bot.core.corrections import CorrectionLog, Label, correction
from bot.core.errors import CommsDeskError, InvalidInput
from bot.core.gatekeeper import Gatekeeper
from bot.core.mention_actions import Move
from bot.core.ports import Audit
from bot.core.tracking import CardRef, Change, TrackedMention

AUDIT_NAMES = {
    Move.CLAIM: "mention.claimed",
    Move.RELEASE: "mention.released",
    Move.MARK_REPLIED: "mention.marked_replied",
    Move.NO_REPLY_NEEDED: "mention.no_reply_needed",
    Move.REOPEN: "mention.reopened",
    Move.REASSIGN: "mention.reassigned",
    Move.ESCALATE: "mention.escalated",
    Move.CONFIRM_URGENT: "mention.confirmed_urgent",
    Move.NOT_URGENT: "mention.not_urgent",
    Move.RECATEGORISE: "mention.recategorised",
}


# What each move teaches triage: the label it sets and its value ("" means the move's argument).
LESSONS: dict[Move, tuple[Label, str]] = {
    Move.CONFIRM_URGENT: (Label.URGENT, "true"),
    Move.NOT_URGENT: (Label.URGENT, "false"),
    Move.ESCALATE: (Label.URGENT, "true"),
    Move.REASSIGN: (Label.ROUTE, ""),
    Move.NO_REPLY_NEEDED: (Label.NEEDS_REPLY, "false"),
    Move.RECATEGORISE: (Label.CATEGORY, ""),
}


class MentionRepository(Protocol):
    """Where tracked mentions live; `update` is a compare-and-set that writes nothing when `change` raises."""

    def get(self, tweet_id: str) -> TrackedMention | None: ...

    def update(self, tweet_id: str, change: Change) -> TrackedMention: ...


class CardPublisher(Protocol):
    """The Slack messages that show a mention."""

    def refresh(self, tracked: TrackedMention) -> None:
        """Redraw every card of `tracked` in place."""

    def post_escalation(self, tracked: TrackedMention) -> CardRef:
        """Post a control-room card for `tracked` and say where it went."""

    def post_team_card(self, tracked: TrackedMention) -> CardRef | None:
        """Post a card in the channel of the mention's route unless one is already there."""


@dataclass(frozen=True)
class MentionPolicy:
    """The desk config's say over card work: how long a claim lasts and which teams exist."""

    claim_expiry: timedelta
    team_keys: frozenset[str]
    reply_sla: timedelta = timedelta(hours=1)


class MentionDesk:
    """Card actions for listeners: every change access-checked, compare-and-set, audited (refusals too), redrawn."""

    def __init__(
        self,
        repository: MentionRepository,
        cards: CardPublisher,
        audit: Audit,
        policy: MentionPolicy,
        gate: Gatekeeper,
        corrections: CorrectionLog,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._repo = repository
        self._cards = cards
        self._audit = audit
        self._corrections = corrections
        self.policy = policy
        self._gate = gate
        self._clock = clock

    def act(
        self, tweet_id: str, action: Move, actor: str, now: datetime | None = None, *, team: str = "", channel: str = ""
    ) -> TrackedMention:
        """Apply `action` by `actor` clicking in `channel`; raise Conflict/Forbidden/NotFound (audited) to refuse.

        `team` is the argument of a choice: the team of a reassign, the category of a recategorise.
        """
        at = now or self._clock()
        name = AUDIT_NAMES[action]
        detail = {"team": team} if action is Move.REASSIGN else {"category": team} if team else {}
        read: list[TrackedMention] = []  # the record the winning compare-and-set changed, for the lesson

        def change_admitted(tracked: TrackedMention) -> TrackedMention:
            read[:] = [tracked]
            return change(self._gate.admit(roles, tracked, channel, action))

        try:
            change = self._change(action, actor, at, team)
            roles = self._gate.card_roles(actor, channel)
            updated = self._repo.update(tweet_id, change_admitted)
        except CommsDeskError as refusal:
            refused = {"refused": type(refusal).__name__.lower(), "channel": channel}
            self._audit(actor, name + ".refused", tweet_id, why=str(refusal), **refused, **detail)
            raise
        self._audit(actor, name, tweet_id, state=updated.state.value, route=updated.route, **detail)
        self._learn(read[0], action, actor, at, team)
        if action is Move.ESCALATE:
            updated = self._add_card(tweet_id, self._post_escalation(updated, actor))
        elif action in (Move.REASSIGN, Move.NOT_URGENT) and (card := self._cards.post_team_card(updated)) is not None:
            updated = self._add_card(tweet_id, card)
        self._cards.refresh(updated)
        return updated

    def _learn(self, before: TrackedMention, action: Move, actor: str, at: datetime, argument: str) -> None:
        """Keep what a move says about triage's labels as a correction, when it says anything."""
        said = LESSONS.get(action)
        if said is None or (action is Move.NO_REPLY_NEEDED and not before.decision.needs_reply):
            return
        label, value = said
        if fix := correction(before, label, value or argument, actor, at):
            self._corrections.record(fix)

    def _post_escalation(self, tracked: TrackedMention, actor: str) -> CardRef:
        """Post the control-room card first of all; if Slack refuses, undo the escalation so it can be retried."""
        try:
            return self._cards.post_escalation(tracked)
        except CommsDeskError as failure:
            self._repo.update(tracked.mention.id, lambda t: t.model_copy(update={"escalated_by": ""}))
            self._audit(actor, "mention.escalated.undone", tracked.mention.id, why=str(failure))
            raise

    def _change(self, action: Move, actor: str, now: datetime, team: str) -> Change:
        if action is Move.CLAIM:
            return lambda t: moves.claim(t, actor, now, self.policy.claim_expiry)
        if action is Move.REASSIGN:
            if not team:
                raise InvalidInput({"team": "Choose the team to pass this mention to."})
            return lambda t: moves.reassign(t, actor, now, team, self.policy.team_keys)
        if action is Move.RECATEGORISE:
            return lambda t: moves.recategorise(t, actor, now, team)
        if action is Move.NOT_URGENT:
            return lambda t: moves.not_urgent(t, actor, now, self.policy.team_keys, self.policy.reply_sla)
        simple = {
            Move.RELEASE: moves.release,
            Move.MARK_REPLIED: moves.mark_replied,
            Move.NO_REPLY_NEEDED: moves.no_reply_needed,
            Move.REOPEN: moves.reopen,
            Move.ESCALATE: moves.escalate,
            Move.CONFIRM_URGENT: moves.confirm_urgent,
        }[action]
        return lambda t: simple(t, actor, now)

    def _add_card(self, tweet_id: str, card: CardRef) -> TrackedMention:
        """Remember a newly posted card so later changes redraw it too."""

        def add(tracked: TrackedMention) -> TrackedMention:
            if card in tracked.cards:
                return tracked
            return tracked.model_copy(update={"cards": (*tracked.cards, card)})

        return self._repo.update(tweet_id, add)
