"""The worker: poll X, detect replies, chase the SLA, post the digest and drain the outbox.

Every scheduled tick takes a Redis lease, so with N replicas each tick runs once; every replica drains the
outbox through the consumer group, so posting scales out while each entry is handled by one of them.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from apscheduler.schedulers.background import BackgroundScheduler

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.meta import GraphMetaSource
from bot.adapters.meta_inbox import RedisMetaInbox
from bot.adapters.outbox import RedisOutbox
from bot.adapters.pacer import ChannelPacer
from bot.adapters.reply_book import RedisReplyBook
from bot.adapters.slack_cards import LINE_LOCK_SECONDS, SlackCardPublisher
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import DigestMarks, Heartbeats, XReadLedger
from bot.adapters.x import TweepyMentionSource, build_x_client
from bot.adapters.x_replies import XReplyPoster
from bot.core.clock import utc_now
from bot.core.errors import UpstreamError
from bot.core.tracking import TrackedMention
from bot.jobs.chase_sla import SlaChaser
from bot.jobs.deliver_cards import OutboxDrainer
from bot.jobs.detect_replies import OwnPostPoller
from bot.jobs.heartbeat import Heartbeat
from bot.jobs.meta_ingest import MetaInboxConsumer, MetaIngest, MetaPoller
from bot.jobs.platform_lookup import PlatformLookup
from bot.jobs.poll_mentions import MentionPoller, PollReport
from bot.jobs.post_digest import DigestPoster, catch_up, schedule_digest
from bot.jobs.record_outcomes import ObservedMentions, OutcomeRecorder
from bot.jobs.retention import RetentionSweeper
from bot.jobs.send_replies import ReplySender
from bot.jobs.x_reads import XReadMeter
from bot.logs import get_logger
from bot.services import (
    Services,
    build_digest_builder,
    build_meta_tokens,
    build_retention_sweeper,
    build_slack_client,
    build_token_vault,
    build_triage,
    packaged_language_detector,
)
from bot.web.metrics import UPSTREAM_429

log = get_logger(__name__)
SLA_EVERY_SECONDS = 60
DIGEST_CATCH_UP_SECONDS = 300
RETENTION_EVERY_SECONDS = 24 * 3600
PERIODIC_TICK_SECONDS = 3600  # how soon a failed compliance or retention run is retried
META_INBOX_EVERY_SECONDS = 0.5  # webhook to card within the 3 s at the 95th percentile


class Lease(Enum):
    """How a scheduled job is kept to one replica."""

    TICK = "tick"  # the replica holding the lease runs this tick; the lease lasts one interval
    PERIOD = "period"  # runs once per `period` across replicas; a failed run gives the lease back for a retry
    NONE = "none"  # the job takes its own leases (the digest, per date)


@dataclass(frozen=True)
class ScheduledJob:
    """One row of the worker's schedule; `name` is its job id, its lease and its name in the logs."""

    name: str
    every: float  # seconds between ticks
    lease: Lease
    run: Callable[[], object]
    period: float | None = None  # Lease.PERIOD: how often it runs across replicas
    start_now: bool = False


@dataclass
class Worker:
    """The jobs of one worker process, wired to shared state in Redis."""

    services: Services
    mentions: MentionPoller
    own_posts: OwnPostPoller
    sla: SlaChaser
    drainer: OutboxDrainer
    digests: DigestPoster
    retention: RetentionSweeper
    heartbeat: Heartbeat
    meta: MetaJobs | None = None  # Facebook and Instagram, when META_APP_SECRET is set
    clock: Callable[[], datetime] = utc_now

    def leased(self, name: str, seconds: float, job: Callable[[], object]) -> Callable[[], None]:
        """Wrap `job` so only the replica holding lease `name` runs this tick; failures are logged, not fatal."""

        def run() -> None:
            with self.services.leases.held(name, seconds) as mine:
                if not mine:
                    return
                try:
                    job()
                except Exception:
                    log.exception("job failed; it runs again next tick", job=name)

        return run

    def periodic(self, name: str, period: float, job: Callable[[], object]) -> Callable[[], None]:
        """Wrap `job` to run once per `period` across replicas: the lease outlives the run; a failure gives it back."""

        def run() -> None:
            token = self.services.leases.acquire(name, period)
            if token is None:
                return
            try:
                job()
            except Exception:
                self.services.leases.release(name, token)
                log.exception("job failed; it runs again next tick", job=name)

        return run

    def run_once(self, drain_timeout: float = 120.0) -> None:
        """One poll cycle (mentions, then own posts), then drain the outbox even if X failed: `worker --once`."""
        report, answered = PollReport(), 0
        try:
            report = self.mentions.poll()
            answered = self.own_posts.poll()
        except UpstreamError as exc:
            log.warning("x poll failed; the next cycle reads on from the saved cursors", error=str(exc))
        if self.meta is not None:
            self.meta.inbox.drain()
            self.meta.poller.poll()
        self.sla.chase(self.clock())
        posted = self.drainer.drain(drain_timeout)
        log.info(
            "worker cycle done", new=report.new, seen=report.seen, gaps=report.gaps, replied=answered, posted=posted
        )

    def schedule(self) -> list[ScheduledJob]:
        """The worker's jobs as a table: what runs, how often, and under which lease, so one tick runs once."""
        x = self.services.desk.x
        compliance_every = x.compliance_every_hours * 3600  # ≤ 20 h: with hourly retries, within X's 24 h
        meta = self.meta
        return [
            *(self._meta_rows(meta) if meta is not None else []),
            ScheduledJob("poll", x.poll_seconds, Lease.TICK, self.mentions.poll, start_now=True),
            ScheduledJob("own_posts", x.own_posts_poll_seconds, Lease.TICK, self.own_posts.poll),
            ScheduledJob("sla", SLA_EVERY_SECONDS, Lease.TICK, lambda: self.sla.chase(self.clock())),
            ScheduledJob(
                "compliance",
                PERIODIC_TICK_SECONDS,
                Lease.PERIOD,
                self.retention.check_deleted,
                period=compliance_every,
                start_now=True,
            ),
            ScheduledJob(
                "retention",
                PERIODIC_TICK_SECONDS,
                Lease.PERIOD,
                self.retention.sweep,
                period=RETENTION_EVERY_SECONDS,
                start_now=True,
            ),
            # a digest missed while every worker was down (or held by a crashed one's lease) goes out late, not never;
            # the digest takes its own lease per date
            ScheduledJob(
                "digest_catch_up",
                DIGEST_CATCH_UP_SECONDS,
                Lease.NONE,
                lambda: catch_up(self.digests, self.clock()),
                start_now=True,
            ),
        ]

    def _meta_rows(self, meta: MetaJobs) -> list[ScheduledJob]:
        """Every replica drains the webhook inbox (the consumer group shares it out); one polls per tick."""
        return [
            ScheduledJob("meta_inbox", META_INBOX_EVERY_SECONDS, Lease.NONE, meta.inbox.drain),
            ScheduledJob(
                "meta_poll", self.services.desk.meta.poll_seconds, Lease.TICK, meta.poller.poll, start_now=True
            ),
        ]

    def guarded(self, job: ScheduledJob) -> Callable[[], object]:
        """Wrap a row's callable in its lease."""
        if job.lease is Lease.TICK:
            return self.leased(job.name, job.every, job.run)
        if job.lease is Lease.PERIOD:
            return self.periodic(job.name, job.period or job.every, job.run)
        return job.run

    def scheduler(self) -> BackgroundScheduler:
        """Every row of the schedule and the morning digest on one scheduler, not yet started."""
        scheduler = BackgroundScheduler(timezone=self.services.desk.zone)
        for job in self.schedule():
            start = {"next_run_time": self.clock()} if job.start_now else {}
            scheduler.add_job(
                self.guarded(job),
                "interval",
                seconds=job.every,
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                **start,
            )
        schedule_digest(scheduler, self.digests, self.services.desk)
        return scheduler

    def run_forever(self, stop: threading.Event) -> None:
        """Schedule the jobs and drain the outbox until `stop` is set."""
        scheduler = self.scheduler()
        scheduler.start()
        log.info("worker started", consumer=consumer_name())
        try:
            while not stop.is_set():
                self.heartbeat.beat()
                try:
                    self.drainer.step(block_ms=500)
                except Exception:
                    log.exception("outbox step failed; retrying")
                    stop.wait(1.0)
        finally:
            scheduler.shutdown(wait=False)


@dataclass(frozen=True)
class MetaJobs:
    """Facebook and Instagram: the webhook inbox consumer, the catch-up poller and the Graph source they share."""

    inbox: MetaInboxConsumer
    poller: MetaPoller
    source: GraphMetaSource


def build_meta_source(services: Services) -> GraphMetaSource | None:
    """Build the Graph API source when Meta is on; its tokens are decrypted with COMMSDESK_SECRET_KEY."""
    settings, desk = services.settings, services.desk
    if settings.meta_app_secret is None:
        return None
    tokens = build_meta_tokens(settings, services.redis)
    return GraphMetaSource(
        str(settings.meta_api_url),
        settings.meta_app_secret.get_secret_value(),
        tokens.token,
        timeout=desk.meta.timeout_seconds,
        max_pages=desk.meta.max_pages_per_poll,
        backoff_at=desk.meta.backoff_at_percent,
        on_rate_limited=UPSTREAM_429.labels(service="meta").inc,
    )


def build_meta_jobs(
    services: Services, source: GraphMetaSource, poller: MentionPoller, retention: RetentionSweeper
) -> MetaJobs:
    """Wire webhook deliveries and catch-up polls into the X pipeline's recorder, store and card redraws."""
    desk, client = services.desk, services.redis
    mentions = RedisMentionStore(client, desk.retention.mention_days)
    aggregates = RedisAggregates(client, desk.zone)
    cards = SlackCardPublisher(
        SlackMessages(services.slack), desk, lock=lambda name: services.leases.held(name, LINE_LOCK_SECONDS)
    )
    ingest = MetaIngest(
        poller,
        mentions,
        source,
        desk,
        OutcomeRecorder(aggregates, desk),
        cards.refresh,
        retention.redact_removed,
        packaged_language_detector().detect,
    )
    inbox = RedisMetaInbox(client, consumer_name(), desk.outbox.reclaim_idle_seconds * 1000)
    inbox.ensure_group()
    return MetaJobs(MetaInboxConsumer(inbox, ingest), MetaPoller(source, ingest, mentions, aggregates, desk), source)


def consumer_name() -> str:
    """Name this process in the outbox consumer group: host and pid, unique across replicas."""
    return f"{socket.gethostname()}-{os.getpid()}"


def build_reply_sender(
    services: Services,
    outbox: RedisOutbox,
    pacer: ChannelPacer,
    refresh: Callable[[TrackedMention], None],
    meta: GraphMetaSource | None = None,
) -> ReplySender | None:
    """Wire sending replies: intents, X tokens, `meta` (the worker's Graph source) for Facebook and Instagram."""
    settings, desk, client = services.settings, services.desk, services.redis
    vault = build_token_vault(settings, client)
    if vault is None:
        return None
    recorder = OutcomeRecorder(RedisAggregates(client, desk.zone), desk)
    return ReplySender(
        RedisReplyBook(client, outbox, desk.retention.mention_days),
        XReplyPoster(vault, str(settings.x_api_url), desk.x.timeout_seconds),
        ObservedMentions(RedisMentionStore(client, desk.retention.mention_days), recorder),
        refresh,
        SlackMessages(services.slack),
        services.audit.record,
        pacer,
        utc_now,
        meta,
    )


def build_worker(services: Services, pace_ms: int | None = None) -> Worker:
    """Wire the worker's jobs; `pace_ms` (default: desk `[outbox] pace_ms`) is the gap between posts to a channel."""
    settings, desk, client = services.settings, services.desk, services.redis
    x_client = build_x_client(settings.secret("x_bearer_token"), str(settings.x_api_url), desk.x.timeout_seconds)
    outbox = RedisOutbox(client, consumer_name(), desk.outbox.reclaim_idle_seconds * 1000)
    source = TweepyMentionSource(
        x_client,
        max_pages=desk.x.max_pages_per_poll,
        on_rate_limited=UPSTREAM_429.labels(service="x").inc,
        on_posts_read=XReadMeter(XReadLedger(client), outbox, desk).add,
    )
    mentions = RedisMentionStore(client, desk.retention.mention_days)
    pacer = ChannelPacer(client, desk.outbox.pace_ms if pace_ms is None else pace_ms)
    outbox.ensure_groups()
    aggregates = RedisAggregates(client, desk.zone)
    slack = SlackMessages(services.slack)
    cards = SlackCardPublisher(slack, desk, lock=lambda name: services.leases.held(name, LINE_LOCK_SECONDS))
    builder = build_digest_builder(desk, client)
    meta_source = build_meta_source(services)
    poller = MentionPoller(source, build_triage(desk), mentions, outbox, aggregates, desk)
    lookup = PlatformLookup(source, meta_source, mentions)
    retention = build_retention_sweeper(client, mentions, lookup, services.slack, desk)
    return Worker(
        services=services,
        mentions=poller,
        own_posts=OwnPostPoller(source, mentions, aggregates, desk, OutcomeRecorder(aggregates, desk), cards.refresh),
        sla=SlaChaser(mentions, outbox, desk),
        drainer=OutboxDrainer(
            outbox,
            mentions,
            SlackMessages(build_slack_client(settings, retries=False)),
            pacer,
            desk,
            replies=build_reply_sender(services, outbox, pacer, cards.refresh, meta_source),
        ),
        digests=DigestPoster(slack, DigestMarks(client), services.leases, mentions, desk, builder),
        retention=retention,
        heartbeat=Heartbeat(Heartbeats(client), consumer_name()),
        meta=build_meta_jobs(services, meta_source, poller, retention) if meta_source is not None else None,
    )
