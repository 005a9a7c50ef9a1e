"""Domain records shared by every flow: mentions as the desk sees them and triage decisions."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")  # a Slack user id (W… on Enterprise Grid)
CONTROL_ROOM = "control_room"
DESK = "desk"


class Category(StrEnum):
    """What a mention is, in the tie-break order of the labelling guide (first wins)."""

    EMERGENCY = "emergency"
    CRIME_REPORT = "crime_report"
    INFORMATION = "information"
    MEDIA = "media"
    COMPLAINT = "complaint"
    QUESTION = "question"
    PRAISE = "praise"
    ABUSE = "abuse"
    CHATTER = "chatter"


class Platform(StrEnum):
    """Where a mention was posted; records written before Facebook and Instagram came in are X."""

    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"

    @property
    def label(self) -> str:
        return {"x": "X", "facebook": "Facebook", "instagram": "Instagram"}[self.value]


# A Meta mention's desk id is its Graph id behind a platform prefix: Instagram ids are bare digits like tweet ids,
# so without it the two platforms could share a Redis key. The prefix has no ":" (card buttons split on it).
META_PREFIXES = {Platform.FACEBOOK: "fb-", Platform.INSTAGRAM: "ig-"}


def desk_id(platform: Platform, graph_id: str) -> str:
    """Return the desk's id of a Meta comment or post: its Graph id behind the platform's prefix."""
    return META_PREFIXES.get(platform, "") + graph_id


def platform_of(mention_id: str) -> Platform:
    """Tell a mention's platform from its desk id alone (what outbox entries, cards and indexes carry)."""
    return next((p for p, prefix in META_PREFIXES.items() if mention_id.startswith(prefix)), Platform.X)


def graph_id(mention_id: str) -> str:
    """Return the platform's own id of a mention (a tweet id as it is; a Graph id without its prefix)."""
    prefix = META_PREFIXES.get(platform_of(mention_id), "")
    return mention_id[len(prefix) :]


class _Frozen(BaseModel):
    # Stored inside mention records: a field a newer release added is ignored, so a rollback still reads them.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Author(_Frozen):
    id: str
    username: str = ""
    name: str = ""
    location: str = ""


class ReferencedTweet(_Frozen):
    type: str  # replied_to | quoted | retweeted
    id: str


class Mention(_Frozen):
    """A public post that mentions a desk account; `text` is raw (entities unescaped, nothing else)."""

    id: str
    text: str
    author: Author
    created_at: datetime
    conversation_id: str = ""
    in_reply_to_user_id: str = ""
    referenced: tuple[ReferencedTweet, ...] = ()
    mentioned: tuple[str, ...] = ()  # @handles in text order, as X's entities list them
    lang: str = ""
    platform: Platform = Platform.X
    account_id: str = ""  # Meta: the desk's page or Instagram account the comment was made on
    link: str = ""  # Meta: the comment's address, built from Graph ids (X links are built from the id)

    @property
    def url(self) -> str:
        if self.platform is not Platform.X:
            return self.link
        user = self.author.username or "i"
        return f"https://x.com/{user}/status/{self.id}"

    @property
    def is_retweet(self) -> bool:
        return any(r.type == "retweeted" for r in self.referenced)

    def referenced_id(self, kind: str) -> str:
        return next((r.id for r in self.referenced if r.type == kind), "")


class TriageDecision(_Frozen):
    """The outcome of `core.triage.decide`: what the mention is, and why."""

    category: Category
    urgent: bool  # true in the safety band too: the control room checks it
    needs_reply: bool
    route: str  # team key, DESK or CONTROL_ROOM
    reasons: tuple[str, ...] = ()
    possible: bool = False  # inside the safety band: "possible emergency, check now"
    urgency: float | None = None  # the model's probability that the mention is urgent
    route_if_not_urgent: str = ""  # where the mention goes if a person decides it is not urgent
    language: str = ""  # ISO 639-1 code of the post's language as the platform gives it; "" when unknown
    understood: bool = True  # False when the model could not read the language: a person translates


class PostMetrics(_Frozen):
    impressions: int = 0
    likes: int = 0
    reposts: int = 0
    quotes: int = 0
    replies: int = 0
    bookmarks: int = 0

    @property
    def engagements(self) -> int:
        return self.likes + self.reposts + self.quotes + self.replies + self.bookmarks


class OwnPost(_Frozen):
    """A post by one of the desk's own accounts: a reply to the public, or a broadcast."""

    id: str
    account_id: str
    text: str
    created_at: datetime
    conversation_id: str = ""
    in_reply_to_tweet_id: str = ""  # set when the post replies to another post
    metrics: PostMetrics = PostMetrics()  # Meta: reactions as likes, shares as reposts, comments as replies
    platform: Platform = Platform.X

    @property
    def is_reply(self) -> bool:
        return bool(self.in_reply_to_tweet_id)
