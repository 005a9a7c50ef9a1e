"""Use cases of platform requests: file, question, resubmit, decide and withdraw, audited and race-safe."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.core.platform_requests import (
    BLOCKING,
    DECIDABLE,
    OPEN,
    Answers,
    PlatformRequest,
    RequestState,
    is_blank,
    validate,
)
from bot.core.ports import Audit


class RequestRepository(Protocol):
    """Where requests live; `create` and `replace` are atomic."""

    def create(self, request: PlatformRequest) -> str | None:
        """Store `request` unless its team+platform is taken; return the id holding the pair, or None."""

    def replace(self, request: PlatformRequest, expected_version: int) -> bool:
        """Store `request` only if the stored version is still `expected_version`."""

    def get(self, request_id: str) -> PlatformRequest | None: ...

    def active_id(self, team: str, platform: str) -> str | None: ...

    def by_user(self, user_id: str) -> list[PlatformRequest]: ...

    def pending(self) -> list[PlatformRequest]: ...


@dataclass(frozen=True)
class RequestPolicy:
    """The desk config's say over requests: catalogue, teams, thresholds and who decides."""

    platforms: tuple[str, ...]
    teams: tuple[tuple[str, str], ...]  # (key, name)
    min_words: int
    audience_min_words: int
    approvers: frozenset[str]
    requests_channel: str = ""
    approver_group: str = ""
    timezone: str = "Europe/London"

    def team_name(self, key: str) -> str:
        return dict(self.teams).get(key, key)


class RequestPublisher(Protocol):
    """The Slack messages that show a platform request: its review card and the requester's DM."""

    def post_card(self, channel: str, request: PlatformRequest, team_name: str) -> tuple[str, str]:
        """Post the review card of `request` in `channel`; return the channel Slack answered with and the ts."""

    def redraw_card(self, request: PlatformRequest, team_name: str) -> None:
        """Redraw the review card of `request` in place."""

    def tell_requester(self, request: PlatformRequest) -> None:
        """DM the requester where their request stands."""


GroupMembers = Callable[[str], Collection[str]]


def new_request_id() -> str:
    return "PR-" + secrets.token_hex(4).upper()


class PlatformRequests:
    """Platform requests for listeners: every decision checked at click time and stored compare-and-set."""

    def __init__(
        self,
        repository: RequestRepository,
        audit: Audit,
        policy: RequestPolicy,
        publisher: RequestPublisher,
        group_members: GroupMembers | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = new_request_id,
    ) -> None:
        self._repo = repository
        self._audit = audit
        self.policy = policy
        self._publisher = publisher
        self._group_members = group_members
        self._clock = clock
        self._new_id = new_id

    def get(self, request_id: str) -> PlatformRequest:
        request = self._repo.get(request_id)
        if request is None:
            raise NotFound(f"There is no platform request {request_id}.")
        return request

    def mine(self, user_id: str) -> list[PlatformRequest]:
        return sorted(self._repo.by_user(user_id), key=lambda r: r.created_at, reverse=True)

    def pending(self) -> list[PlatformRequest]:
        return sorted(self._repo.pending(), key=lambda r: r.created_at)

    def now(self) -> datetime:
        return self._clock()

    def listing(self, user_id: str) -> tuple[list[PlatformRequest], list[PlatformRequest] | None]:
        """Return the user's own requests and, only for approvers, the pending queue."""
        return self.mine(user_id), (self.pending() if self.is_approver(user_id) else None)

    def is_approver(self, user_id: str) -> bool:
        """True for the desk's approvers and members of the approver group; a failed lookup says no."""
        if user_id in self.policy.approvers:
            return True
        if not self.policy.approver_group or self._group_members is None:
            return False
        try:
            return user_id in self._group_members(self.policy.approver_group)
        except Exception:  # noqa: BLE001 - any failure to ask means not an approver (fail closed)
            return False

    def file(self, requester: str, raw: Mapping[str, str | None], request_id: str = "") -> PlatformRequest:
        """File a new request, or resubmit `request_id` with the requester's updated answers."""
        return self.resubmit(request_id, requester, raw) if request_id else self.submit(requester, raw)

    def submit(self, requester: str, raw: Mapping[str, str | None]) -> PlatformRequest:
        """Validate and file a new request; raise InvalidInput (nothing stored) when any answer falls short."""
        answers = self._validate(raw)
        now = self._clock()
        request = PlatformRequest(
            id=self._new_id(), requester=requester, answers=answers, state=RequestState.SUBMITTED, created_at=now
        )
        self._refuse_duplicate(self._repo.active_id(answers.team, answers.platform_name), answers.platform_name)
        if holder_id := self._repo.create(request):
            self._refuse_duplicate(holder_id, answers.platform_name, taken=True)
        self._audit(requester, "request.submitted", request.id, team=answers.team, platform=answers.platform_name)
        return request

    def resubmit(self, request_id: str, requester: str, raw: Mapping[str, str | None]) -> PlatformRequest:
        """Answer an approver's question with updated answers; team and platform stay as filed."""
        current = self.get(request_id)
        if current.requester != requester:
            raise Forbidden("Only the person who filed this request can update it.")
        answers = self._validate(raw)
        if (answers.team, answers.platform_name.casefold()) != (
            current.answers.team,
            current.answers.platform_name.casefold(),
        ):
            raise InvalidInput({"platform": "To change team or platform, withdraw this request and file a new one."})
        if current.state != RequestState.INFO_REQUESTED:
            raise Conflict(f"This request is {current.state.replace('_', ' ')}; it is not waiting for an update.")
        moved = current.moved(RequestState.RESUBMITTED, requester, self._clock()).model_copy(
            update={"answers": answers}
        )
        self._store(current, moved)
        self._audit(requester, "request.resubmitted", request_id)
        return moved

    def approve(self, request_id: str, actor: str) -> PlatformRequest:
        return self._decide(request_id, actor, RequestState.APPROVED, "")

    def decline(self, request_id: str, actor: str, reason: str) -> PlatformRequest:
        return self._decide(request_id, actor, RequestState.DECLINED, reason)

    def ask_info(self, request_id: str, actor: str, question: str) -> PlatformRequest:
        return self._decide(request_id, actor, RequestState.INFO_REQUESTED, question)

    def withdraw(self, request_id: str, actor: str) -> PlatformRequest:
        current = self.get(request_id)
        if current.requester != actor:
            self._audit(actor, "request.withdrawn.refused", request_id, why="not the requester")
            raise Forbidden("Only the person who filed this request can withdraw it.")
        if current.state not in OPEN:
            raise Conflict(f"This request is already {current.state.replace('_', ' ')}.")
        moved = current.moved(RequestState.WITHDRAWN, actor, self._clock())
        self._store(current, moved)
        self._audit(actor, "request.withdrawn", request_id)
        return moved

    def for_update(self, request_id: str, requester: str) -> PlatformRequest:
        """The request its requester may update now: their own, while an approver waits for an answer."""
        request = self.get(request_id)
        if request.requester != requester or request.state != RequestState.INFO_REQUESTED:
            raise Conflict(f"{request.id} is {request.state.replace('_', ' ')}; it cannot be updated now.")
        return request

    def publish(self, request: PlatformRequest) -> None:
        """Show `request` where it belongs: the review card (posted once, then redrawn in place) and a DM."""
        team_name = self.policy.team_name(request.answers.team)
        if request.card_ts:
            self._publisher.redraw_card(request, team_name)
        else:
            channel, ts = self._publisher.post_card(self.policy.requests_channel, request, team_name)
            self.attach_card(request.id, channel, ts)
        self._publisher.tell_requester(request)

    def attach_card(self, request_id: str, channel: str, ts: str) -> None:
        """Remember where the review card is, retrying if a decision lands at the same moment."""
        for _ in range(5):
            current = self.get(request_id)
            card = {"card_channel": channel, "card_ts": ts, "version": current.version + 1}
            updated = current.model_copy(update=card)
            if self._repo.replace(updated, current.version):
                return
        raise Conflict(f"Could not record the card of {request_id}; it kept changing.")

    def _decide(self, request_id: str, actor: str, to: RequestState, note: str) -> PlatformRequest:
        """Check the approver at click time, then move the request compare-and-set; audit refusals too."""
        current = self.get(request_id)
        action = f"request.{to.value}"
        if not self.is_approver(actor):
            self._audit(actor, action + ".refused", request_id, why="not an approver")
            raise Forbidden("Only Corp Comms approvers can decide platform requests.")
        if actor == current.requester:
            self._audit(actor, action + ".refused", request_id, why="own request")
            raise Forbidden("You cannot decide your own request; ask another approver.")
        if to != RequestState.APPROVED and is_blank(note):
            raise InvalidInput({"note": "Please give a reason." if to == RequestState.DECLINED else "Ask a question."})
        allowed = DECIDABLE | ({RequestState.INFO_REQUESTED} if to == RequestState.DECLINED else set())
        if current.state not in allowed:
            self._audit(actor, action + ".refused", request_id, why=f"already {current.state}")
            raise Conflict(_already(current))
        moved = current.moved(to, actor, self._clock(), note.strip())
        if not self._repo.replace(moved, current.version):
            self._audit(actor, action + ".refused", request_id, why="lost a race")
            raise Conflict(_already(self.get(request_id)))
        self._audit(actor, action, request_id, note=note.strip())
        return moved

    def _store(self, current: PlatformRequest, moved: PlatformRequest) -> None:
        if not self._repo.replace(moved, current.version):
            raise Conflict(_already(self.get(current.id)))

    def _validate(self, raw: Mapping[str, str | None]) -> Answers:
        policy = self.policy
        return validate(
            raw,
            platforms=policy.platforms,
            teams=[key for key, _ in policy.teams],
            min_words=policy.min_words,
            audience_min_words=policy.audience_min_words,
            today=self._clock().astimezone(ZoneInfo(policy.timezone)).date(),
        )

    def _refuse_duplicate(self, holder_id: str | None, platform: str, taken: bool = False) -> None:
        """Point at the open or approved request that already covers this team and platform."""
        holder = self._repo.get(holder_id) if holder_id else None
        if holder is not None and (taken or holder.state in BLOCKING):
            state = holder.state.replace("_", " ")
            raise InvalidInput(
                {
                    "platform": f"Your team already has a {state} request for {platform}: {holder.id} "
                    "(see /request-platform list)."
                }
            )
        if taken:
            raise Conflict(f"Another request for {platform} was filed at the same moment; see /request-platform list.")


def _already(request: PlatformRequest) -> str:
    by = f" by <@{request.history[-1].actor}>" if request.history else ""
    return f"Someone got there first: this request is now {request.state.replace('_', ' ')}{by}."
