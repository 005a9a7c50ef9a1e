"""Platform requests: the evidence a team must give for a new platform, and the rules of deciding it.

Pure: the record, the answer rules and the state machine. `bot.core.request_flow.PlatformRequests` runs the
use cases against a repository port.

    submitted ──► info_requested ──► resubmitted ──► approved | declined
        │  (ask for info again from resubmitted)  │
        └──────── withdrawn (by the requester, while open) ◄──┘
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.core.errors import InvalidInput

OTHER = "Other"
SCHEMA = 1  # shape of the stored request; `commsdesk migrate` brings older records up to it
MAX_ANSWER_CHARS = 3000
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff]"
)
_TAG = re.compile(r"<[^<>]*>")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE = re.compile(r"[^.!?\n]+")
_VANITY = re.compile(r"\b(followers?|follower counts?|likes)\b", re.IGNORECASE)


class RequestState(StrEnum):
    SUBMITTED = "submitted"
    INFO_REQUESTED = "info_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


DECIDABLE = frozenset({RequestState.SUBMITTED, RequestState.RESUBMITTED})
OPEN = frozenset({RequestState.SUBMITTED, RequestState.INFO_REQUESTED, RequestState.RESUBMITTED})
BLOCKING = OPEN | {RequestState.APPROVED}
ALLOWED: Mapping[RequestState, frozenset[RequestState]] = {
    RequestState.INFO_REQUESTED: DECIDABLE,
    RequestState.RESUBMITTED: frozenset({RequestState.INFO_REQUESTED}),
    RequestState.APPROVED: DECIDABLE,
    RequestState.DECLINED: OPEN,
    RequestState.WITHDRAWN: OPEN,
}


class Answers(BaseModel):
    """What the requesting team told Corp Comms, normalised; raw wording kept (rendered inert on display)."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # a rollback reads newer records

    platform: str
    other_platform: str = ""
    team: str
    account_name: str = ""
    audience: str
    evidence: str
    current_channels: str
    content_plan: str
    people: str
    risks: str
    success: str
    review_date: date
    closure_plan: str = ""

    @property
    def platform_name(self) -> str:
        return self.other_platform if self.platform == OTHER else self.platform


class Step(BaseModel):
    """One state change: who moved the request where, when, and the reason or question given."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # a rollback reads newer records

    state: RequestState
    actor: str
    at: datetime
    note: str = ""


class PlatformRequest(BaseModel):
    """A request as stored; `version` increases with every write and guards compare-and-set."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # a rollback reads newer records

    id: str
    requester: str
    answers: Answers
    state: RequestState
    version: int = 1
    created_at: datetime
    history: tuple[Step, ...] = ()
    card_channel: str = ""
    card_ts: str = ""
    schema_version: int = SCHEMA

    @property
    def updated_at(self) -> datetime:
        return self.history[-1].at if self.history else self.created_at

    @property
    def last_note(self) -> str:
        return self.history[-1].note if self.history else ""

    @property
    def decided_by(self) -> str:
        return self.history[-1].actor if self.state in (RequestState.APPROVED, RequestState.DECLINED) else ""

    def moved(self, to: RequestState, actor: str, at: datetime, note: str = "") -> PlatformRequest:
        """Return this request in state `to`; raise ValueError if the state machine forbids it."""
        if self.state not in ALLOWED.get(to, frozenset()):
            raise ValueError(f"cannot go from {self.state} to {to}")
        step = Step(state=to, actor=actor, at=at, note=note)
        return self.model_copy(update={"state": to, "version": self.version + 1, "history": (*self.history, step)})


# Field name -> (label, required, kind); field names double as block ids on the form.
FIELDS: Mapping[str, tuple[str, bool, str]] = {
    "platform": ("Platform", True, "choice"),
    "other_platform": ("Name of the other platform", False, "short"),
    "team": ("Requesting team", True, "choice"),
    "account_name": ("Proposed account name", False, "short"),
    "audience": ("Target audience: who and where", True, "audience"),
    "evidence": ("Evidence this audience uses this platform", True, "justification"),
    "current_channels": ("Why current channels do not reach them", True, "justification"),
    "content_plan": ("Content plan: what, how often, how varied", True, "justification"),
    "people": ("People and cover: owners, hours a week, leave and out-of-hours cover", True, "justification"),
    "risks": ("Risks and safeguards: moderation, training, code of ethics", True, "justification"),
    "success": ("How success will be judged (not follower counts)", True, "justification"),
    "review_date": ("Review date", True, "date"),
    "closure_plan": ("Closure plan", False, "long"),
}


def visible(text: str) -> str:
    """Return what a reader would see: invisible characters and tags gone, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return " ".join(_TAG.sub(" ", text).split())


def words(text: str) -> int:
    return len(_WORD.findall(visible(text)))


def is_blank(text: str) -> bool:
    """True when nothing readable is left: whitespace, zero-width characters or markup alone."""
    return not _WORD.search(visible(text))


def _substance(text: str) -> int:
    """Count words outside sentences about follower or like counts, which are not evidence of success."""
    return sum(words(s) for s in _SENTENCE.findall(visible(text)) if not _VANITY.search(s))


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def validate(
    raw: Mapping[str, str | None],
    *,
    platforms: Sequence[str],
    teams: Sequence[str],
    min_words: int,
    audience_min_words: int,
    today: date,
) -> Answers:
    """Check a submitted form; return normalised answers or raise InvalidInput mapping field -> message."""
    values = {name: (raw.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    for name, (label, required, kind) in FIELDS.items():
        value = values[name]
        if len(value) > MAX_ANSWER_CHARS:
            errors[name] = f"Please keep this under {MAX_ANSWER_CHARS} characters."
        elif required and is_blank(value):
            errors[name] = f"{label} is required."
        elif not required and value and is_blank(value):
            values[name] = ""
        elif kind == "audience" and words(value) < audience_min_words:
            errors[name] = f"Say who they are and where, in at least {audience_min_words} words."
        elif kind == "justification" and (_substance(value) if name == "success" else words(value)) < min_words:
            errors[name] = _too_short(name, min_words)
    _check_choices(values, platforms, teams, errors)
    review = _review_date(values["review_date"], today, errors)
    if errors:
        raise InvalidInput(errors)
    assert review is not None
    return Answers.model_validate({**values, "review_date": review})


def _too_short(name: str, min_words: int) -> str:
    if name == "success":
        return f"Say how engagement will be judged, in at least {min_words} words; follower counts do not count."
    return f"Please give at least {min_words} words: Corp Comms decides on evidence, not on wanting it."


def _check_choices(
    values: dict[str, str], platforms: Sequence[str], teams: Sequence[str], errors: dict[str, str]
) -> None:
    if "platform" not in errors and values["platform"] not in (*platforms, OTHER):
        errors["platform"] = "Choose a platform from the list, or Other."
    if values["platform"] == OTHER:
        known = {p.casefold(): p for p in platforms}
        if is_blank(values["other_platform"]):
            errors["other_platform"] = "Name the platform you chose Other for."
        elif "<" in values["other_platform"] or ">" in values["other_platform"]:
            errors["other_platform"] = "Name the platform in words, without < or >."
        elif visible(values["other_platform"]).casefold() in known:
            values["platform"] = known[visible(values["other_platform"]).casefold()]
            values["other_platform"] = ""
        else:
            values["other_platform"] = visible(values["other_platform"])
    else:
        values["other_platform"] = ""
    if "team" not in errors and values["team"] not in teams:
        errors["team"] = "Choose your team from the list."


def _review_date(value: str, today: date, errors: dict[str, str]) -> date | None:
    if "review_date" in errors:
        return None
    try:
        review = date.fromisoformat(value)
    except ValueError:
        errors["review_date"] = "Pick a review date."
        return None
    if review <= today:
        errors["review_date"] = "The review date must be in the future."
    elif review > one_year_after(today):
        errors["review_date"] = "Review within a year: nothing lasts forever, so plan to look again."
    return review
