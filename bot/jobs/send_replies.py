"""Send queued replies to X, Facebook and Instagram exactly once, from the outbox, paced and held per account.

The intent is in Redis before any call; `attempted` is set before each call. A later attempt of an intent that
was attempted (a crash, a reset after the platform accepted, a 5xx) first looks for the reply already there (on
X the account's recent posts, on Meta the comment's replies by the page or account) and finishes with that one if
it is there. A 429 (X's endpoint limit, the account's 24-hour post limit, Graph's throttle) holds the account
until the reset, or backs off when none was given, and tells the writer once that the reply is delayed. A
refusal (deleted post or comment, not allowed, duplicate, no linked token) is final: the writer is told
privately with the platform's reason, and the mention stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.adapters.meta import GraphRefused
from bot.adapters.outbox import OutboxEntry
from bot.adapters.pacer import ChannelPacer
from bot.adapters.reply_book import RedisReplyBook, account_lane
from bot.adapters.slack_messages import SlackMessages
from bot.blocks.replies import build_approval_outcome, delayed_notice, refused_notice
from bot.core.errors import ConfigurationError, NotFound, RateLimited, SlackRefused, UpstreamError, XRefused
from bot.core.models import Platform, graph_id
from bot.core.ports import Audit
from bot.core.replies.intents import IntentState, ReplyIntent, audit_text, replied_from_slack
from bot.core.tracking import Change, TrackedMention
from bot.logs import get_logger
from bot.web.metrics import UPSTREAM_429

log = get_logger(__name__)

RESET_RETRY_SECONDS = 2.0  # after a 5xx or a reset: soon, and the next attempt reconciles first
BACKOFF_CAP_SECONDS = 300.0
RECONCILE_SLACK = timedelta(minutes=1)  # clocks differ: look a little before the intent was made
REFUSED_BY = {p: f"mention.reply.refused_by_{p.value}" for p in Platform}  # X's keeps its name in the audit


class Poster(Protocol):
    def post_reply(self, account: str, text: str, in_reply_to: str) -> str: ...

    def find_reply(self, account: str, account_id: str, in_reply_to: str, since: datetime) -> str | None: ...


class MetaPoster(Protocol):
    """The Graph adapter's replies (`bot.adapters.meta.GraphMetaSource`): as the page or account, to a comment."""

    def reply(self, platform: Platform, account_id: str, comment_id: str, text: str) -> str: ...

    def find_reply(self, platform: Platform, account_id: str, comment_id: str, since: datetime) -> str | None: ...


class Mentions(Protocol):
    def update(self, tweet_id: str, change: Change) -> TrackedMention: ...


class ReplySender:
    """Deliver one reply outbox entry; True when done with it (sent, refused or stale), False to retry."""

    def __init__(
        self,
        book: RedisReplyBook,
        poster: Poster,
        mentions: Mentions,
        refresh_cards: Callable[[TrackedMention], None],
        slack: SlackMessages,
        audit: Audit,
        pacer: ChannelPacer,
        clock: Callable[[], datetime],
        meta: MetaPoster | None = None,
    ) -> None:
        self._book = book
        self._poster = poster
        self._meta = meta
        self._mentions = mentions
        self._refresh_cards = refresh_cards
        self._slack = slack
        self._audit = audit
        self._pacer = pacer
        self._clock = clock
        self._backoff: dict[str, float] = {}  # per intent, when X gave no reset

    def deliver(self, entry: OutboxEntry) -> bool:
        intent = self._book.get(entry.tweet_id)
        if intent is None or intent.id != entry.key or intent.state is not IntentState.QUEUED:
            return True  # sent, refused or replaced meanwhile
        try:
            if intent.attempted:
                found = self._find(intent, intent.created_at - RECONCILE_SLACK)
                if found:
                    log.info("reply found after an interrupted attempt", tweet_id=intent.tweet_id)
                    self._posted(intent, found)
                    return True
            else:
                intent = self._book.update(intent.tweet_id, lambda i: i.model_copy(update={"attempted": True}))
            post_id = self._post(intent)
        except RateLimited as limited:
            self._delayed(intent, limited.retry_after)
            return False
        except XRefused as refusal:
            self._refused(intent, refusal.reason)
            return True
        except (GraphRefused, ConfigurationError) as refusal:  # a deleted comment, a revoked or unlinked token
            self._refused(intent, str(refusal))
            return True
        except UpstreamError as failure:
            log.warning("reply not confirmed; will check and retry", tweet_id=intent.tweet_id, error=str(failure))
            self._pacer.hold(entry.channel, RESET_RETRY_SECONDS)
            return False
        self._posted(intent, post_id)
        return True

    def _post(self, intent: ReplyIntent) -> str:
        if intent.platform is Platform.X:
            return self._poster.post_reply(intent.account, intent.text, intent.tweet_id)
        comment = graph_id(intent.tweet_id)
        return self._graph().reply(intent.platform, intent.account_id, comment, intent.text)

    def _find(self, intent: ReplyIntent, since: datetime) -> str | None:
        if intent.platform is Platform.X:
            return self._poster.find_reply(intent.account, intent.account_id, intent.tweet_id, since)
        return self._graph().find_reply(intent.platform, intent.account_id, graph_id(intent.tweet_id), since)

    def _graph(self) -> MetaPoster:
        if self._meta is None:
            raise ConfigurationError("Facebook and Instagram are off here (META_APP_SECRET is unset); answer there")
        return self._meta

    def _posted(self, intent: ReplyIntent, post_id: str) -> None:
        at = self._clock()
        sent = self._book.update(
            intent.tweet_id, lambda i: i.model_copy(update={"state": IntentState.SENT, "post_id": post_id})
        )
        self._backoff.pop(intent.id, None)
        self._audit(
            intent.by,
            "mention.replied_from_slack",
            intent.tweet_id,
            account=intent.account,
            text=audit_text(intent.text),
            post_id=post_id,
            at=at.isoformat(),
            approved_by=intent.approved_by,
        )
        try:
            tracked = self._mentions.update(intent.tweet_id, lambda t: replied_from_slack(t, sent, at))
        except NotFound:
            log.info("mention gone before its reply was recorded", tweet_id=intent.tweet_id)
        else:
            self._refresh_cards(tracked)
        self._redraw_approval(sent)

    def _delayed(self, intent: ReplyIntent, retry_after: float | None) -> None:
        if intent.platform is Platform.X:  # the Graph adapter counts its own throttles (as meta)
            UPSTREAM_429.labels(service="x").inc()
        wait = retry_after
        if wait is None:
            wait = self._backoff.get(intent.id, 1.0)
            self._backoff[intent.id] = min(BACKOFF_CAP_SECONDS, wait * 2)
        self._pacer.hold(account_lane(intent), wait)
        self._book.update(intent.tweet_id, lambda i: i.model_copy(update={"delay_told": True}))
        log.info(
            "reply delayed by a rate limit", platform=intent.platform.value, account=intent.account, wait=round(wait, 1)
        )
        if not intent.delay_told:
            self._tell(intent, delayed_notice(intent, retry_after, self._clock()))

    def _refused(self, intent: ReplyIntent, reason: str) -> None:
        refused = self._book.update(
            intent.tweet_id, lambda i: i.model_copy(update={"state": IntentState.REFUSED, "error": reason})
        )
        self._audit(intent.by, REFUSED_BY[intent.platform], intent.tweet_id, account=intent.account, why=reason)
        log.info(
            "a reply was refused", platform=intent.platform.value, account=intent.account, tweet_id=intent.tweet_id
        )
        self._tell(intent, refused_notice(intent, reason))
        self._redraw_approval(refused)

    def _tell(self, intent: ReplyIntent, text: str) -> None:
        try:
            self._slack.tell(intent.by, intent.channel, text)
        except SlackRefused as exc:
            log.warning("could not tell the writer about their reply", tweet_id=intent.tweet_id, error=exc.error)

    def _redraw_approval(self, intent: ReplyIntent) -> None:
        if not intent.approval_ts:
            return
        try:
            self._slack.update(intent.approval_channel, intent.approval_ts, build_approval_outcome(intent))
        except SlackRefused as exc:
            log.warning("could not redraw the approval card", tweet_id=intent.tweet_id, error=exc.error)
