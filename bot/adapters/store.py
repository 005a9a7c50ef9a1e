"""Redis store: the one module that knows key names, plus leases, the audit stream and start-up checks.

Key plan (prefix `cd:`; every key has an owner here and a TTL or retention):

| key | type | holds | TTL / retention |
| --- | --- | --- | --- |
| cd:cursor:mentions:{account_id} | string | newest mention id seen (since_id) | none (tiny) |
| cd:cursor:search | string | newest id seen by the recent-search strategy | none |
| cd:cursor:own:{account_id} | string | newest own post id seen | none |
| cd:mention:{tweet_id} | string | TrackedMention JSON: mention, decision, lifecycle, cards | retention.mention_days |
| cd:open | zset | tweet ids needing reply, scored by SLA due | members removed on close |
| cd:conversation:{conversation_id} | set | tracked mention ids in a conversation | retention.mention_days |
| cd:tracked | zset | every tracked mention id, scored by received time | trimmed by the retention sweep |
| cd:cards:{yyyy-mm-dd} | hash | tweet id -> every message showing it (by role), its conversation | mention_days + 2 d |
| cd:outbox:{lane} | stream | Slack posts to make; lanes 0 urgent, 1 reply, 2 info | deleted when acked |
| cd:outbox:dead | stream | ids and Slack's error of posts refused for good, never the post | 30 days (sweep) |
| cd:attempt:{lane}:{entry_id} | string | a post of this outbox entry was attempted | 1 day |
| cd:sent:{key} | string | channel:ts of a one-off message already posted | 7 days |
| cd:pace:{channel} | string | earliest next post time for a channel | 10 s |
| cd:surge:{channel}:{window} | set | no-reply mention ids rolled into one surge summary | deleted once posted; 7 d |
| cd:surge:due | zset | "{channel}:{window}" summaries to post, scored by when their period ends | removed when queued |
| cd:agg:{yyyy-mm-dd}:{team} | hash | per-day counters for the digest | 400 days |
| cd:rt:{yyyy-mm-dd}:{team} | string | first responses as "seconds:staffed:sla_met " (APPEND) | 400 days |
| cd:own:{yyyy-mm-dd}:{team} | hash | own posts' metrics by post id; text blanked after mention_days | 400 days |
| cd:request:{request_id} | string | platform request JSON | none (an audit record) |
| cd:requests:user:{user_id} | set | request ids filed by a user | none |
| cd:requests:pending | zset | request ids awaiting a decision, by filing | members removed on close |
| cd:requests:active:{team}:{platform} | string | id of the open/approved request for a pair | removed on decline |
| cd:digest:{yyyy-mm-dd}:{team} | string | channel:ts of the posted digest | 14 days |
| cd:replay:{signature} | string | a signed request already handled | 6 min (past the signing window) |
| cd:event:{event_id} | string | an Events API event already handled | 1 hour (Slack retries within it) |
| cd:lease:{name} | string | holder token (`message:{channel}:{ts}`: a line of it is being edited) | lease length |
| cd:xreads:{yyyy-mm} | string | posts read from X this month, every endpoint (`XReadLedger`) | 62 days |
| cd:xalert:{yyyy-mm}:{level} | string | a budget alert already sent | 62 days |
| cd:heartbeat:{consumer} | string | when a worker's loop last turned (epoch seconds) | the stale bound (2 min) |
| cd:heartbeats | zset | worker consumers by last beat, so status lists them without a scan | members gone after 1 day |
| cd:audit | stream | every state change: actor, action, subject | trimmed to audit_days |
| cd:corrections | stream | desk corrections of triage labels (no text) | trimmed to audit_days on each write |
| cd:meta:inbox | stream | verified Meta webhook deliveries waiting for a worker (group `ingest`) | deleted when acked |
| cd:meta:delivery:{sha256} | string | a Meta delivery already queued (retries, replays) | 1 day |
| cd:meta:cursor:{kind}:{graph_id} | string | newest created time polled on a page, account or post | none (tiny) |
| cd:meta:token:{graph_id} | string | a page's or Instagram account's token, Fernet-encrypted | none (unlink) |
| cd:started | string | when the desk first started (ISO time), set once; no digests before it | none (tiny) |
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from bot.core.desk_status import WorkerBeat
from bot.core.errors import ConfigurationError, UpstreamError

PREFIX = "cd:"
AUDIT_STREAM = PREFIX + "audit"
CORRECTIONS_STREAM = PREFIX + "corrections"
OUTBOX_LANES = (0, 1, 2)
OUTBOX_GROUP = "sender"
OPEN_QUEUE = PREFIX + "open"
PENDING_REQUESTS = PREFIX + "requests:pending"
DAY_SECONDS = 86_400
AGGREGATE_TTL = 400 * DAY_SECONDS
DIGEST_MARK_TTL = 14 * DAY_SECONDS
BUDGET_TTL = 62 * DAY_SECONDS


class Keys:
    """Builders for every Redis key; nothing else in the code base spells a key."""

    @staticmethod
    def mentions_cursor(account_id: str) -> str:
        return f"{PREFIX}cursor:mentions:{account_id}"

    @staticmethod
    def search_cursor() -> str:
        return f"{PREFIX}cursor:search"

    @staticmethod
    def own_cursor(account_id: str) -> str:
        return f"{PREFIX}cursor:own:{account_id}"

    @staticmethod
    def mention(tweet_id: str) -> str:
        return f"{PREFIX}mention:{tweet_id}"

    @staticmethod
    def every_mention() -> str:
        """SCAN pattern of every mention record."""
        return f"{PREFIX}mention:*"

    @staticmethod
    def every_request() -> str:
        """SCAN pattern of every platform request record."""
        return f"{PREFIX}request:*"

    @staticmethod
    def conversation(conversation_id: str) -> str:
        return f"{PREFIX}conversation:{conversation_id}"

    @staticmethod
    def tracked() -> str:
        return f"{PREFIX}tracked"

    @staticmethod
    def cards_index(day: str) -> str:
        return f"{PREFIX}cards:{day}"

    @staticmethod
    def outbox(lane: int) -> str:
        return f"{PREFIX}outbox:{lane}"

    @staticmethod
    def dead_letters() -> str:
        return f"{PREFIX}outbox:dead"

    @staticmethod
    def attempt(entry_id: str) -> str:
        return f"{PREFIX}attempt:{entry_id}"

    @staticmethod
    def sent(key: str) -> str:
        return f"{PREFIX}sent:{key}"

    @staticmethod
    def pace(channel: str) -> str:
        return f"{PREFIX}pace:{channel}"

    @staticmethod
    def surge_bucket(channel: str, window: int) -> str:
        return f"{PREFIX}surge:{channel}:{window}"

    @staticmethod
    def surge_due() -> str:
        return f"{PREFIX}surge:due"

    @staticmethod
    def aggregate(day: str, team: str) -> str:
        return f"{PREFIX}agg:{day}:{team}"

    @staticmethod
    def response_times(day: str, team: str) -> str:
        return f"{PREFIX}rt:{day}:{team}"

    @staticmethod
    def own_posts(day: str, team: str) -> str:
        return f"{PREFIX}own:{day}:{team}"

    @staticmethod
    def request(request_id: str) -> str:
        return f"{PREFIX}request:{request_id}"

    @staticmethod
    def user_requests(user_id: str) -> str:
        return f"{PREFIX}requests:user:{user_id}"

    @staticmethod
    def active_request(team: str, platform: str) -> str:
        return f"{PREFIX}requests:active:{team}:{platform.casefold()}"

    @staticmethod
    def digest_mark(day: str, team: str) -> str:
        return f"{PREFIX}digest:{day}:{team}"

    @staticmethod
    def replay(signature: str) -> str:
        return f"{PREFIX}replay:{signature}"

    @staticmethod
    def event(event_id: str) -> str:
        return f"{PREFIX}event:{event_id}"

    @staticmethod
    def lease(name: str) -> str:
        return f"{PREFIX}lease:{name}"

    @staticmethod
    def x_reads(month: str) -> str:
        return f"{PREFIX}xreads:{month}"

    @staticmethod
    def x_alert(month: str, level: str) -> str:
        return f"{PREFIX}xalert:{month}:{level}"

    @staticmethod
    def first_start() -> str:
        return f"{PREFIX}started"

    @staticmethod
    def heartbeat(consumer: str) -> str:
        return f"{PREFIX}heartbeat:{consumer}"

    @staticmethod
    def heartbeats() -> str:
        return f"{PREFIX}heartbeats"

    @staticmethod
    def meta_inbox() -> str:
        return f"{PREFIX}meta:inbox"

    @staticmethod
    def meta_delivery(digest: str) -> str:
        return f"{PREFIX}meta:delivery:{digest}"

    @staticmethod
    def meta_cursor(kind: str, graph_id: str) -> str:
        return f"{PREFIX}meta:cursor:{kind}:{graph_id}"

    @staticmethod
    def meta_token(graph_id: str) -> str:
        return f"{PREFIX}meta:token:{graph_id}"

    @staticmethod
    def reply(tweet_id: str) -> str:
        """The reply intent for a mention (kept as long as the mention's text)."""
        return f"{PREFIX}reply:{tweet_id}"

    @staticmethod
    def x_tokens(handle: str) -> str:
        """A desk account's X tokens, Fernet-encrypted."""
        return f"{PREFIX}xtokens:{handle.casefold()}"

    @staticmethod
    def every_x_token() -> str:
        return f"{PREFIX}xtokens:*"

    @staticmethod
    def x_token_refresh(handle: str) -> str:
        """Lock held while one worker refreshes an account's token (X rotates refresh tokens)."""
        return f"{PREFIX}xrefresh:{handle.casefold()}"


def connect(url: str) -> redis.Redis:
    """Build a client that decodes to str and fails fast instead of hanging."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=3,
        socket_timeout=5,
        health_check_interval=30,
        retry_on_timeout=True,
    )


@dataclass(frozen=True)
class RedisCheck:
    """What the start-up check found; `warnings` and `notes` are printed, errors raise."""

    version: str
    persistence: str
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()


def check_redis(client: redis.Redis, assume_noeviction: bool = False) -> RedisCheck:
    """Reach Redis; warn when nothing is persisted; refuse an eviction policy that could drop state.

    Managed services (ElastiCache, Azure Cache, Memorystore, Redis Cloud) refuse CONFIG: then the policy INFO
    reports (if any) still decides a refusal, and otherwise the desk config's `[redis] assume_noeviction`
    says whether the operator has checked the provider's setting.
    """
    try:
        info: Mapping[str, Any] = client.info()
    except redis.RedisError as exc:
        raise UpstreamError(f"cannot reach Redis: {exc}; check REDIS_URL and that Redis is running") from None
    config = _config_get(client, "maxmemory-policy", "save")
    policy = config.get("maxmemory-policy") if config is not None else info.get("maxmemory_policy")
    if policy is not None and policy != "noeviction":
        raise ConfigurationError(
            f"Redis maxmemory-policy is {policy}; Comms Desk needs noeviction so queued cards, claims and "
            "requests are never evicted: run CONFIG SET maxmemory-policy noeviction, or set it in your "
            "provider's parameter group or policy settings"
        )
    aof = str(info.get("aof_enabled", 0)) == "1"
    warnings, notes = [], []
    if config is None:
        rdb = False
        if assume_noeviction:
            notes.append(
                "Redis refuses CONFIG (a managed service); trusting [redis] assume_noeviction = true that its "
                "maxmemory-policy is noeviction"
            )
        else:
            warnings.append(
                "Redis refuses CONFIG (a managed service), so its eviction policy cannot be checked: verify in "
                "the provider's settings that maxmemory-policy is noeviction, then set [redis] "
                "assume_noeviction = true in the desk config"
            )
    else:
        rdb = bool(config.get("save"))
    if config is not None and not aof and not rdb:
        warnings.append(
            "Redis persistence is off (no AOF, no RDB): a Redis restart loses the queue and all state; "
            "set appendonly yes and appendfsync everysec"
        )
    persistence = "aof" if aof else "rdb" if rdb else "none" if config is not None else "provider-managed"
    version = str(info.get("redis_version", "?"))
    return RedisCheck(version=version, persistence=persistence, warnings=tuple(warnings), notes=tuple(notes))


def _config_get(client: redis.Redis, *names: str) -> dict[str, str] | None:
    """Read CONFIG values, or None when the server refuses CONFIG (renamed away, or denied by ACL)."""
    try:
        values: dict[str, str] = {}
        for name in names:
            values.update({str(k): str(v) for k, v in client.config_get(name).items()})
        return values
    except redis.ResponseError as exc:
        if "unknown command" in str(exc).lower() or "noperm" in str(exc).lower():
            return None
        raise UpstreamError(f"Redis refused CONFIG GET: {exc}; check REDIS_URL and the user's rights") from None
    except redis.RedisError as exc:
        raise UpstreamError(f"cannot reach Redis: {exc}; check REDIS_URL and that Redis is running") from None


def record_first_start(client: redis.Redis, now: datetime) -> datetime:
    """Remember when the desk first started (set once); an upgraded desk dates it from its oldest mention or audit."""
    key = Keys.first_start()
    stored = client.get(key)
    if stored is None:
        evidence = [now]
        oldest: list[tuple[str, float]] = client.zrange(Keys.tracked(), 0, 0, withscores=True)  # type: ignore[assignment]
        evidence += [datetime.fromtimestamp(score, UTC) for _, score in oldest]
        first: list[tuple[str, dict[str, str]]] = client.xrange(AUDIT_STREAM, count=1)  # type: ignore[assignment]
        evidence += [datetime.fromtimestamp(int(entry_id.split("-")[0]) / 1000, UTC) for entry_id, _ in first]
        client.set(key, min(evidence).isoformat(), nx=True)
        stored = client.get(key)
    return datetime.fromisoformat(str(stored))


def first_start(client: redis.Redis) -> datetime | None:
    """When the desk first started, if a process has recorded it."""
    stored = client.get(Keys.first_start())
    return datetime.fromisoformat(str(stored)) if stored else None


class DigestMarks:
    """Which digests are posted: one mark per date and audience (channel and ts), kept two weeks."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def posted(self, day: str, team: str) -> bool:
        return bool(self._client.exists(Keys.digest_mark(day, team)))

    def mark(self, day: str, team: str, where: str) -> None:
        self._client.set(Keys.digest_mark(day, team), where, ex=DIGEST_MARK_TTL)

    def first_start(self) -> datetime | None:
        """When the desk first started, so a digest of a day before it is never posted."""
        return first_start(self._client)


class Leases:
    """Named leases so that each scheduled tick runs on one replica only."""

    _RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
    _RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._release = client.register_script(self._RELEASE)
        self._renew = client.register_script(self._RENEW)

    def acquire(self, name: str, seconds: float) -> str | None:
        """Take lease `name` for `seconds`; return its token, or None when another holder has it."""
        token = secrets.token_hex(8)
        got = self._client.set(Keys.lease(name), token, nx=True, px=max(1, int(seconds * 1000)))
        return token if got else None

    def release(self, name: str, token: str) -> None:
        self._release(keys=[Keys.lease(name)], args=[token])

    def renew(self, name: str, token: str, seconds: float) -> bool:
        """Give lease `name` another `seconds` if `token` still holds it, so a live holder keeps a short lease."""
        return bool(self._renew(keys=[Keys.lease(name)], args=[token, max(1, int(seconds * 1000))]))

    def holder(self, name: str) -> str | None:
        value = self._client.get(Keys.lease(name))
        return str(value) if value is not None else None

    @contextmanager
    def held(self, name: str, seconds: float) -> Iterator[bool]:
        """Yield True while holding the lease (released afterwards), False if someone else holds it."""
        token = self.acquire(name, seconds)
        try:
            yield token is not None
        finally:
            if token is not None:
                self.release(name, token)


class AuditLog:
    """Append-only stream of state changes: who did what to which thing, and when."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def record(self, actor: str, action: str, subject: str, **detail: str) -> str:
        fields = {"actor": actor, "action": action, "subject": subject, "at": datetime.now(UTC).isoformat()}
        if detail:
            fields["detail"] = json.dumps(detail, sort_keys=True)
        return str(self._client.xadd(AUDIT_STREAM, fields))  # type: ignore[arg-type]

    def entries(self, subject: str | None = None, count: int = 10_000, since: str = "-") -> list[dict[str, str]]:
        """Return audit entries oldest first, from stream id `since`, optionally only those about `subject`."""
        rows: list[tuple[str, dict[str, str]]] = self._client.xrange(AUDIT_STREAM, min=since, count=count)  # type: ignore[assignment]
        out = [{"id": entry_id, **fields} for entry_id, fields in rows]
        return [r for r in out if subject is None or r["subject"] == subject]

    def trim_before(self, days: int) -> int:
        """Drop audit entries older than `days`; return how many went."""
        cutoff_ms = int((time.time() - days * DAY_SECONDS) * 1000)
        return int(self._client.xtrim(AUDIT_STREAM, minid=f"{cutoff_ms}-0", approximate=False))


class XReadLedger:
    """This month's count of posts read from X, and which budget alerts were already sent."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def add(self, month: str, posts: int) -> int:
        """Add `posts` to `month`'s count (yyyy-mm); return the new total."""
        pipe = self._client.pipeline(transaction=True)
        pipe.incrby(Keys.x_reads(month), posts)
        pipe.expire(Keys.x_reads(month), BUDGET_TTL)
        total, _ = pipe.execute()
        return int(total)

    def first_alert(self, month: str, level: int) -> bool:
        """Claim the one alert for `level`% of `month`'s budget; False if it was already sent."""
        return bool(self._client.set(Keys.x_alert(month, str(level)), "1", nx=True, ex=BUDGET_TTL))


class Heartbeats:
    """One key per worker consumer, written each loop with a TTL: the key is gone once its loop stops."""

    FORGET_SECONDS = DAY_SECONDS  # a stopped worker is listed (as not alive) this long, then dropped

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def beat(self, consumer: str, at: float, ttl: float) -> None:
        """Record a worker's beat; UpstreamError when Redis cannot take it, so the caller can try next turn."""
        pipe = self._client.pipeline(transaction=False)
        pipe.set(Keys.heartbeat(consumer), repr(at), px=max(1, int(ttl * 1000)))
        pipe.zadd(Keys.heartbeats(), {consumer: at})
        pipe.zremrangebyscore(Keys.heartbeats(), "-inf", at - self.FORGET_SECONDS)
        try:
            pipe.execute()
        except redis.RedisError as exc:
            raise UpstreamError(str(exc)) from exc

    def workers(self) -> list[WorkerBeat]:
        """Every worker seen in the last day, most recent beat first."""
        rows: list[tuple[str, float]] = self._client.zrevrange(Keys.heartbeats(), 0, -1, withscores=True)  # type: ignore[assignment]
        pipe = self._client.pipeline(transaction=False)
        for consumer, _ in rows:
            pipe.exists(Keys.heartbeat(consumer))
        alive = pipe.execute() if rows else []
        return [
            WorkerBeat(consumer=str(c), last_beat=datetime.fromtimestamp(float(at), UTC), alive=bool(up))
            for (c, at), up in zip(rows, alive, strict=True)
        ]


class SeenRequests:
    """Remember signed requests and Events API event ids so a replay or retry is handled once."""

    SIGNATURE_TTL = 360
    EVENT_TTL = 3600

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def reachable(self) -> bool:
        """Whether Redis answers, so the replay check can run: what the front door's health check reports."""
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False

    def first_signature(self, signature: str) -> bool:
        """True the first time a signature is seen; UpstreamError when Redis cannot tell."""
        return self._first(Keys.replay(signature), self.SIGNATURE_TTL)

    def first_event(self, event_id: str) -> bool:
        """True the first time an Events API event id is seen; UpstreamError when Redis cannot tell."""
        return self._first(Keys.event(event_id), self.EVENT_TTL)

    def _first(self, key: str, ttl: int) -> bool:
        try:
            return bool(self._client.set(key, "1", nx=True, ex=ttl))
        except redis.RedisError as exc:
            raise UpstreamError(f"Redis did not answer the replay check: {exc}") from exc


LEASE_NAMES = ("poll", "own_posts", "sla", "compliance", "retention", "meta_poll")  # digest leases are per date


@dataclass(frozen=True)
class StateSnapshot:
    """Shared state worth exporting as metrics and showing in `/commsdesk status`."""

    outbox_depth: int
    outbox_oldest_age: float
    open_mentions: int
    overdue_mentions: int
    x_reads_month: int
    leases: dict[str, bool]


class StateReader:
    """Read-only view of queue, backlog, budget and lease state."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def snapshot_if_reachable(self, now: float) -> StateSnapshot | None:
        """The snapshot, or None while Redis does not answer (a scrape then reports nothing rather than failing)."""
        try:
            return self.snapshot(now)
        except redis.RedisError:
            return None

    def snapshot(self, now: float) -> StateSnapshot:
        pipe = self._client.pipeline(transaction=False)
        for lane in OUTBOX_LANES:
            pipe.xlen(Keys.outbox(lane))
            pipe.xrange(Keys.outbox(lane), count=1)
        pipe.zcard(OPEN_QUEUE)
        pipe.zcount(OPEN_QUEUE, "-inf", now)
        pipe.get(Keys.x_reads(datetime.fromtimestamp(now, UTC).strftime("%Y-%m")))
        for name in LEASE_NAMES:
            pipe.exists(Keys.lease(name))
        replies = pipe.execute()
        lanes, (open_count, overdue, reads, *leases) = (
            replies[: 2 * len(OUTBOX_LANES)],
            replies[2 * len(OUTBOX_LANES) :],
        )
        depth = sum(int(n) for n in lanes[0::2])
        firsts = [int(str(first[0][0]).split("-")[0]) for first in lanes[1::2] if first]
        oldest_age = max(0.0, now - min(firsts) / 1000) if firsts else 0.0
        return StateSnapshot(
            outbox_depth=int(depth),
            outbox_oldest_age=oldest_age,
            open_mentions=int(open_count),
            overdue_mentions=int(overdue),
            x_reads_month=int(reads or 0),
            leases={name: bool(held) for name, held in zip(LEASE_NAMES, leases, strict=True)},
        )
