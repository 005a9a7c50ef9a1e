"""The use case behind the Reply button: who may reply from which account, the second look, approval, queueing.

Who may reply follows the access policy's `reply` rule: members of a team's channel reply from that team's
accounts, desk members from any desk account. The disclosure check flags; the person confirms ("send anyway"),
or, where `[reply] require_approval` says so, the draft goes to the desk for approval. Nothing reaches X or
Meta here: a reply is recorded as an intent with its outbox entry, and the worker sends it (`bot.jobs.send_replies`).

A Facebook or Instagram comment is answered as the page or account it was made on, and nothing else; its budget
is that platform's plain character count, not X's weighted one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.core import mention_actions as moves
from bot.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.core.gatekeeper import Gatekeeper
from bot.core.models import DESK, Platform
from bot.core.ports import Audit
from bot.core.replies.count import Budget, measure
from bot.core.replies.disclosure import Flag, check
from bot.core.replies.intents import IntentState, ReplyIntent, audit_text, fingerprint
from bot.core.replies.saved import SavedReply
from bot.core.tracking import TrackedMention

TEXT, ACCOUNT = "text", "account"  # the fields a refusal of the draft points at


class ReplyBook(Protocol):
    """Where reply intents live, one per mention; `update` is a compare-and-set that queues the send it starts."""

    def get(self, tweet_id: str) -> ReplyIntent | None: ...

    def start(self, intent: ReplyIntent) -> None:
        """Store `intent` (queueing its send when QUEUED); raise Conflict if a live one holds the mention."""

    def update(self, tweet_id: str, change: Callable[[ReplyIntent], ReplyIntent]) -> ReplyIntent: ...


class Mentions(Protocol):
    def get(self, tweet_id: str) -> TrackedMention | None: ...


@dataclass(frozen=True)
class ReplyAccount:
    """A desk account that may send replies, and the team it belongs to.

    X accounts go by their handle; a Facebook Page or Instagram account by its name, and `id` is its Graph id.
    """

    handle: str
    id: str
    team: str
    platform: Platform = Platform.X

    @property
    def link_key(self) -> str:
        """How `linked` names the account when it can post: its handle on X, `platform:id` on Meta."""
        return self.handle.casefold() if self.platform is Platform.X else f"{self.platform.value}:{self.id}"

    @property
    def label(self) -> str:
        """How people see it: `@handle` on X, the page's name and platform on Meta."""
        return f"@{self.handle}" if self.platform is Platform.X else f"{self.handle} ({self.platform.label})"


@dataclass(frozen=True)
class ReplyPolicy:
    """The desk config's say over replies."""

    accounts: tuple[ReplyAccount, ...]
    saved: tuple[SavedReply, ...]
    team_names: dict[str, str]
    desk_channel: str = ""  # where drafts needing approval go
    approval_when_flagged: bool = False
    approval_outside_desk: bool = False


@dataclass(frozen=True)
class Composition:
    """What the reply modal shows: the post, the accounts this person may send from (default first), saved replies."""

    tracked: TrackedMention
    accounts: tuple[ReplyAccount, ...]
    saved: tuple[tuple[str, str], ...]  # (name, text filled for the default account)
    text: str = ""


class Next(StrEnum):
    QUEUED = "queued"
    CONFIRM = "confirm"  # flagged: ask the person "send anyway?"
    APPROVAL = "approval"  # sent to the desk for approval


@dataclass(frozen=True)
class Submitted:
    next: Next
    budget: Budget
    flags: tuple[Flag, ...] = ()
    intent: ReplyIntent | None = None
    fingerprint: str = ""
    composition: Composition | None = None  # to redraw the modal ("send anyway?") or show the post for approval


class ReplyDesk:
    """Compose, submit, approve and reject replies; every step access-checked and audited."""

    def __init__(
        self,
        mentions: Mentions,
        book: ReplyBook,
        gate: Gatekeeper,
        policy: ReplyPolicy,
        linked: Callable[[], Collection[str]],
        audit: Audit,
        clock: Callable[[], datetime],
    ) -> None:
        self._mentions = mentions
        self._book = book
        self._gate = gate
        self.policy = policy
        self._linked = linked
        self._audit = audit
        self._clock = clock

    def compose(self, tweet_id: str, user: str, channel: str, draft: str = "") -> Composition:
        """Return what the modal needs, or raise Forbidden/Conflict/NotFound with a sentence for the person."""
        tracked, accounts, _ = self._admit(tweet_id, user, channel)
        first = accounts[0]
        saved = tuple((s.name, self.fill(s, tracked, first)) for s in self.policy.saved)
        return Composition(tracked, accounts, saved, draft)

    def fill(self, saved: SavedReply, tracked: TrackedMention, account: ReplyAccount) -> str:
        """Fill a saved reply for this mention's author, the account's team and the account.

        On Meta the author is an Instagram @username or a Facebook commenter's name, and the account a page's name.
        """
        author = tracked.mention.author
        team = self.policy.team_names.get(account.team, "")
        if account.platform is Platform.X:
            return saved.fill(author.username or author.id, team, account.handle)
        who = f"@{author.username}" if author.username else author.name
        return saved.fill(who, team, account.handle, at=False)

    def pick_saved(self, tweet_id: str, user: str, channel: str, name: str, account: str) -> tuple[Composition, str]:
        """Return the modal's content and the saved reply `name` filled for the chosen `account`."""
        composition = self.compose(tweet_id, user, channel)
        saved = next((s for s in self.policy.saved if s.name == name), None)
        if saved is None:
            raise InvalidInput({TEXT: "That saved reply is not in the desk config any more; pick another."})
        sender = next((a for a in composition.accounts if a.handle == account), composition.accounts[0])
        return composition, self.fill(saved, composition.tracked, sender)

    def review(self, tweet_id: str, user: str, channel: str, text: str, account: str) -> Submitted:
        """Count and check a draft without sending it (the modal's *Check* button): its budget and flags.

        The returned fingerprint confirms the draft, so Send after a check that showed flags sends it unchanged.
        """
        tracked, accounts, _ = self._admit(tweet_id, user, channel)
        text = text.strip()
        sender = next((a for a in accounts if a.handle.casefold() == account.casefold()), accounts[0])
        shown = Composition(
            tracked, accounts, tuple((s.name, self.fill(s, tracked, sender)) for s in self.policy.saved), text
        )
        flags = check(text)
        return Submitted(
            Next.CONFIRM,
            self.measure(tracked, text),
            flags,
            fingerprint=fingerprint(sender.handle, text),
            composition=shown,
        )

    @staticmethod
    def measure(tracked: TrackedMention, text: str) -> Budget:
        """Count a draft for this mention as its platform counts it."""
        return measure(text, tracked.mention.platform)

    def submit(self, tweet_id: str, user: str, channel: str, text: str, account: str, confirmed: str = "") -> Submitted:
        """Check and queue a reply; ask first when flagged; or send it for approval where the config says so.

        `confirmed` is the fingerprint of the draft the person already agreed to send despite its flags.
        """
        tracked, accounts, inside_desk = self._admit(tweet_id, user, channel)
        text = text.strip()
        budget = self.measure(tracked, text)
        if not text:
            raise InvalidInput({TEXT: "Write the reply first."})
        if budget.over:
            raise InvalidInput(
                {TEXT: f"Too long for {tracked.mention.platform.label}: {budget.describe()}. Shorten it."}
            )
        sender = next((a for a in accounts if a.handle.casefold() == account.casefold()), None)
        if sender is None:
            raise InvalidInput({ACCOUNT: "You may not reply from that account; pick one from the list."})
        flags = check(text)
        drafted = fingerprint(sender.handle, text)
        approval = (flags and self.policy.approval_when_flagged) or (
            not inside_desk and self.policy.approval_outside_desk
        )
        shown = Composition(
            tracked, accounts, tuple((s.name, self.fill(s, tracked, sender)) for s in self.policy.saved)
        )
        if flags and not approval and confirmed != drafted:
            return Submitted(Next.CONFIRM, budget, flags, fingerprint=drafted, composition=shown)
        intent = ReplyIntent(
            id=uuid.uuid4().hex,
            tweet_id=tracked.mention.id,
            account=sender.handle,
            account_id=sender.id,
            text=text,
            by=user,
            channel=channel,
            created_at=self._clock(),
            state=IntentState.AWAITING_APPROVAL if approval else IntentState.QUEUED,
            flags=tuple(f.concern.name.lower() for f in flags),
        )
        self._book.start(intent)
        action = "mention.reply.awaiting_approval" if approval else "mention.reply.queued"
        self._audit(user, action, tweet_id, account=sender.handle, text=audit_text(text), flags=",".join(intent.flags))
        return Submitted(Next.APPROVAL if approval else Next.QUEUED, budget, flags, intent, drafted, shown)

    def attach_approval(self, tweet_id: str, channel: str, ts: str) -> None:
        """Remember the approval card of a draft, so deciding it can redraw the card."""
        self._book.update(tweet_id, lambda i: i.model_copy(update={"approval_channel": channel, "approval_ts": ts}))

    def approve(self, tweet_id: str, intent_id: str, approver: str) -> ReplyIntent:
        """Queue an awaiting draft for sending; only the desk may, and not for their own draft."""
        self._require_desk(approver, tweet_id, "approve")
        tracked = self._mentions.get(tweet_id)

        def approve(intent: ReplyIntent) -> ReplyIntent:
            self._awaiting(intent, intent_id)
            if tracked is None or not tracked.is_open:
                raise Conflict("This mention was closed, answered or removed meanwhile; reject the draft instead.")
            if intent.by == approver:
                raise Forbidden("Someone else on the desk must approve your own reply.")
            return intent.model_copy(update={"state": IntentState.QUEUED, "approved_by": approver})

        intent = self._decided(tweet_id, approve, approver, "approve")
        self._audit(approver, "mention.reply.approved", tweet_id, account=intent.account, by=intent.by)
        return intent

    def reject(self, tweet_id: str, intent_id: str, approver: str) -> ReplyIntent:
        """Turn a draft down; its writer is told privately and the mention stays open."""
        self._require_desk(approver, tweet_id, "reject")
        intent = self._decided(tweet_id, self._turn_down(intent_id, approver), approver, "reject")
        self._audit(approver, "mention.reply.rejected", tweet_id, account=intent.account, by=intent.by)
        return intent

    def edit(self, tweet_id: str, intent_id: str, approver: str, channel: str) -> Composition:
        """Open an awaiting draft for an approver to change and send: the draft is withdrawn, its text kept."""
        self._require_desk(approver, tweet_id, "edit")
        intent = self._decided(tweet_id, self._turn_down(intent_id, approver), approver, "edit")
        self._audit(approver, "mention.reply.edited", tweet_id, account=intent.account, by=intent.by)
        composition = self.compose(tweet_id, approver, channel, intent.text)
        preferred = [a for a in composition.accounts if a.handle == intent.account]
        others = [a for a in composition.accounts if a.handle != intent.account]
        return Composition(composition.tracked, (*preferred, *others), composition.saved, intent.text)

    def intent(self, tweet_id: str) -> ReplyIntent | None:
        return self._book.get(tweet_id)

    def _decided(
        self, tweet_id: str, change: Callable[[ReplyIntent], ReplyIntent], approver: str, verb: str
    ) -> ReplyIntent:
        try:
            return self._book.update(tweet_id, change)
        except (Conflict, Forbidden, NotFound) as refusal:
            self._audit(approver, f"mention.reply.{verb}.refused", tweet_id, why=str(refusal))
            raise

    def _turn_down(self, intent_id: str, approver: str) -> Callable[[ReplyIntent], ReplyIntent]:
        """Return the change that closes an awaiting draft unsent (rejected, or withdrawn for an approver's edit)."""

        def turn_down(intent: ReplyIntent) -> ReplyIntent:
            self._awaiting(intent, intent_id)
            return intent.model_copy(update={"state": IntentState.REJECTED, "approved_by": approver})

        return turn_down

    @staticmethod
    def _awaiting(intent: ReplyIntent, intent_id: str) -> None:
        if intent.id != intent_id or intent.state is not IntentState.AWAITING_APPROVAL:
            raise Conflict("This draft has already been decided.")

    def _require_desk(self, user: str, tweet_id: str, verb: str) -> None:
        roles = self._gate.card_roles(user, "")
        if DESK not in roles.areas:
            why = f"Only members of the desk can {verb} a reply."
            self._audit(user, f"mention.reply.{verb}.refused", tweet_id, why=why)
            raise Forbidden(why)

    def _admit(self, tweet_id: str, user: str, channel: str) -> tuple[TrackedMention, tuple[ReplyAccount, ...], bool]:
        """Check this person may reply to this mention from this card; return it and the accounts they may use."""
        try:
            tracked = self._mentions.get(tweet_id)
            if tracked is None:
                raise NotFound("This mention is no longer kept, so it cannot be answered from here.")
            roles = self._gate.card_roles(user, channel)
            self._gate.admit(roles, tracked, channel, "reply")
            moves.mark_replied(tracked, user, self._clock())  # refuses a closed, replied, removed or claimed mention
            if (live := self._book.get(tweet_id)) is not None and live.state.live:
                raise Conflict(f"A reply from {live.sender} is already {_on_its_way(live)}.")
            inside_desk = DESK in roles.areas
            area = self._gate.policy.area_of(channel)
            accounts = self._accounts(tracked, area, inside_desk)
        except (Conflict, Forbidden, NotFound) as refusal:
            self._audit(user, "mention.reply.refused", tweet_id, why=str(refusal), channel=channel)
            raise
        return tracked, accounts, inside_desk

    def _accounts(self, tracked: TrackedMention, area: str, inside_desk: bool) -> tuple[ReplyAccount, ...]:
        """The accounts this person may send from that can post now, the mention's team's account first.

        A Meta comment has one: the page or Instagram account it was made on.
        """
        linked = {key.casefold() for key in self._linked()}
        platform = tracked.mention.platform
        usable = [a for a in self.policy.accounts if a.platform is platform and a.link_key in linked]
        if platform is not Platform.X:
            usable = [a for a in usable if a.id == tracked.mention.account_id]
        if not inside_desk:
            usable = [a for a in usable if a.team == area]
        if not usable and platform is not Platform.X:
            raise Conflict(
                f"The {platform.label} account this comment was made on cannot post from here: it is not yours "
                "to answer from, or an administrator has yet to link it with `commsdesk meta link ID`. "
                f"Answer on {platform.label} meanwhile."
            )
        if not usable:
            raise Conflict(
                "No account you may reply from can post yet: an administrator links one with "
                "`commsdesk accounts link HANDLE`. Use *Reply on X* meanwhile."
            )
        return tuple(sorted(usable, key=lambda a: _preference(a, tracked)))


def _preference(account: ReplyAccount, tracked: TrackedMention) -> tuple[int, int]:
    """Order accounts: the one the post mentioned in the mention's team, then the team's, then any mentioned."""
    mentioned = account.handle.casefold() in {h.casefold() for h in tracked.mention.mentioned}
    return (0 if account.team in (tracked.route, tracked.team) else 1, 0 if mentioned else 1)


def _on_its_way(intent: ReplyIntent) -> str:
    if intent.state is IntentState.AWAITING_APPROVAL:
        return "waiting for the desk's approval"
    return f"on its way to {intent.platform.label}"
