"""Bring Facebook and Instagram in: webhook deliveries and catch-up polls become the desk's mentions.

Both paths end in `MetaIngest.apply`, which uses the X pipeline's own recorder (`MentionPoller.record_many`:
same triage, relay and outbox transaction), so a comment is carded once whether a webhook, a poll, or both (or
three workers at once) brought it. The Graph API gives no language, so `apply` detects it before triage, which
sends a comment the model cannot read to the desk to be translated, as it does a tweet. A reply from the page or
account itself in a comment's thread closes that comment with its response time; a `remove` redacts the record
and every card, as a deletion on X does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.adapters.aggregates import RedisAggregates
from bot.adapters.mention_store import RedisMentionStore
from bot.adapters.meta import GraphMetaSource, GraphRefused, MetaBatch
from bot.adapters.meta_inbox import RedisMetaInbox
from bot.adapters.store import Keys
from bot.core.clock import utc_now
from bot.core.errors import ConfigurationError, NotFound, UpstreamError
from bot.core.meta import AccountReply, Comment, MentionedIn, MetaEvent, Removed, read_delivery
from bot.core.models import Mention, Platform, platform_of
from bot.core.tracking import MentionState, TrackedMention, replied_on_x
from bot.jobs.poll_mentions import MentionPoller
from bot.logs import get_logger
from config.desk import Desk

log = get_logger(__name__)
Observer = Callable[[TrackedMention, TrackedMention], None]
Redactor = Callable[[Sequence[str], str], int]
LanguageOf = Callable[[str], str]  # a text's ISO 639-1 code, or "" when unsure


@dataclass
class IngestReport:
    new: int = 0
    replied: int = 0
    removed: int = 0
    edited: int = 0

    def add(self, other: IngestReport) -> None:
        self.new, self.replied = self.new + other.new, self.replied + other.replied
        self.removed, self.edited = self.removed + other.removed, self.edited + other.edited


class MetaIngest:
    """Apply Meta events to the desk through the same recorder, store and card redraws as X."""

    def __init__(
        self,
        poller: MentionPoller,
        mentions: RedisMentionStore,
        source: GraphMetaSource,
        desk: Desk,
        on_change: Observer,
        refresh: Callable[[TrackedMention], None],
        redact: Redactor,
        language_of: LanguageOf,
    ) -> None:
        self._poller = poller
        self._mentions = mentions
        self._source = source
        self._names = {a.id: a.name for _, a in (*desk.facebook_pages(), *desk.instagram_accounts())}
        self._on_change = on_change
        self._refresh = refresh
        self._redact = redact
        self._language_of = language_of

    def apply(self, events: Sequence[MetaEvent]) -> IngestReport:
        report = IngestReport()
        fresh: list[Mention] = []
        for event in events:
            if isinstance(event, MentionedIn):
                fresh += self._fetch_mention(event)
            elif isinstance(event, Comment) and event.edited and self._edit(event):
                report.edited += 1
            elif isinstance(event, Comment) and event.mention.account_id in self._names:
                fresh.append(event.mention)
        report.new = self._poller.record_many([self._with_language(m) for m in fresh]) if fresh else 0
        for event in events:
            if isinstance(event, AccountReply) and self._close(event):
                report.replied += 1
        removed = [e.mention_id for e in events if isinstance(e, Removed)]
        if removed:
            report.removed = self._redact(removed, f"removed on {platform_of(removed[0]).label}")
        return report

    def _with_language(self, mention: Mention) -> Mention:
        """Give a comment the language detected in its text: "" (unsure) is triaged as English."""
        return mention if mention.lang else mention.model_copy(update={"lang": self._language_of(mention.text)})

    def _fetch_mention(self, event: MentionedIn) -> list[Mention]:
        """Fetch an Instagram @mention's comment; one that cannot be read is logged, not retried forever."""
        try:
            found = self._source.mentioned(event.account_id, event.comment_id, event.media_id)
        except (ConfigurationError, GraphRefused) as exc:
            log.warning("instagram mention not read", account=event.account_id, error=str(exc))
            return []
        return [found.mention] if isinstance(found, Comment) else []

    def _edit(self, event: Comment) -> bool:
        """Show a comment's edited text on its record and cards; False when it is not recorded (record it new)."""
        try:
            after = self._mentions.update(
                event.mention.id,
                lambda t: (
                    t
                    if t.state is MentionState.REDACTED
                    else t.model_copy(update={"mention": t.mention.model_copy(update={"text": event.mention.text})})
                ),
            )
        except NotFound:
            return False
        self._refresh(after)
        return True

    def _close(self, reply: AccountReply) -> bool:
        current = self._mentions.get(reply.answered)
        if current is None or not current.is_open:
            return False
        name = self._names.get(reply.account_id, reply.account_id)
        before: list[TrackedMention] = []

        def close(tracked: TrackedMention) -> TrackedMention:
            before[:] = [tracked] if tracked.is_open else []
            return replied_on_x(tracked, name, reply.at)

        after = self._mentions.update(reply.answered, close)
        if not before:
            return False
        self._on_change(before[0], after)
        self._refresh(after)
        log.info("reply detected", tweet_id=after.mention.id, platform=after.mention.platform.value, account=name)
        return True


class MetaInboxConsumer:
    """Turn queued webhook deliveries into mentions; every worker runs it, the group gives each delivery to one."""

    def __init__(self, inbox: RedisMetaInbox, ingest: MetaIngest) -> None:
        self._inbox = inbox
        self._ingest = ingest

    def drain(self, batch: int = 50) -> IngestReport:
        report = IngestReport()
        while deliveries := self._inbox.take(batch):
            for delivery in deliveries:
                try:
                    payload = json.loads(delivery.body)
                    events, problems = read_delivery(payload if isinstance(payload, dict) else {})
                except ValueError:
                    events, problems = [], ["delivery is not JSON"]
                for problem in problems:
                    log.warning("meta change not read", problem=problem)
                report.add(self._ingest.apply(events))  # raises before the ack: the delivery is retried
                self._inbox.ack(delivery)
            if len(deliveries) < batch:
                break
        return report


class MetaPoller:
    """Catch up on every page and account: what webhooks missed (an outage, or a network that cannot take them)."""

    def __init__(
        self,
        source: GraphMetaSource,
        ingest: MetaIngest,
        mentions: RedisMentionStore,
        aggregates: RedisAggregates,
        desk: Desk,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._source = source
        self._ingest = ingest
        self._mentions = mentions
        self._aggregates = aggregates
        self._desk = desk
        self._clock = clock

    def poll(self) -> IngestReport:
        report = IngestReport()
        accounts = [(Platform.FACEBOOK, t, a) for t, a in self._desk.facebook_pages()]
        accounts += [(Platform.INSTAGRAM, t, a) for t, a in self._desk.instagram_accounts()]
        for platform, team, account in accounts:
            cursor_key = Keys.meta_cursor(platform.value, account.id)
            since = self._since(cursor_key)
            try:
                if platform is Platform.FACEBOOK:
                    batch = self._source.page_events(account.id, since, self._clock())
                else:
                    batch = self._source.instagram_events(account.id, since, self._clock())
            except (ConfigurationError, GraphRefused) as exc:
                log.warning("meta account not read; check its token", account=account.name, error=str(exc))
                continue
            except UpstreamError as exc:
                # throttled or unreachable: the same for every account, so stop; the next tick reads on from the cursors
                log.warning("meta poll stopped", account=account.name, error=str(exc))
                break
            report.add(self._take(batch, team.key, cursor_key))
        return report

    def _take(self, batch: MetaBatch, team: str, cursor_key: str) -> IngestReport:
        for problem in batch.problems:
            log.warning("meta object not read", problem=problem)
        report = self._ingest.apply(batch.events)
        for post in batch.own_posts:
            self._aggregates.record_own_post(team, post)
        if batch.newest is not None:
            self._mentions.set_cursor(cursor_key, str(int(batch.newest.timestamp())))
        return report

    def _since(self, cursor_key: str) -> datetime | None:
        stored = self._mentions.cursor(cursor_key)
        return datetime.fromtimestamp(int(stored), self._clock().tzinfo) if stored else None
