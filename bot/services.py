"""The composition root's builder: the one place adapters and use cases are constructed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import redis
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.outbox import trim_dead_letters
from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.retention_index import RedisRetentionIndex
from bot.adapters.slack_cards import LINE_LOCK_SECONDS, SlackCardPublisher
from bot.adapters.slack_membership import SlackMembership
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.slack_requests import SlackRequestPublisher
from bot.adapters.store import AuditLog, Heartbeats, Leases, StateReader, connect
from bot.core.access import AccessPolicy, Place
from bot.core.clock import utc_now
from bot.core.desk_status import DeskViews
from bot.core.gatekeeper import Gatekeeper
from bot.core.mention_desk import MentionDesk, MentionPolicy
from bot.core.models import CONTROL_ROOM, DESK
from bot.core.request_flow import PlatformRequests, RequestPolicy
from bot.core.triage.decide import Triage
from bot.jobs.build_digest import DigestBuilder, pending_requests_from
from bot.jobs.desk_lessons import DeskLessons
from bot.jobs.desk_status import RedisDeskStatus, YesterdaysDigest
from bot.jobs.record_outcomes import ObservedMentions, OutcomeRecorder
from bot.jobs.retention import RetentionStores, RetentionSweeper, TweetLookup
from bot.learning.model import SklearnTriageModel, load_model
from config.desk import Desk
from config.settings import Settings

SLACK_TIMEOUT_SECONDS = 10


@dataclass
class Services:
    """Everything listeners and jobs need, built once per process."""

    settings: Settings
    desk: Desk
    redis: redis.Redis
    slack: WebClient
    audit: AuditLog
    leases: Leases
    platform_requests: PlatformRequests
    mentions: MentionDesk
    desk_views: DeskViews

    def for_listeners(self) -> dict[str, object]:
        """Services put into Bolt's context, each injected into listeners by this name."""
        return {
            "desk": self.desk,
            "audit": self.audit,
            "platform_requests": self.platform_requests,
            "mention_desk": self.mentions,
            "desk_views": self.desk_views,
        }


@cache
def packaged_triage_model() -> SklearnTriageModel:
    """Load the triage model shipped with the package, once per process (a bad artefact stops start-up)."""
    return load_model()


def build_triage(desk: Desk) -> Triage:
    """Pair the desk's rules with the trained model: what the worker and `commsdesk triage` decide with."""
    return Triage(desk, packaged_triage_model())


def build_slack_client(settings: Settings, retries: bool = True) -> WebClient:
    """Build the Web API client: Slack's base URL (overridable), timeouts, and 429/5xx retries.

    The outbox builds one with `retries=False`: it paces, retries and reconciles posts itself, so that a
    post Slack accepted before failing is never sent twice.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    handlers = [RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2)]
    return WebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=handlers if retries else [],
    )


def build_services(settings: Settings, desk: Desk) -> Services:
    """Connect to Redis and Slack lazily (no I/O here) and assemble the use cases."""
    client = connect(settings.redis_url)
    slack = build_slack_client(settings)
    gate = Gatekeeper(access_policy(desk), SlackMembership(slack))
    return Services(
        settings=settings,
        desk=desk,
        redis=client,
        slack=slack,
        audit=AuditLog(client),
        leases=Leases(client),
        platform_requests=build_platform_requests(desk, client, slack),
        mentions=build_mention_desk(desk, client, slack, gate),
        desk_views=DeskViews(
            gate,
            RedisDeskStatus(StateReader(client), Heartbeats(client), RedisAggregates(client, desk.zone), desk),
            build_digest_preview(desk, client),
            AuditLog(client).record,
        ),
    )


def access_policy(desk: Desk) -> AccessPolicy:
    """Turn the desk config's channels, `[access]` lists and approvers into the access policy."""
    places = {
        DESK: Place(desk.desk.channel, "the desk"),
        CONTROL_ROOM: Place(desk.desk.control_room_channel, "the control room"),
    }
    places |= {team.key: Place(team.channel, team.name) for team in desk.teams}
    listed = {DESK: desk.access.desk, CONTROL_ROOM: desk.access.control_room, **desk.access.teams}
    return AccessPolicy(
        places=places,
        listed={area: ids for area, ids in listed.items() if ids is not None},
        approvers=frozenset(desk.desk.approvers),
        approver_group=desk.desk.approver_usergroup,
    )


def build_platform_requests(desk: Desk, client: redis.Redis, slack: WebClient) -> PlatformRequests:
    """Wire platform requests to Redis, the audit stream, the desk's rules, Slack and the approver user group."""
    policy = RequestPolicy(
        platforms=desk.requests.platforms,
        teams=tuple((team.key, team.name) for team in desk.teams),
        min_words=desk.requests.min_words,
        audience_min_words=desk.requests.audience_min_words,
        approvers=frozenset(desk.desk.approvers),
        requests_channel=desk.desk.requests_channel,
        approver_group=desk.desk.approver_usergroup,
        timezone=desk.timezone,
    )

    def group_members(group: str) -> list[str]:
        return list(slack.usergroups_users_list(usergroup=group)["users"])

    publisher = SlackRequestPublisher(SlackMessages(slack))
    return PlatformRequests(RedisRequestRepository(client), AuditLog(client).record, policy, publisher, group_members)


def build_mention_desk(desk: Desk, client: redis.Redis, slack: WebClient, gate: Gatekeeper) -> MentionDesk:
    """Wire mention card actions to the access check, the Redis record, the audit and in-place card updates."""
    policy = MentionPolicy(
        claim_expiry=timedelta(minutes=desk.desk.claim_expiry_minutes),
        team_keys=frozenset(team.key for team in desk.teams),
        reply_sla=timedelta(minutes=desk.triage.reply_sla_minutes),
    )
    recorder = OutcomeRecorder(RedisAggregates(client, desk.zone), desk)
    store = ObservedMentions(RedisMentionStore(client, desk.retention.mention_days), recorder)
    cards = SlackCardPublisher(SlackMessages(slack), desk)
    corrections = RedisCorrectionLog(client, desk.retention.audit_days)
    return MentionDesk(store, cards, AuditLog(client).record, policy, gate, corrections)


def build_digest_preview(desk: Desk, client: redis.Redis) -> YesterdaysDigest:
    """Wire `/commsdesk digest` to the same builder the morning job uses."""
    return YesterdaysDigest(build_digest_builder(desk, client), desk)


def build_digest_builder(desk: Desk, client: redis.Redis) -> DigestBuilder:
    """Wire the digest to the day's aggregates, open platform requests and the desk's triage corrections."""
    return DigestBuilder(
        RedisAggregates(client, desk.zone),
        desk,
        pending_requests_from(RedisRequestRepository(client)),
        corrections=RedisCorrectionLog(client, desk.retention.audit_days),
    )


def build_desk_lessons(desk: Desk, client: redis.Redis) -> DeskLessons:
    """Wire the desk's corrections, mention records and day counts for retraining and the agreement report."""
    return DeskLessons(
        RedisCorrectionLog(client, desk.retention.audit_days),
        RedisMentionStore(client, desk.retention.mention_days),
        RedisAggregates(client, desk.zone),
        desk,
    )


def build_retention_sweeper(
    client: redis.Redis,
    mentions: RedisMentionStore,
    lookup: TweetLookup,
    slack: WebClient,
    desk: Desk,
    clock: Callable[[], datetime] = utc_now,
) -> RetentionSweeper:
    """Wire the retention sweep and compliance check to the stores they walk and trim."""
    stores = RetentionStores(
        audit=AuditLog(client),
        corrections=RedisCorrectionLog(client, desk.retention.audit_days),
        aggregates=RedisAggregates(client, desk.zone),
        trim_dead_letters=lambda before: trim_dead_letters(client, before),
    )
    leases = Leases(client)
    cards = SlackCardPublisher(SlackMessages(slack), desk, clock, lambda name: leases.held(name, LINE_LOCK_SECONDS))
    return RetentionSweeper(RedisRetentionIndex(client), mentions, lookup, cards, stores, desk, clock)
