"""Build the morning digests and post each once per date and channel, however many workers race or crash.

Posting order per channel: find an existing digest (Redis mark, else channel history by `commsdesk_digest`
metadata) → post the message → upload the chart as a reply in its thread → set the mark. The chart goes in the
thread because `files_upload_v2` cannot carry message metadata: the one channel message that carries it is the
idempotency anchor, and a reconciled digest whose thread has no file gets its chart uploaded then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.slack_messages import SlackMessages
from bot.adapters.store import DigestMarks, Leases
from bot.blocks.digest import (
    build_chart_alt_text,
    build_digest,
    build_digest_metadata,
    build_digest_summary,
    read_digest_metadata,
)
from bot.core.clock import utc_now
from bot.core.digest import Digest
from bot.core.errors import NotFound, SlackRefused
from bot.core.models import DESK
from bot.core.tracking import CardRef, CardRole, with_card
from bot.jobs.build_digest import DigestBuilder, local_yesterday
from bot.logs import get_logger
from config.desk import Desk

log = get_logger(__name__)
HISTORY_PAGES = 10


class PostStatus(StrEnum):
    """What happened to one channel's digest."""

    POSTED = "posted"
    ALREADY = "already"  # marked as posted in Redis
    RECONCILED = "reconciled"  # not marked, but found in the channel's history
    FAILED = "failed"


@dataclass(frozen=True)
class PostOutcome:
    """What happened for one channel, and the digest's ts when it is there."""

    team: str
    channel: str
    status: PostStatus
    ts: str = ""


class DigestPoster:
    """Post a date's digests to the desk channel and every team channel, exactly once per channel."""

    def __init__(
        self,
        client: SlackMessages,
        marks: DigestMarks,
        leases: Leases,
        mentions: RedisMentionStore,
        desk: Desk,
        builder: DigestBuilder,
        clock: Callable[[], datetime] = utc_now,
        lease_seconds: float = 30,
    ) -> None:
        self._slack = client
        self._marks = marks
        self._desk = desk
        self._builder = builder
        self._clock = clock
        self._leases = leases
        self._lease_seconds = lease_seconds
        self._mentions = mentions

    def yesterday(self, now: datetime | None = None) -> date:
        """The date a digest at `now` reports on: the day before, in the desk time zone."""
        return local_yesterday(now or self._clock(), self._desk.zone)

    def due_at(self, now: datetime | None = None) -> datetime:
        """Today's digest time (desk zone) on the local date of `now`."""
        local = (now or self._clock()).astimezone(self._desk.zone)
        return datetime.combine(local.date(), self._desk.digest_time, tzinfo=self._desk.zone)

    def channel_of(self, team: str) -> str:
        return self._desk.desk.channel if team == DESK else self._desk.channel_for(team)

    def targets(self) -> list[str]:
        """Digest audiences in posting order: the desk roll-up, then each team."""
        return [DESK, *(t.key for t in self._desk.teams)]

    def is_posted(self, day: date) -> bool:
        return all(self._marks.posted(day.isoformat(), team) for team in self.targets())

    def before_start(self, day: date) -> bool:
        """Whether `day` ended before the desk first started: a digest of it would be all zeros."""
        started = self._marks.first_start()
        return started is not None and day < started.astimezone(self._desk.zone).date()

    def post_yesterday(self) -> list[PostOutcome] | None:
        """Scheduled entry point: post the digest for yesterday in the desk time zone, if the desk ran then."""
        day = self.yesterday()
        if self.before_start(day):
            log.info("digest.before_start", day=day.isoformat())
            return None
        return self.post(day)

    def post(self, day: date) -> list[PostOutcome] | None:
        """Post `day`'s digests under the date's lease; None when another worker holds it.

        The lease is short and renewed before each channel, so a poster killed mid-run blocks a re-run for
        `lease_seconds` at most; a poster that loses it stops, leaving the rest to the new holder.
        """
        name = f"digest:{day.isoformat()}"
        token = self._leases.acquire(name, self._lease_seconds)
        if token is None:
            log.info("digest.lease_busy", day=day.isoformat())
            return None
        try:
            if self.is_posted(day):
                return [
                    PostOutcome(t, self.channel_of(t), PostStatus.ALREADY)
                    for t in (DESK, *(t.key for t in self._desk.teams))
                ]
            digests = self._builder.build(day)
            outcomes: dict[str, PostOutcome] = {}
            pending = digests
            for _ in range(2):  # a second go for channels that failed: reconciliation makes a retry safe
                for d in pending:
                    if not self._leases.renew(name, token, self._lease_seconds):
                        log.warning("digest.lease_lost", day=day.isoformat(), team=d.team)
                        return None
                    outcomes[d.team] = self._post_one(d)
                pending = [d for d in digests if outcomes[d.team].status is PostStatus.FAILED]
            return list(outcomes.values())
        finally:
            self._leases.release(name, token)

    def _post_one(self, digest: Digest) -> PostOutcome:
        channel, day = self.channel_of(digest.team), digest.day.isoformat()
        if self._marks.posted(day, digest.team):
            return PostOutcome(digest.team, channel, PostStatus.ALREADY)
        try:
            ts = self._find_posted(channel, digest)
            status = PostStatus.RECONCILED if ts else PostStatus.POSTED
            if ts is None:
                ts = self._post_message(channel, digest)
                self._upload_chart(channel, ts, digest)
            elif not self._thread_has_file(channel, ts):
                self._upload_chart(channel, ts, digest)
        except (SlackRefused, OSError) as exc:  # OSError covers resets and timeouts (urllib's URLError)
            log.error("digest.post_failed", team=digest.team, channel=channel, day=day, error=_reason(exc))
            return PostOutcome(digest.team, channel, PostStatus.FAILED)
        self._record_lines(digest, CardRef(channel=channel, ts=ts, role=CardRole.DIGEST))
        self._marks.mark(day, digest.team, f"{channel}:{ts}")
        log.info("digest.done", team=digest.team, channel=channel, day=day, status=status, ts=ts)
        return PostOutcome(digest.team, channel, status, ts)

    def _record_lines(self, digest: Digest, message: CardRef) -> None:
        """Add the digest to the messages of each backlog mention it lists, so a removal blanks its line too."""
        for item in digest.backlog:
            try:
                self._mentions.update(item.tweet_id, lambda tracked: with_card(tracked, message))
            except NotFound:
                log.info("digest.line_of_a_mention_gone", tweet_id=item.tweet_id)

    def _post_message(self, channel: str, digest: Digest) -> str:
        message = {"text": build_digest_summary(digest), "blocks": build_digest(digest)}
        return self._slack.post(channel, message, build_digest_metadata(digest))

    def _upload_chart(self, channel: str, ts: str, digest: Digest) -> None:
        """Upload the chart in the digest's thread; a failed chart is logged, never a reason to post twice."""
        try:
            self._slack.upload(
                channel,
                ts,
                self._builder.chart(digest),
                filename=f"digest-{digest.day.isoformat()}-{digest.team}.png",
                title=f"{digest.name}: 7 days to {digest.day:%d %b %Y}",
                alt_txt=build_chart_alt_text(digest),
            )
        except (SlackRefused, OSError) as exc:
            log.warning("digest.chart_failed", team=digest.team, channel=channel, error=_reason(exc))

    def _find_posted(self, channel: str, digest: Digest) -> str | None:
        """Look through the channel since the digest's date began for a message carrying this digest's metadata."""
        start = datetime.combine(digest.day, datetime.min.time(), tzinfo=self._desk.zone).timestamp()
        found = self._slack.find(
            channel, start, lambda message: read_digest_metadata(message) == (digest.day, digest.team), HISTORY_PAGES
        )
        return None if found is None else str(found["ts"])

    def _thread_has_file(self, channel: str, ts: str) -> bool:
        return self._slack.thread_has_file(channel, ts)


def _reason(exc: Exception) -> str:
    return exc.error if isinstance(exc, SlackRefused) else type(exc).__name__


def digest_trigger(desk: Desk) -> CronTrigger:
    """Fire daily at `[digest] time` on the desk's wall clock, whatever its UTC offset that day."""
    at = desk.digest_time
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=desk.zone)


def schedule_digest(scheduler: BaseScheduler, poster: DigestPoster, desk: Desk) -> Job:
    """Add the daily digest job: late runs within the grace still post, piled-up runs coalesce into one."""
    return scheduler.add_job(
        poster.post_yesterday,
        digest_trigger(desk),
        id="digest",
        name="morning digest",
        misfire_grace_time=desk.digest.misfire_grace_minutes * 60,
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )


def catch_up(poster: DigestPoster, now: datetime) -> list[PostOutcome] | None:
    """On worker start, post today's digest late rather than never if its time has passed; None if not due.

    Not due either when yesterday ended before the desk first started: a new desk posts no all-zero digest.
    """
    if now < poster.due_at(now) or poster.before_start(poster.yesterday(now)):
        return None
    return poster.post(poster.yesterday(now))
