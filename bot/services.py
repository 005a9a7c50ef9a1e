"""The composition root's builder: the one place adapters and use cases are constructed."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import redis
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.correction_store import RedisCorrectionLog
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.meta_inbox import RedisMetaInbox
from bot.adapters.meta_tokens import RedisMetaTokens
from bot.adapters.outbox import RedisOutbox, trim_dead_letters
from bot.adapters.reply_book import RedisReplyBook
from bot.adapters.request_store import RedisRequestRepository
from bot.adapters.retention_index import RedisRetentionIndex
from bot.adapters.slack_cards import LINE_LOCK_SECONDS, SlackCardPublisher
from bot.adapters.slack_membership import SlackMembership
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.slack_requests import SlackRequestPublisher
from bot.adapters.store import AuditLog, Heartbeats, Leases, StateReader, connect
from bot.adapters.token_vault import RedisTokenVault
from bot.adapters.x_oauth import XOAuth
from bot.core.access import AccessPolicy, Place
from bot.core.clock import utc_now
from bot.core.desk_status import DeskViews
from bot.core.gatekeeper import Gatekeeper
from bot.core.mention_desk import MentionDesk, MentionPolicy
from bot.core.models import CONTROL_ROOM, DESK, Platform
from bot.core.replies.desk import ReplyAccount, ReplyDesk, ReplyPolicy
from bot.core.replies.saved import DEFAULT_REPLIES, SavedReply
from bot.core.request_flow import PlatformRequests, RequestPolicy
from bot.core.triage.decide import Triage
from bot.jobs.build_digest import DigestBuilder, pending_requests_from
from bot.jobs.desk_lessons import DeskLessons
from bot.jobs.desk_status import RedisDeskStatus, YesterdaysDigest
from bot.jobs.record_outcomes import ObservedMentions, OutcomeRecorder
from bot.jobs.retention import RetentionStores, RetentionSweeper, TweetLookup
from bot.learning.language import LanguageDetector
from bot.learning.model import SklearnTriageModel, load_model
from bot.web.meta_door import MetaWebhooks
from config.desk import Desk
from config.settings import Settings, SettingsError

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
    replies: ReplyDesk

    def for_listeners(self) -> dict[str, object]:
        """Services put into Bolt's context, each injected into listeners by this name."""
        return {
            "desk": self.desk,
            "audit": self.audit,
            "platform_requests": self.platform_requests,
            "mention_desk": self.mentions,
            "desk_views": self.desk_views,
            "reply_desk": self.replies,
        }


@cache
def packaged_triage_model() -> SklearnTriageModel:
    """Load the triage model shipped with the package, once per process (a bad artefact stops start-up)."""
    return load_model()


@cache
def packaged_language_detector() -> LanguageDetector:
    """Load the language model for Facebook and Instagram comments (their API gives no language), once per process."""
    return LanguageDetector()


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
        replies=build_reply_desk(settings, desk, client, gate),
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


def build_token_vault(settings: Settings, client: redis.Redis) -> RedisTokenVault | None:
    """The desk accounts' encrypted X tokens, or None until COMMSDESK_SECRET_KEY is set (replying is then off)."""
    if settings.secret_key is None:
        return None
    return RedisTokenVault(client, settings.secret_key, build_x_oauth(settings))


def build_meta_tokens(settings: Settings, client: redis.Redis) -> RedisMetaTokens:
    """The pages' and Instagram accounts' encrypted tokens; Meta needs COMMSDESK_SECRET_KEY to store them."""
    if settings.secret_key is None:
        raise SettingsError("COMMSDESK_SECRET_KEY is not set: Meta page tokens are stored encrypted with it")
    return RedisMetaTokens(client, settings.secret_key)


def build_x_oauth(settings: Settings) -> XOAuth | None:
    """X's OAuth 2.0 endpoints for linking and refreshing, or None without X_CLIENT_ID."""
    if not settings.x_client_id:
        return None
    secret = settings.x_client_secret.get_secret_value() if settings.x_client_secret else None
    return XOAuth(
        settings.x_client_id, secret, settings.x_redirect_uri, str(settings.x_authorize_url), str(settings.x_api_url)
    )


def reply_policy(desk: Desk) -> ReplyPolicy:
    """Turn the desk's accounts, `[[replies]]` (or the defaults) and `[reply]` into the reply policy."""
    saved = tuple(SavedReply(r.name, r.text) for r in desk.replies) or DEFAULT_REPLIES
    approval = desk.reply.approval_for if desk.reply.require_approval else ()
    meta = [(t, a, Platform.FACEBOOK) for t, a in desk.facebook_pages()]
    meta += [(t, a, Platform.INSTAGRAM) for t, a in desk.instagram_accounts()]
    return ReplyPolicy(
        accounts=(
            *(ReplyAccount(a.handle, a.id, t.key) for t, a in desk.accounts()),
            *(ReplyAccount(a.name, a.id, t.key, platform) for t, a, platform in meta),
        ),
        saved=saved,
        team_names={t.key: t.name for t in desk.teams},
        desk_channel=desk.desk.channel,
        approval_when_flagged="flagged" in approval,
        approval_outside_desk="outside_desk" in approval,
    )


def build_reply_desk(settings: Settings, desk: Desk, client: redis.Redis, gate: Gatekeeper) -> ReplyDesk:
    """Wire the Reply button to the mention records, reply intents (queued through the outbox) and linked accounts."""
    vault = build_token_vault(settings, client)
    book = RedisReplyBook(client, RedisOutbox(client, "web"), desk.retention.mention_days)
    mentions = RedisMentionStore(client, desk.retention.mention_days)
    policy = reply_policy(desk)

    def linked() -> Collection[str]:
        """X handles and Meta `platform:id` keys that can post now (Meta only while META_APP_SECRET is set)."""
        if vault is None:
            return frozenset()
        meta = [a for a in policy.accounts if a.platform is not Platform.X] if settings.meta_enabled else []
        usable = build_meta_tokens(settings, client).usable([a.id for a in meta]) if meta else set()
        return {*vault.can_post(), *(a.link_key for a in meta if a.id in usable)}

    return ReplyDesk(mentions, book, gate, policy, linked, AuditLog(client).record, utc_now)


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


def build_meta_webhooks(settings: Settings, client: redis.Redis) -> MetaWebhooks | None:
    """Build the /meta/webhooks door when Meta is on (META_APP_SECRET set); deliveries queue for the workers."""
    if settings.meta_app_secret is None:
        return None
    token = settings.meta_verify_token.get_secret_value() if settings.meta_verify_token else ""
    return MetaWebhooks(settings.meta_app_secret.get_secret_value(), token, RedisMetaInbox(client))
