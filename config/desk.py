"""The desk config: a TOML file describing the force's teams, accounts, channels and policies.

Every table forbids unknown keys; new keys always have defaults, so an older file keeps working.
`load_desk` turns any problem into one `DeskConfigError` naming the file, the key and the problem.
"""

from __future__ import annotations

import re
import string
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.errors import ConfigurationError

_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{6,}")


def _channel_id(value: str) -> str:
    if not _CHANNEL_ID.fullmatch(value):
        hint = "use the channel ID, e.g. C0123ABCD, not #comms-desk (in Slack: the channel's name → About → Channel ID)"
        raise ValueError(f"'{value}' is not a channel ID: {hint}")
    return value


ChannelId = Annotated[str, AfterValidator(_channel_id)]
UserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{6,}$")]
Handle = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,15}$")]
TeamKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Principal = Annotated[str, StringConstraints(pattern=r"^([UW][A-Z0-9]{6,}|S[A-Z0-9]{6,})$")]  # user or user group
Principals = Annotated[tuple[Principal, ...], Field(min_length=1)]

DEFAULT_PLATFORMS = (
    "Facebook",
    "Instagram",
    "X",
    "TikTok",
    "Snapchat",
    "YouTube",
    "WhatsApp Channels",
    "Nextdoor",
    "Threads",
    "Bluesky",
    "Mastodon",
    "LinkedIn",
    "Twitch",
)
RESERVED_ROUTES = {"desk", "control_room"}


class DeskConfigError(ConfigurationError):
    """The desk config file is unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Account(_Strict):
    handle: Handle
    id: Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]


class MetaAccount(_Strict):
    """A Facebook Page or an Instagram professional account of a team, by its Graph id."""

    id: Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]


class Team(_Strict):
    key: TeamKey
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    channel: ChannelId
    accounts: tuple[Account, ...] = ()
    facebook_pages: tuple[MetaAccount, ...] = ()
    instagram_accounts: tuple[MetaAccount, ...] = ()
    places: tuple[Annotated[str, StringConstraints(min_length=2)], ...] = ()

    @field_validator("key")
    @classmethod
    def _not_reserved(cls, key: str) -> str:
        if key in RESERVED_ROUTES:
            raise ValueError(f"'{key}' is a reserved route name; choose another team key")
        return key


class DeskTable(_Strict):
    name: Annotated[str, StringConstraints(min_length=1)]
    channel: ChannelId
    control_room_channel: ChannelId
    requests_channel: ChannelId
    approvers: tuple[UserId, ...] = ()
    approver_usergroup: Annotated[str, StringConstraints(pattern=r"^(S[A-Z0-9]{6,})?$")] = ""
    staffed_from: ClockTime = "08:00"
    staffed_until: ClockTime = "20:00"
    claim_expiry_minutes: int = Field(default=30, ge=1, le=24 * 60)


class TriageTable(_Strict):
    reply_sla_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    urgent_sla_minutes: int = Field(default=5, ge=1, le=24 * 60)
    emergency_terms: tuple[str, ...] = ()
    crime_terms: tuple[str, ...] = ()
    abuse_terms: tuple[str, ...] = ()
    media_outlets: tuple[str, ...] = ()
    hq_team: str = "force"  # accounts of this team (force HQ) route by place, not to the team itself


class DigestTable(_Strict):
    time: ClockTime = "08:00"
    misfire_grace_minutes: int = Field(default=120, ge=60, le=24 * 60)


class XTable(_Strict):
    strategy: Literal["mentions_timeline", "recent_search"] = "mentions_timeline"
    poll_seconds: int = Field(default=60, ge=15, le=3600)
    own_posts_poll_seconds: int = Field(default=300, ge=60, le=3600)
    monthly_read_budget: int = Field(default=10_000, ge=1)
    max_pages_per_poll: int = Field(default=5, ge=1, le=50)
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # compliance: posts open or received this recently are checked against deletions on X; older closed ones
    # lose their text instead. At most 20 h apart, so hourly retries of a failed run still land within 24 h.
    compliance_days: int = Field(default=2, ge=1, le=3650)
    compliance_every_hours: int = Field(default=12, ge=1, le=20)
    # the read forecast's assumptions (`commsdesk check`, `/commsdesk status`); set them from the desk's history
    mentions_per_account_day: float = Field(default=20, ge=0)
    own_posts_per_account_day: float = Field(default=5, ge=0)
    usd_per_read: float = Field(default=0.005, ge=0)  # X pay-per-use price of one post read; check current pricing


class MetaTable(_Strict):
    """Facebook Pages and Instagram through the Graph API: webhooks first, polling to fill gaps."""

    poll_seconds: int = Field(default=300, ge=30, le=3600)  # catch-up poll; webhooks bring comments at once
    max_pages_per_poll: int = Field(default=5, ge=1, le=50)
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    backoff_at_percent: int = Field(default=80, ge=10, le=100)  # usage header level at which polling slows down


class OutboxTable(_Strict):
    pace_ms: int = Field(default=1000, ge=1, le=60_000)  # gap between posts to one channel (Slack: ~1/s)
    reclaim_idle_seconds: int = Field(default=60, ge=1, le=3600)  # when a dead worker's posts are taken over


class SurgeTable(_Strict):
    backlog_seconds: int = Field(default=60, ge=1, le=3600)  # roll up no-reply cards when a channel's queue is longer
    summary_seconds: int = Field(default=300, ge=1, le=3600)  # one summary of rolled-up mentions per channel per period


class RetentionTable(_Strict):
    mention_days: int = Field(default=30, ge=1, le=3650)
    audit_days: int = Field(default=400, ge=30, le=3650)


class RequestsTable(_Strict):
    platforms: tuple[str, ...] = DEFAULT_PLATFORMS
    min_words: int = Field(default=12, ge=1, le=500)
    audience_min_words: int = Field(default=5, ge=1, le=500)


class AccessTable(_Strict):
    """Who holds a role, replacing membership of that role's channel; leave a key out to use the channel."""

    desk: Principals | None = None
    control_room: Principals | None = None
    teams: dict[TeamKey, Principals] = {}


REPLY_PLACEHOLDERS = ("handle", "team", "account")  # as bot.core.replies.saved fills them


def _known_placeholders(text: str) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValueError(f"{exc}; write a literal brace as {{{{ or }}}}") from None
    if unknown := sorted({n for n in names if n not in REPLY_PLACEHOLDERS}):
        known = ", ".join("{" + n + "}" for n in REPLY_PLACEHOLDERS)
        raise ValueError(f"unknown placeholder {', '.join('{' + n + '}' for n in unknown)}; use {known}")
    return text


class SavedReplyTable(_Strict):
    """One saved reply (`[[replies]]`): the name the picker shows and its text with placeholders."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=75)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_known_placeholders)]


class ReplyTable(_Strict):
    """Replying from Slack: when a draft needs the desk's approval before it goes to X."""

    require_approval: bool = False
    approval_for: tuple[Literal["flagged", "outside_desk"], ...] = ("flagged", "outside_desk")


class RedisTable(_Strict):
    # The provider refuses CONFIG (ElastiCache, Azure, Memorystore, Redis Cloud): the operator asserts noeviction.
    assume_noeviction: bool = False


class Desk(_Strict):
    """The whole desk config, validated."""

    timezone: str = "Europe/London"
    desk: DeskTable
    triage: TriageTable = TriageTable()
    digest: DigestTable = DigestTable()
    x: XTable = XTable()
    meta: MetaTable = MetaTable()
    outbox: OutboxTable = OutboxTable()
    surge: SurgeTable = SurgeTable()
    retention: RetentionTable = RetentionTable()
    requests: RequestsTable = RequestsTable()
    access: AccessTable = AccessTable()
    redis: RedisTable = RedisTable()
    reply: ReplyTable = ReplyTable()
    replies: tuple[SavedReplyTable, ...] = ()  # empty: the built-in UK defaults
    teams: tuple[Team, ...] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{name}' (use an IANA name such as Europe/London)") from None
        return name

    @model_validator(mode="after")
    def _unique(self) -> Desk:
        keys = [t.key for t in self.teams]
        if dupes := sorted({k for k in keys if keys.count(k) > 1}):
            raise ValueError(f"team keys must be unique; repeated: {', '.join(dupes)}")
        handles = [a.handle.casefold() for t in self.teams for a in t.accounts]
        if dupes := sorted({h for h in handles if handles.count(h) > 1}):
            raise ValueError(f"account handles must be unique; repeated: {', '.join(dupes)}")
        meta_ids = [a.id for t in self.teams for a in (*t.facebook_pages, *t.instagram_accounts)]
        if dupes := sorted({i for i in meta_ids if meta_ids.count(i) > 1}):
            raise ValueError(f"facebook_pages and instagram_accounts ids must be unique; repeated: {', '.join(dupes)}")
        if unknown := sorted(set(self.access.teams) - set(keys)):
            raise ValueError(f"[access.teams] names teams that are not on the desk: {', '.join(unknown)}")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def digest_time(self) -> time:
        return time.fromisoformat(self.digest.time)

    def team(self, key: str) -> Team | None:
        return next((t for t in self.teams if t.key == key), None)

    def channel_for(self, route: str) -> str:
        """Return the Slack channel a route posts to (team key, `desk` or `control_room`)."""
        if route == "control_room":
            return self.desk.control_room_channel
        team = self.team(route)
        return team.channel if team else self.desk.channel

    def accounts(self) -> list[tuple[Team, Account]]:
        return [(t, a) for t in self.teams for a in t.accounts]

    def facebook_pages(self) -> list[tuple[Team, MetaAccount]]:
        return [(t, p) for t in self.teams for p in t.facebook_pages]

    def instagram_accounts(self) -> list[tuple[Team, MetaAccount]]:
        return [(t, a) for t in self.teams for a in t.instagram_accounts]


_LOC_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def _key_path(loc: tuple[int | str, ...]) -> str:
    return _LOC_INDEX.sub(lambda m: f"[{m.group(1)}]", ".".join(str(p) for p in loc)) or "(top level)"


def parse_desk(text: str, source: str = "<desk config>") -> Desk:
    """Validate desk config TOML text; errors name `source`, the key and the problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeskConfigError(f"{source}: not valid TOML: {exc}") from None
    try:
        return Desk.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"{source}: {_key_path(err['loc'])}: {problem}")
        raise DeskConfigError("\n".join(lines)) from None


def load_desk(path: str | Path) -> Desk:
    """Read and validate the desk config file at `path`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeskConfigError(
            f"{file}: cannot read desk config ({exc.strerror}); set COMMSDESK_CONFIG to its path"
        ) from None
    return parse_desk(text, str(file))
