"""Pure relay rules: which team owns a mention, when its SLA falls due, and which cards it gets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo

from bot.core.desk import DeskView
from bot.core.models import CONTROL_ROOM, DESK, Category, Mention, TriageDecision
from bot.core.tracking import CardRole, TrackedMention
from bot.core.triage.decide import BY_HANDLE, BY_PLACE, NO_TEAM


class Priority(IntEnum):
    """Outbox lanes, drained in this order: life first, then people waiting for an answer, then the rest."""

    URGENT = 0
    REPLY = 1
    INFO = 2


@dataclass(frozen=True)
class CardPlan:
    """One card to post: where (route), in which role, how soon."""

    route: str
    role: CardRole  # team | control_room | desk
    priority: Priority


def owning_team(mention: Mention, decision: TriageDecision, desk: DeskView) -> str:
    """Return the team that owns a mention for digests: its route, or for urgent/desk ones the account's team."""
    keys = {t.key for t in desk.teams}
    if decision.route in keys:
        return decision.route
    if mention.account_id:
        return page_team(mention.account_id, desk) or DESK
    by_handle = {a.handle.casefold(): t.key for t in desk.teams for a in t.accounts}
    for handle in mention.mentioned:
        team = by_handle.get(handle.casefold())
        if team is not None:
            return team
    return DESK


def page_team(account_id: str, desk: DeskView) -> str | None:
    """Return the team whose Facebook Page or Instagram account has this Graph id."""
    for team in desk.teams:
        if any(a.id == account_id for a in (*team.facebook_pages, *team.instagram_accounts)):
            return team.key
    return None


def on_own_page(mention: Mention, decision: TriageDecision, desk: DeskView) -> TriageDecision:
    """Send a comment on a team's own page or account to that team, as a mention of its handle would go.

    On X a mention names the team's handle; on Facebook and Instagram the page it is posted on says the same, and
    it is checked first, before any place the comment names (labelling guide, section 6: the page is route rule 3,
    places are rule 4). The team that runs the page is the one that can answer there. Urgent comments still go to
    the control room, complaints and media enquiries to the desk, and Force HQ's pages route by place like its X
    accounts.
    """
    team = page_team(mention.account_id, desk) if mention.account_id else None
    if team is None or team == desk.triage.hq_team:
        return decision
    if decision.category in (Category.COMPLAINT, Category.MEDIA) or not decision.understood:
        return decision
    page = f"posted on the {mention.platform.label} page of team {team}"
    reasons = tuple(r for r in decision.reasons if not r.startswith((NO_TEAM, BY_HANDLE, BY_PLACE))) + (page,)
    route = decision.route if decision.urgent else team
    return decision.model_copy(update={"route": route, "route_if_not_urgent": team, "reasons": reasons})


def sla_due(mention: Mention, decision: TriageDecision, desk: DeskView) -> datetime | None:
    """Return when a reply is due: the urgent SLA for urgent mentions, none when no reply is needed."""
    if decision.urgent:
        return mention.created_at + timedelta(minutes=desk.triage.urgent_sla_minutes)
    if decision.needs_reply:
        return mention.created_at + timedelta(minutes=desk.triage.reply_sla_minutes)
    return None


def is_staffed(at: datetime, zone: ZoneInfo, staffed_from: str, staffed_until: str) -> bool:
    """Tell whether `at` falls inside the desk's staffed hours (local time; spans midnight if from > until)."""
    local = at.astimezone(zone).time()
    start, end = time.fromisoformat(staffed_from), time.fromisoformat(staffed_until)
    return start <= local < end if start <= end else local >= start or local < end


def plan_cards(decision: TriageDecision, team: str) -> list[CardPlan]:
    """Plan a mention's cards: urgent ones to the control room at once and cross-posted to the team."""
    if decision.route == CONTROL_ROOM:
        plans = [CardPlan(CONTROL_ROOM, CardRole.CONTROL_ROOM, Priority.URGENT)]
        if team != DESK:
            plans.append(CardPlan(team, CardRole.TEAM, Priority.URGENT))
        return plans
    role = CardRole.DESK if decision.route == DESK else CardRole.TEAM
    return [CardPlan(decision.route, role, Priority.REPLY if decision.needs_reply else Priority.INFO)]


def new_record(
    mention: Mention, decision: TriageDecision, team: str, received_at: datetime, desk: DeskView, out_of_hours: bool
) -> TrackedMention:
    """Build the first stored record of a mention."""
    return TrackedMention(
        mention=mention,
        decision=decision,
        team=team,
        route=decision.route,
        received_at=received_at,
        sla_due=sla_due(mention, decision, desk),
        out_of_hours=out_of_hours,
    )
