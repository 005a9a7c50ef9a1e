"""Platform request rules and use cases, against an in-memory repository (a fake of our own port)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.core.platform_requests import BLOCKING, OPEN, PlatformRequest, RequestState, is_blank, validate, words
from bot.core.request_flow import PlatformRequests, RequestPolicy
from tests.support.requests import ShownRequests

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
APPROVER, OTHER_APPROVER, REQUESTER = "U0APPR00001", "U0APPR00002", "U0NORTH0001"
PLATFORMS = ("Facebook", "Instagram", "TikTok", "Nextdoor")
POLICY = RequestPolicy(
    platforms=PLATFORMS,
    teams=(("northtown", "Northtown Neighbourhood Team"), ("riverside", "Riverside Neighbourhood Team")),
    min_words=8,
    audience_min_words=4,
    approvers=frozenset({APPROVER, OTHER_APPROVER}),
)


def good_answers(**overrides: str) -> dict[str, str]:
    answers = {
        "platform": "Nextdoor",
        "team": "northtown",
        "account_name": "MP Northtown",
        "audience": "Older residents of the Kingsmoor estate in Northtown",
        "evidence": "We asked forty residents at two ward panels; thirty said they read Nextdoor every week.",
        "current_channels": "Our X account reaches commuters and the press, not the estate's older residents at all.",
        "content_plan": "Three posts a week: appeals, crime prevention advice, and what we did about ward priorities.",
        "people": "PC Shah and PCSO Doyle own it, two hours a week each, covering each other's leave.",
        "risks": "Moderation by the two owners, social media training done, code of ethics briefing given.",
        "success": "Replies and messages from estate residents, and more of them at ward panel meetings.",
        "review_date": (TODAY + timedelta(days=180)).isoformat(),
    }
    return {**answers, **overrides}


def check(raw: Mapping[str, str]) -> None:
    validate(raw, platforms=PLATFORMS, teams=["northtown", "riverside"], min_words=8, audience_min_words=4, today=TODAY)


def errors_of(raw: Mapping[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        check(raw)
    return caught.value.errors


class MemoryRepository:
    """Dict-backed RequestRepository with the same compare-and-set semantics as the Redis one."""

    def __init__(self) -> None:
        self.requests: dict[str, PlatformRequest] = {}

    def create(self, request: PlatformRequest) -> str | None:
        holder = self.active_id(request.answers.team, request.answers.platform_name)
        if holder:
            return holder
        self.requests[request.id] = request
        return None

    def replace(self, request: PlatformRequest, expected_version: int) -> bool:
        if self.requests[request.id].version != expected_version:
            return False
        self.requests[request.id] = request
        return True

    def get(self, request_id: str) -> PlatformRequest | None:
        return self.requests.get(request_id)

    def active_id(self, team: str, platform: str) -> str | None:
        return next(
            (
                r.id
                for r in self.requests.values()
                if r.answers.team == team
                and r.answers.platform_name.casefold() == platform.casefold()
                and r.state in BLOCKING
            ),
            None,
        )

    def by_user(self, user_id: str) -> list[PlatformRequest]:
        return [r for r in self.requests.values() if r.requester == user_id]

    def pending(self) -> list[PlatformRequest]:
        return [r for r in self.requests.values() if r.state in OPEN]


class AuditTrail(list[tuple[str, str, str, dict[str, str]]]):
    def __call__(self, actor: str, action: str, subject: str, **detail: str) -> None:
        self.append((actor, action, subject, detail))

    def actions(self) -> list[str]:
        return [a for _, a, _, _ in self]


@pytest.fixture
def repo() -> MemoryRepository:
    return MemoryRepository()


@pytest.fixture
def audit() -> AuditTrail:
    return AuditTrail()


@pytest.fixture
def flow(repo: MemoryRepository, audit: AuditTrail) -> PlatformRequests:
    ids = iter(f"PR-{n:04d}" for n in range(1, 100))
    return PlatformRequests(repo, audit, POLICY, ShownRequests(), clock=lambda: NOW, new_id=lambda: next(ids))


def test_good_answers_validate_and_keep_their_wording() -> None:
    answers = validate(
        good_answers(), platforms=PLATFORMS, teams=["northtown"], min_words=8, audience_min_words=4, today=TODAY
    )
    assert answers.platform_name == "Nextdoor" and answers.review_date == TODAY + timedelta(days=180)


@pytest.mark.parametrize("empty", ["", "   \n\t", "\u200b\u200d\u2060\ufeff", "***", "<b></b> _ ~ `` >", "\u202e  "])
def test_blank_looking_answers_count_as_empty(empty: str) -> None:
    assert is_blank(empty)
    assert (
        errors_of(good_answers(evidence=empty))["evidence"] == "Evidence this audience uses this platform is required."
    )


def test_words_ignore_markup_and_invisible_characters() -> None:
    assert words("*we* <b>asked</b> resi\u200bdents _at_ ward-panels") == 5


@pytest.mark.parametrize("field", ["evidence", "current_channels", "content_plan", "people", "risks", "success"])
def test_justification_needs_the_configured_substance(field: str) -> None:
    assert "at least 8 words" in errors_of(good_answers(**{field: "because we want it"}))[field]


def test_follower_counts_are_not_a_measure_of_success() -> None:
    success = "We will reach a thousand followers. Lots of likes on every post we make there."
    assert "follower counts do not count" in errors_of(good_answers(success=success))["success"]


def test_audience_needs_who_and_where() -> None:
    assert "who they are and where" in errors_of(good_answers(audience="residents"))["audience"]


@pytest.mark.parametrize(
    ("review", "message"),
    [
        (TODAY.isoformat(), "in the future"),
        ((TODAY - timedelta(days=3)).isoformat(), "in the future"),
        ((TODAY + timedelta(days=370)).isoformat(), "within a year"),
        ("", "Review date is required"),
        ("next spring", "Pick a review date"),
    ],
)
def test_review_date_is_in_the_next_year(review: str, message: str) -> None:
    assert message in errors_of(good_answers(review_date=review))["review_date"]


def test_other_needs_a_name_and_a_known_name_maps_to_the_catalogue() -> None:
    assert "other_platform" in errors_of(good_answers(platform="Other", other_platform=" \u200b "))
    answers = validate(
        good_answers(platform="Other", other_platform=" tiktok "),
        platforms=PLATFORMS,
        teams=["northtown"],
        min_words=8,
        audience_min_words=4,
        today=TODAY,
    )
    assert (answers.platform, answers.other_platform) == ("TikTok", "")


@pytest.mark.parametrize("name", ["<!here|<x>>", "<<!here>> Mastodon", "Nextdoor <b>Plus</b>", "a > b"])
def test_other_platform_with_angle_brackets_is_refused(name: str) -> None:
    assert "without < or >" in errors_of(good_answers(platform="Other", other_platform=name))["other_platform"]


def test_unknown_team_and_platform_are_refused() -> None:
    errors = errors_of(good_answers(team="mi5", platform="MySpace"))
    assert set(errors) == {"team", "platform"}


def test_over_long_answers_are_refused() -> None:
    assert "under 3000" in errors_of(good_answers(risks="word " * 700))["risks"]


def test_submit_files_and_audits(flow: PlatformRequests, repo: MemoryRepository, audit: AuditTrail) -> None:
    request = flow.submit(REQUESTER, good_answers())
    assert repo.get(request.id) == request and request.state == RequestState.SUBMITTED
    assert audit.actions() == ["request.submitted"]
    assert flow.mine(REQUESTER) == [request] and flow.pending() == [request]


def test_invalid_submission_stores_nothing(flow: PlatformRequests, repo: MemoryRepository) -> None:
    with pytest.raises(InvalidInput):
        flow.submit(REQUESTER, good_answers(evidence=""))
    assert repo.requests == {}


def test_duplicate_pending_request_points_at_the_first(flow: PlatformRequests, repo: MemoryRepository) -> None:
    first = flow.submit(REQUESTER, good_answers())
    with pytest.raises(InvalidInput) as caught:
        flow.submit("U0NORTH0002", good_answers(platform="Other", other_platform="NEXTDOOR"))
    assert first.id in caught.value.errors["platform"] and len(repo.requests) == 1
    flow.decline(first.id, APPROVER, "Not enough cover for leave over the summer period.")
    assert flow.submit("U0NORTH0002", good_answers()).id != first.id


def test_approve_by_an_approver(flow: PlatformRequests, audit: AuditTrail) -> None:
    request = flow.submit(REQUESTER, good_answers())
    approved = flow.approve(request.id, APPROVER)
    assert approved.state == RequestState.APPROVED and approved.decided_by == APPROVER
    assert audit.actions()[-1] == "request.approved"


@pytest.mark.parametrize(("actor", "why"), [("U0RANDOM001", "not an approver"), (APPROVER, "own request")])
def test_forbidden_deciders_are_refused_and_audited(
    flow: PlatformRequests, repo: MemoryRepository, audit: AuditTrail, actor: str, why: str
) -> None:
    request = flow.submit(actor, good_answers()) if actor == APPROVER else flow.submit(REQUESTER, good_answers())
    with pytest.raises(Forbidden):
        flow.approve(request.id, actor)
    assert repo.requests[request.id] == request
    assert audit[-1][:3] == (actor, "request.approved.refused", request.id) and audit[-1][3] == {"why": why}


def test_group_members_decide_and_a_failed_lookup_fails_closed(repo: MemoryRepository, audit: AuditTrail) -> None:
    policy = RequestPolicy(**{**POLICY.__dict__, "approver_group": "S0COMMS001"})
    member = PlatformRequests(repo, audit, policy, ShownRequests(), group_members=lambda group: {"U0GROUP0001"})
    assert member.is_approver("U0GROUP0001") and member.is_approver(APPROVER)

    def broken(group: str) -> set[str]:
        raise TimeoutError("slack did not answer")

    assert not PlatformRequests(repo, audit, policy, ShownRequests(), group_members=broken).is_approver("U0GROUP0001")
    assert not PlatformRequests(
        repo, audit, POLICY, ShownRequests(), group_members=lambda g: {"U0GROUP0001"}
    ).is_approver("U0GROUP0001")


@pytest.mark.parametrize("reason", ["", "  ", "\u200b", "**"])
def test_decline_and_ask_need_words(flow: PlatformRequests, reason: str) -> None:
    request = flow.submit(REQUESTER, good_answers())
    with pytest.raises(InvalidInput):
        flow.decline(request.id, APPROVER, reason)
    with pytest.raises(InvalidInput):
        flow.ask_info(request.id, APPROVER, reason)
    assert flow.get(request.id).state == RequestState.SUBMITTED


def test_second_decision_is_refused(flow: PlatformRequests, audit: AuditTrail) -> None:
    request = flow.submit(REQUESTER, good_answers())
    flow.decline(request.id, APPROVER, "No leave cover named for the summer.")
    with pytest.raises(Conflict, match="declined"):
        flow.approve(request.id, OTHER_APPROVER)
    assert flow.get(request.id).state == RequestState.DECLINED
    assert audit.actions()[-1] == "request.approved.refused"


def test_stale_read_loses_the_compare_and_set(repo: MemoryRepository, audit: AuditTrail) -> None:
    flow = PlatformRequests(repo, audit, POLICY, ShownRequests(), clock=lambda: NOW)
    request = flow.submit(REQUESTER, good_answers())
    stale = request
    flow.approve(request.id, APPROVER)
    assert not repo.replace(stale.moved(RequestState.DECLINED, OTHER_APPROVER, NOW, "no"), stale.version)


def test_info_round_trip(flow: PlatformRequests, audit: AuditTrail) -> None:
    request = flow.submit(REQUESTER, good_answers())
    asked = flow.ask_info(request.id, APPROVER, "Who covers when PC Shah is on leave in August?")
    assert asked.state == RequestState.INFO_REQUESTED and asked.last_note.startswith("Who covers")
    with pytest.raises(Conflict):
        flow.approve(request.id, APPROVER)
    with pytest.raises(Forbidden):
        flow.resubmit(request.id, "U0RANDOM001", good_answers())
    with pytest.raises(InvalidInput):
        flow.resubmit(request.id, REQUESTER, good_answers(platform="TikTok"))
    people = "PC Shah and PCSO Doyle, two hours a week; Sgt Patel covers August leave and out of hours."
    updated = flow.resubmit(request.id, REQUESTER, good_answers(people=people))
    assert updated.state == RequestState.RESUBMITTED and updated.answers.people == people
    assert flow.approve(request.id, APPROVER).state == RequestState.APPROVED
    assert audit.actions() == [
        "request.submitted",
        "request.info_requested",
        "request.approved.refused",
        "request.resubmitted",
        "request.approved",
    ]


def test_withdraw_only_by_requester_while_open(flow: PlatformRequests) -> None:
    request = flow.submit(REQUESTER, good_answers())
    with pytest.raises(Forbidden):
        flow.withdraw(request.id, APPROVER)
    assert flow.withdraw(request.id, REQUESTER).state == RequestState.WITHDRAWN
    with pytest.raises(Conflict):
        flow.withdraw(request.id, REQUESTER)


def test_attach_card_keeps_state(flow: PlatformRequests) -> None:
    request = flow.submit(REQUESTER, good_answers())
    flow.attach_card(request.id, "C0REQS00001", "1700000000.000100")
    stored = flow.get(request.id)
    assert (stored.card_channel, stored.card_ts, stored.state) == ("C0REQS00001", "1700000000.000100", "submitted")


def test_unknown_request_is_not_found(flow: PlatformRequests) -> None:
    with pytest.raises(NotFound):
        flow.approve("PR-NOPE", APPROVER)


def test_state_machine_refuses_illegal_moves(flow: PlatformRequests) -> None:
    request = flow.submit(REQUESTER, good_answers())
    with pytest.raises(ValueError):
        request.moved(RequestState.RESUBMITTED, REQUESTER, NOW)


def test_a_request_gets_one_review_card_redrawn_in_place_and_a_dm_each_step(
    repo: MemoryRepository, audit: AuditTrail
) -> None:
    shown = ShownRequests()
    flow = PlatformRequests(repo, audit, POLICY, shown, clock=lambda: NOW)
    request = flow.submit(REQUESTER, good_answers())
    flow.publish(request)
    flow.publish(flow.approve(request.id, APPROVER))
    assert shown.shown == [
        ("card", request.id, "submitted"),
        ("dm", request.id, "submitted"),
        ("redraw", request.id, "approved"),
        ("dm", request.id, "approved"),
    ]
    assert flow.get(request.id).card_channel == shown.channel_id


def test_only_the_requester_may_update_and_only_when_asked(flow: PlatformRequests) -> None:
    request = flow.submit(REQUESTER, good_answers())
    with pytest.raises(Conflict, match="is submitted; it cannot be updated now"):
        flow.for_update(request.id, REQUESTER)
    flow.ask_info(request.id, APPROVER, "Who covers when PC Shah is on leave in August?")
    with pytest.raises(Conflict, match="is info requested"):
        flow.for_update(request.id, OTHER_APPROVER)
    assert flow.for_update(request.id, REQUESTER).state == RequestState.INFO_REQUESTED
